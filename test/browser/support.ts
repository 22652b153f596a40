// Shared by the browser tests: Debian's Chromium through playwright-core, the real
// `npm run dev` (Worker + dashboard), the real send script, and screenshots.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import type { DevServer } from "../support/dev-server.mjs";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
/** Debian's package (`apt-get install chromium`); `npx playwright install` cannot download here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's (apt-get install -y --no-install-recommends chromium, as .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ["--disable-dev-shm-usage"] });
}

export async function newPage(browser: Browser, viewport: typeof LAPTOP, phone = false): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: phone, hasTouch: phone, reducedMotion: "reduce" });
  // Waits are on conditions; these bound how long one condition may take on a slow machine.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  return { context, page: await context.newPage() };
}

/** Saves a full-page screenshot as test/browser/artifacts/<name>.png (gitignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}

/** Signs in through the form with `token`; the caller asserts what follows. */
export async function submitToken(page: Page, token: string): Promise<void> {
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signIn(page: Page, server: DevServer, token: string): Promise<void> {
  await page.goto(`${server.dashboardUrl}/tasks`);
  await submitToken(page, token);
  await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
}

let issuesSent = 0;

/**
 * `npm run send -- github issue_comment --url <worker> …`; resolves to the 202's delivery id. Each
 * on an issue of its own unless `--issue` says which: a second mention on one issue is a turn of its task.
 */
export async function sendWebhook(server: DevServer, ...args: string[]): Promise<{ deliveryId: string; taskId: string }> {
  const issue = args.includes("--issue") ? [] : ["--issue", String(100 + ++issuesSent)];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/send-webhook.mjs", "github", "issue_comment", "--url", server.url, ...issue, ...args], {
      cwd: root,
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.once("error", reject);
    child.once("close", (exit) => resolve({ code: exit, stdout: out, stderr: err }));
  });
  expect(code, stdout + stderr).toBe(0);
  expect(stdout).toMatch(/^202 /m);
  const deliveryId = /"id":"(dlv_[0-9a-f]+)"/.exec(stdout)?.[1];
  expect(deliveryId, stdout).toBeDefined();
  // workers/queue/task-spec.ts: the task id is the delivery id with another prefix.
  return { deliveryId: deliveryId!, taskId: deliveryId!.replace(/^dlv_/, "task_") };
}

export async function api<T>(server: DevServer, token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, server.url), { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  return { status: response.status, body: (await response.json()) as T };
}

/** Polls `probe` until it returns a value; the dev server's output tail is in the error. */
export async function eventually<T>(server: DevServer, what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms\n--- dev server output ---\n${server.output().slice(-4000)}`);
}

/** Runs `wrangler d1 execute DB --local --persist-to <the server's state> --command <sql>` from the checkout. */
export async function d1Execute(server: DevServer, sql: string): Promise<void> {
  const wrangler = fileURLToPath(new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url));
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [wrangler, "d1", "execute", "DB", "--local", "--persist-to", server.dir, "--command", sql], {
      cwd: root,
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.stderr.on("data", (chunk) => (text += chunk));
    child.once("error", reject);
    child.once("close", (exit) => resolve({ code: exit, output: text }));
  });
  expect(code, output).toBe(0);
}

/** The id a delivery of `vendor` with this key gets (workers/webhooks/ingest.ts deliveryId). */
export function deliveryIdFor(vendor: string, key: string): string {
  return `dlv_${createHash("sha256").update(`${vendor}:${key}`).digest("hex").slice(0, 32)}`;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
