// Assembles the Worker's HTTP surface: global middleware, then route modules.
// Everything under /api and /metrics requires the API token (or, when configured,
// a Cloudflare Access JWT); webhooks carry their own vendor signatures; /mcp/*
// takes MCP tokens and OAuth access tokens, whose authorization server (/.well-known/*,
// /oauth/*) signs people in on its consent page; /health is open, /health?deep=1 takes the API token. /api answers CORS for the dashboard's origin.
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { authorizeRoutes } from "../mcp/oauth/authorize.routes";
import { oauthGrantRoutes } from "../mcp/oauth/grants.routes";
import { oauthRoutes } from "../mcp/oauth/oauth.routes";
import { mcpAliasRoutes, mcpRoutes } from "../mcp/routes";
import type { AppEnv } from "./app-env";
import { requireApiToken } from "./middleware/api-auth";
import { dashboardCors } from "./middleware/cors";
import { handleError, handleNotFound } from "./middleware/error-handler";
import { requestContext } from "./middleware/request-context";
import { renderMetrics } from "./observability/metrics";
import { analyticsRoutes } from "./routes/analytics";
import { apiRoutes } from "./routes/api";
import { graphRoutes } from "./routes/graph";
import { healthRoutes } from "./routes/health";
import { mcpTokenRoutes } from "./routes/mcp-tokens";
import { sessionRoutes } from "./routes/session";
import { setupGitHubRoutes } from "./routes/setup-github";
import { taskActionRoutes } from "./routes/task-actions";
import { webhookRoutes } from "./routes/webhooks";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: "x-request-id" }));
  app.use(requestContext);
  app.onError(handleError);
  app.notFound(handleNotFound);

  app.route("/health", healthRoutes());
  app.route("/webhooks", webhookRoutes());
  // GitHub App setup: the page takes the API token, GitHub's redirect back its one-time state.
  app.route("/setup", setupGitHubRoutes());

  app.use("/api/*", dashboardCors);
  app.use("/api/*", requireApiToken);
  app.route("/api", sessionRoutes());
  app.route("/api", apiRoutes());
  app.route("/api", analyticsRoutes());
  app.route("/api", taskActionRoutes());
  app.route("/api", mcpTokenRoutes());
  app.route("/api", oauthGrantRoutes());
  app.route("/api", graphRoutes());

  // MCP servers authenticate their own bearer tokens (mcp/routes.ts).
  app.route("/mcp", mcpRoutes());
  app.route("/", mcpAliasRoutes());
  // OAuth for MCP connectors (Claude.ai, ChatGPT…): metadata, registration, token, consent.
  app.route("/", oauthRoutes());
  app.route("/oauth", authorizeRoutes());

  app.get("/metrics", requireApiToken, async (c) =>
    c.text(await renderMetrics(c.env.DB), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
  return app;
}
