// `npm run dev`'s GitHub App: without GitHub credentials in .dev.vars, the Worker runs in App
// mode against the fake GitHub, so the everyday loop exercises the production auth path (App
// JWT, an installation token per task). The key pair is generated once under the local state
// folder and kept: the fake checks the App JWT's RS256 signature with its public half.
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const DEV_APP = { id: 1, slug: "agent-bot-dev" };
/** The samples' account (`npm run send`): the dev App is installed on all its repositories. */
const DEV_INSTALLATIONS = [{ id: 1, account: "Codertocat", repositories: "all" }];

/** The dev App's key pair (PKCS#1, as GitHub issues keys), made on first use under `stateDir`. */
export function devGitHubApp(stateDir) {
  const dir = join(stateDir, "github-app");
  const privatePath = join(dir, "private-key.pem");
  const publicPath = join(dir, "public-key.pem");
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
    });
    writeFileSync(privatePath, privateKey, { mode: 0o600 });
    writeFileSync(publicPath, publicKey);
  }
  const privateKeyPem = readFileSync(privatePath, "utf8");
  const publicKeyPem = readFileSync(publicPath, "utf8");
  return {
    appId: String(DEV_APP.id),
    privateKeyPem,
    /** What the fake GitHub knows: the App (its public key) and where it is installed. */
    fake: { app: { ...DEV_APP, publicKeyPem }, installations: DEV_INSTALLATIONS },
  };
}

/** A dotenv line for a multi-line PEM (double quotes expand `\n`). */
export function pemEnvLine(name, pem) {
  return `${name}="${pem.trim().replace(/\n/g, "\\n")}"`;
}
