// Sign-in with an API token. Behind Cloudflare Access this page is never shown:
// the session check on load succeeds with the Access cookie.
import { useState, type FormEvent } from "react";
import { useSession } from "./session";

export function SignInPage() {
  const { session, signIn } = useSession();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const notice = session.status === "signed-out" ? session.message : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const failure = await signIn(token);
    setBusy(false);
    if (failure) setError(failure);
  }

  return (
    <main id="main" className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to agent-bot</h1>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="api-token">API token</label>
        <input
          id="api-token"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-describedby="api-token-help"
          aria-invalid={error ? true : undefined}
        />
        <p id="api-token-help" className="help">
          The Worker's <code>API_TOKEN</code> (<code>dev-api-token</code> with <code>npm run dev</code>). It is kept in this tab's session
          storage only.
        </p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
