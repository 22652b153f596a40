export interface CreatedApp {
  appId: string;
  slug: string;
  htmlUrl: string;
  privateKey: string;
  webhookSecret: string;
}

export function setupManifest(options: { deploymentUrl: string; callbackUrl: string; name?: string }): Record<string, unknown>;
export function convertCode(apiUrl: string, code: string): Promise<CreatedApp>;
export function secretCommands(app: CreatedApp, env?: string): string[];
export function writeDevVars(path: string, app: CreatedApp): void;
export function startSetupListener(options: {
  deploymentUrl: string;
  webUrl?: string;
  apiUrl?: string;
  org?: string;
  name?: string;
  port?: number;
}): Promise<{ url: string; done: Promise<CreatedApp>; close(): Promise<void> }>;
