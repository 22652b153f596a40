// Rotating a webhook secret or the API token loses nothing: while `<NAME>_PREVIOUS` holds the old
// value, a delivery signed with it is accepted (202) beside one signed with the new value; once the
// previous secret is removed, it is refused (401). Each vendor's verifier, through the Worker entry.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { signDelivery } from "../../scripts/webhook-signer.mjs";
import worker from "../../workers/index";
import { verifyRotating } from "../../workers/security/secret-rotation";
import * as samples from "./samples";
import { eventually, type Vendor } from "./support";

const OLD = "the-old-secret-being-rotated-out";

const cases: { vendor: Vendor; setting: keyof Env; payload: () => unknown; eventType?: string }[] = [
  { vendor: "github", setting: "GITHUB_WEBHOOK_SECRET", payload: () => samples.github("issues", "opened"), eventType: "issues" },
  { vendor: "jira", setting: "JIRA_WEBHOOK_SECRET", payload: samples.jira.issueUpdated },
  { vendor: "slack", setting: "SLACK_SIGNING_SECRET", payload: samples.slack.messageThread },
  { vendor: "sentry", setting: "SENTRY_CLIENT_SECRET", payload: samples.sentry.comment },
];

let deliveries = 0;

async function deliver(vendor: Vendor, payload: unknown, secret: string, bindings: Env, eventType?: string): Promise<Response> {
  // A fresh delivery each time, so no answer is a duplicate's.
  deliveries += 1;
  const body = JSON.stringify({ ...(payload as object), event_id: `Ev-rotation-${deliveries}` });
  const { headers } = await signDelivery(vendor, { body, secret, eventType, deliveryId: `rotation-${deliveries}` });
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`https://agent-bot.test/webhooks/${vendor}`, { method: "POST", headers, body }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe.each(cases)("rotating $setting", ({ vendor, setting, payload, eventType }) => {
  const current = env[setting] as string;
  const during = { ...env, [`${setting}_PREVIOUS`]: OLD } as Env;
  const after = { ...env, [`${setting}_PREVIOUS`]: "" } as Env;

  it("accepts deliveries signed with the previous secret during the window, and with the new one", async () => {
    expect((await deliver(vendor, payload(), OLD, during, eventType)).status).toBe(202);
    expect((await deliver(vendor, payload(), current, during, eventType)).status).toBe(202);
  });

  it("records in the ledger which secret a delivery matched", async () => {
    const signedWith = async (secret: string) => {
      const { id } = (await (await deliver(vendor, payload(), secret, during, eventType)).json()) as { id: string };
      return eventually(async () => {
        const row = await env.DB.prepare("SELECT signature FROM deliveries WHERE id = ?").bind(id).first<{ signature: string }>();
        return row?.signature;
      });
    };
    expect(await signedWith(OLD)).toBe("valid_previous");
    expect(await signedWith(current)).toBe("valid");
  });

  it("refuses the previous secret once it is removed, and any other secret throughout", async () => {
    expect((await deliver(vendor, payload(), OLD, after, eventType)).status).toBe(401);
    expect((await deliver(vendor, payload(), "a-forged-secret", during, eventType)).status).toBe(401);
  });
});

describe("rotating JIRA_WEBHOOK_TOKEN (the ?token= fallback of app webhooks)", () => {
  async function withToken(token: string, bindings: Env) {
    const ctx = createExecutionContext();
    const request = new Request(`https://agent-bot.test/webhooks/jira?token=${token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(samples.jira.issueUpdated()),
    });
    const res = await worker.fetch(request, bindings, ctx);
    await waitOnExecutionContext(ctx);
    return res.status;
  }
  // The token is accepted beside a signing secret only with JIRA_TOKEN_FALLBACK.
  const base = { ...env, JIRA_TOKEN_FALLBACK: "true" } as Env;

  it("accepts the previous token during the window and refuses it after", async () => {
    expect(await withToken(OLD, { ...base, JIRA_WEBHOOK_TOKEN_PREVIOUS: OLD })).toBe(202);
    expect(await withToken(OLD, { ...base, JIRA_WEBHOOK_TOKEN_PREVIOUS: "" })).toBe(401);
  });
});

describe("rotating API_TOKEN", () => {
  async function tasks(token: string, bindings: Env) {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("https://agent-bot.test/api/tasks", { headers: { authorization: `Bearer ${token}` } }),
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res.status;
  }

  it("accepts the previous token during the window and refuses it after", async () => {
    expect(await tasks(OLD, { ...env, API_TOKEN_PREVIOUS: OLD })).toBe(200);
    expect(await tasks(env.API_TOKEN, { ...env, API_TOKEN_PREVIOUS: OLD })).toBe(200);
    expect(await tasks(OLD, { ...env, API_TOKEN_PREVIOUS: "" })).toBe(401);
  });
});

describe("verifyRotating", () => {
  const equals = (expected: string) => async (secret: string) => secret === expected;

  it("checks both secrets every time and logs a match of the previous one", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const check = vi.fn(equals("new"));
    expect(await verifyRotating("X_SECRET", "new", "old", check)).toBe("current");
    expect(check).toHaveBeenCalledTimes(2);
    expect(log).not.toHaveBeenCalled();
    expect(await verifyRotating("X_SECRET", "new", "old", equals("old"))).toBe("previous");
    expect(JSON.parse(String(log.mock.calls[0]![0]))).toMatchObject({ kind: "previous_secret_matched", setting: "X_SECRET_PREVIOUS" });
    log.mockRestore();
  });

  it("never accepts a previous secret alone, nor a check that throws", async () => {
    expect(await verifyRotating("X_SECRET", undefined, "old", equals("old"))).toBe(false);
    expect(await verifyRotating("X_SECRET", "new", undefined, () => Promise.reject(new Error("bad hex")))).toBe(false);
  });
});
