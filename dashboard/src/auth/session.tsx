// The signed-in state. On load it asks GET /api/session: with a stored token, or
// without one, in which case Cloudflare Access (a cookie the Worker verifies) may
// still answer 200. Any 401 from any call clears the token and returns to sign-in.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { ApiUser } from "../../../core/api-types";
import { ApiClient, ApiError } from "../api/api-client";
import { API_BASE_URL } from "../config";
import { tokenStore } from "./token-store";

export type SessionState = { status: "checking" } | { status: "signed-out"; message?: string } | { status: "signed-in"; user: ApiUser };

export interface SessionContextValue {
  session: SessionState;
  client: ApiClient;
  /** Checks the token with the Worker; resolves to an error message, or null once signed in. */
  signIn(token: string): Promise<string | null>;
  signOut(message?: string): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export const SESSION_ENDED = "Your session has ended or the token is no longer accepted. Sign in again.";

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export interface SessionProviderProps {
  children: ReactNode;
  /** Builds the API client; tests pass one with a fake fetch. */
  createClient?: (options: { getToken: () => string | null; onUnauthorized: () => void }) => ApiClient;
}

export function SessionProvider({ children, createClient }: SessionProviderProps) {
  const [session, setSession] = useState<SessionState>({ status: "checking" });
  const signOutRef = useRef<(message?: string) => void>(() => {});

  const client = useMemo(() => {
    const options = { getToken: () => tokenStore.get(), onUnauthorized: () => signOutRef.current(SESSION_ENDED) };
    return createClient ? createClient(options) : new ApiClient({ baseUrl: API_BASE_URL, ...options });
    // Built once: the callbacks read live values through a ref and storage.
  }, [createClient]);

  const signOut = useCallback((message?: string) => {
    tokenStore.clear();
    setSession({ status: "signed-out", message });
  }, []);
  signOutRef.current = signOut;

  useEffect(() => {
    const controller = new AbortController();
    const hadToken = tokenStore.get() !== null;
    client
      .session({ quietUnauthorized: true, signal: controller.signal })
      .then(({ user }) => setSession({ status: "signed-in", user }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) {
          signOut(hadToken ? SESSION_ENDED : undefined);
        } else {
          setSession({ status: "signed-out", message: `Could not check the session: ${describe(error)}` });
        }
      });
    return () => controller.abort();
  }, [client, signOut]);

  const signIn = useCallback(
    async (token: string): Promise<string | null> => {
      const trimmed = token.trim();
      if (!trimmed) return "Enter an API token.";
      try {
        const { user } = await client.session({ token: trimmed, quietUnauthorized: true });
        tokenStore.set(trimmed);
        setSession({ status: "signed-in", user });
        return null;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return "That token was not accepted.";
        return `Could not sign in: ${describe(error)}`;
      }
    },
    [client],
  );

  const value = useMemo(() => ({ session, client, signIn, signOut }), [session, client, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

export function useApi(): ApiClient {
  return useSession().client;
}
