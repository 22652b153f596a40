// POST /webhooks/:vendor — checks that need no body first (vendor, method,
// configuration, content type, size), then the ingest path, then 202.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { errorMessage } from "../../core/error-message";
import type { AppEnv } from "../app-env";
import { recordRejection } from "../db/deliveries";
import { withStoredGitHubApp } from "../integrations/github/app/github-app";
import { AppError } from "../errors";
import { findIntegration } from "../integrations/registry";
import { logLine } from "../observability/log";
import { incrementCounters } from "../observability/metrics";
import { ingestWebhook, type IngestEffects } from "../webhooks/ingest";

export function webhookRoutes() {
  const app = new Hono<AppEnv>();

  app.all("/:vendor", async (c, next) => {
    const vendor = c.req.param("vendor");
    const integration = findIntegration(vendor);
    if (!integration) throw new AppError("unknown_vendor", `unknown vendor "${vendor}": expected github, jira, slack or sentry`);
    c.get("log").vendor = vendor;
    if (c.req.method !== "POST") {
      throw new AppError("method_not_allowed", `use POST to deliver ${vendor} webhooks`, { Allow: "POST" });
    }
    // A GitHub App the setup flow stored brings its own webhook secret.
    if (vendor === "github") c.set("config", await withStoredGitHubApp(c.env, c.get("config")));
    const missing = integration.missingSettings(c.get("config"));
    if (missing.length > 0) {
      throw new AppError("not_configured", `${vendor} webhooks are not configured: set ${missing.join(", ")}`);
    }
    const contentType = c.req.header("content-type") ?? "";
    if (!/^application\/json\b/i.test(contentType)) {
      throw new AppError("unsupported_media_type", `content type must be application/json, got "${contentType || "none"}"`);
    }
    await next();
  });

  app.post(
    "/:vendor",
    (c, next) =>
      bodyLimit({
        maxSize: c.get("config").MAX_BODY_BYTES,
        onError: () => {
          throw new AppError("payload_too_large", `body exceeds ${c.get("config").MAX_BODY_BYTES} bytes`);
        },
      })(c, next),
    async (c) => {
      const integration = findIntegration(c.req.param("vendor"))!;
      const config = c.get("config");
      const effects: IngestEffects = { increments: [] };
      const flush = () =>
        c.executionCtx.waitUntil(
          Promise.all([
            effects.rejection && recordRejection(c.env.DB, effects.rejection),
            incrementCounters(c.env.DB, effects.increments),
          ]).catch((error) => logLine("error", { kind: "ledger_write_failed", error: errorMessage(error) })),
        );
      try {
        const result = await ingestWebhook(
          integration,
          { headers: c.req.raw.headers, url: new URL(c.req.url), rawBody: await c.req.text(), receivedAt: Date.now() },
          config,
          c.env,
          effects,
        );
        if (result.kind === "handshake") {
          c.get("log").outcome = "handshake";
          return c.json(result.body, 200);
        }
        const { event } = result;
        Object.assign(c.get("log"), { outcome: "queued", deliveryId: event.id, eventType: event.type, handled: event.handled });
        return c.json({ id: event.id, status: "queued" }, 202);
      } catch (error) {
        if (error instanceof AppError) c.get("log").outcome = error.code;
        throw error;
      } finally {
        flush();
      }
    },
  );

  return app;
}
