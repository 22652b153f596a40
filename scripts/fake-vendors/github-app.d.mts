export interface FakeAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface FakeRouteContext {
  base: string;
  query: Record<string, string>;
  body: any;
  authorized: boolean;
  authorization?: string;
}

export type FakeRoute = [
  method: string,
  pattern: string,
  handle: (ctx: FakeRouteContext, params: Record<string, string>) => FakeAnswer | Promise<FakeAnswer>,
];

export interface FakeInstallation {
  id: number;
  account: string;
  /** `owner/name` full names, or "all" for every repository of the account. */
  repositories: string[] | "all";
  suspended?: boolean;
}

export interface FakeGitHubAppOptions {
  app?: { id: number; slug: string; botUserId?: number; publicKeyPem: string; webhookSecret?: string; clientId?: string };
  installations?: FakeInstallation[];
  now?: () => number;
}

export interface MintedToken {
  token: string;
  installationId: number;
  appId: number;
  repositories: string[];
  permissions: Record<string, string>;
  expiresAt: string;
  revoked: boolean;
}

export interface FakeGitHubApp {
  routes: FakeRoute[];
  webRoutes: FakeRoute[];
  authorize(method: string, path: string, authorization: string | undefined): FakeAnswer | undefined;
  createFromManifest(manifest: unknown): Promise<{ app: { id: number; slug: string }; code: string }>;
  tokenFor(value: string): MintedToken | undefined;
  revokeTokens(): void;
  minted(): MintedToken[];
  installations: FakeInstallation[];
  state(): {
    apps: { id: number; slug: string; botUserId: number }[];
    installations: FakeInstallation[];
    tokens: Omit<MintedToken, "token">[] & { token: string }[];
  };
}

export function generateAppKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }>;
export function createFakeGitHubApp(options?: FakeGitHubAppOptions): FakeGitHubApp;
