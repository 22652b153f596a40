// The dashboard in a real browser (Debian's Chromium via playwright-core) against the real
// `npm run dev`: the Worker in wrangler dev, the local runner with the fake CLI, the fake
// vendor APIs and the dashboard's Vite server. One signed-in tab walks through the pages the
// way an operator would; a phone-width tab then checks every page fits. Every page is
// screenshotted at both widths into test/browser/artifacts/.
//
// The tests in this file share the server and the tab, and run in order.
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devVars, startDevServer, type DevServer } from "../support/dev-server.mjs";
import {
  api,
  d1Execute,
  deliveryIdFor,
  eventually,
  LAPTOP,
  launchChromium,
  newPage,
  PHONE,
  screenshot,
  sendWebhook,
  signIn,
  sqlString,
  submitToken,
} from "./support";

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;
/** Set in the page once signed in; a full reload would lose it. */
const MARKER = `no-reload-${randomUUID()}`;
/** Tasks the walk-through creates, for the phone pass. */
const created: { streamed?: string; cancelled?: string; graphEntity?: string } = {};

beforeAll(async () => {
  // From a snapshot of the checkout: an edit to the tree mid-run would restart wrangler dev.
  server = await startDevServer({ dashboard: true, snapshot: true });
  token = devVars().API_TOKEN ?? "dev-api-token";
  browser = await launchChromium();
  ({ context, page } = await newPage(browser, LAPTOP));
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.stop();
});

async function noReloadSince(): Promise<boolean> {
  return (await page.evaluate("window.__agentBotMarker")) === MARKER;
}

/** Client-side navigation through the main menu (no reload). */
async function navTo(name: string, heading: string | RegExp) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
}

function headerBadge() {
  return page.locator(".page-header [data-testid=status-badge]");
}

describe("dashboard in Chromium against npm run dev", () => {
  it("refuses a wrong token, then signs in with the right one", async () => {
    await page.goto(`${server.dashboardUrl}/tasks`);
    await page.getByRole("heading", { name: "Sign in to agent-bot" }).waitFor();
    await screenshot(page, "sign-in-laptop");

    await submitToken(page, "not-the-token");
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("That token was not accepted.");
    expect(await page.getByLabel("API token").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "sign-in-error-laptop");

    await submitToken(page, token);
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
    await page.evaluate(`window.__agentBotMarker = ${JSON.stringify(MARKER)}`);
  });

  it("shows a webhook's task in the list without a reload, and follows its status live", async () => {
    const { taskId } = await sendWebhook(server, "--text", "please take a look");
    const row = page.locator(`[data-testid=task-row][data-task-id="${taskId}"]`);
    // The list polls; the row appears, then its status moves on to succeeded, on the same page.
    await row.waitFor({ timeout: 60_000 });
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 60_000 }).toBe("succeeded");
    expect(await row.getByRole("link").textContent()).toBeTruthy();
    expect(await noReloadSince()).toBe(true);
    await screenshot(page, "tasks-laptop");
  });

  it("streams the fake CLI's log lines onto the task page as they are written", async () => {
    // Stamp every log line's arrival in the DOM, whatever page shows it.
    await page.evaluate(`(() => {
      window.__logArrivals = [];
      new MutationObserver((records) => {
        const now = performance.now();
        for (const record of records) for (const node of record.addedNodes) {
          if (node.nodeType === 1 && node.matches('[data-testid=log-line]')) {
            window.__logArrivals.push({ seq: Number(node.dataset.seq), text: node.textContent, at: now });
          }
        }
      }).observe(document.body, { childList: true, subtree: true });
    })()`);

    // 100 lines, 100 ms apart: ten seconds of output to watch arrive.
    const { taskId } = await sendWebhook(server, "--text", "[fake:stream=100,interval=100] stream your log");
    created.streamed = taskId;
    const row = page.locator(`[data-testid=task-row][data-task-id="${taskId}"]`);
    await row.waitFor({ timeout: 60_000 });
    await row.getByRole("link").click();
    await page.getByTestId("live-log").waitFor();
    await expect.poll(() => page.getByTestId("live-status").textContent()).toBe("Live");

    type Arrival = { seq: number; text: string; at: number };
    const streamed = async () =>
      ((await page.evaluate("window.__logArrivals")) as Arrival[]).filter(
        // Not the final `succeeded: <summary>` line: the real CLI's summary repeats the last streamed line.
        (arrival) => /stream line \d+\/100 emitted_at=/.test(arrival.text) && !/succeeded: stream line/.test(arrival.text),
      );
    await expect.poll(async () => (await streamed()).length, { timeout: 90_000, interval: 250 }).toBe(100);

    const lines = await streamed();
    // In the order written, each once.
    expect(lines.map((line) => Number(/stream line (\d+)\//.exec(line.text)?.[1]))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // They arrived while the page was open, in many renders spread over seconds, not one backlog dump.
    const renders = new Set(lines.map((line) => line.at));
    expect(renders.size).toBeGreaterThanOrEqual(10);
    expect(lines.at(-1)!.at - lines[0]!.at).toBeGreaterThan(2_000);

    // The whole log: sequence numbers strictly increasing, no duplicates, on a page that never reloaded.
    const seqs = await page.getByTestId("log-line").evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-seq"))));
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
    await expect.poll(() => headerBadge().textContent(), { timeout: 60_000 }).toMatch(/succeeded/i);
    expect(await noReloadSince()).toBe(true);

    // The view followed the end of the log as it grew.
    const log = page.getByTestId("live-log");
    type Scroller = { scrollHeight: number; scrollTop: number; clientHeight: number; scrollTo(options: { top: number }): void };
    const distanceFromEnd = () =>
      log.evaluate((element: unknown) => {
        const scroller = element as Scroller;
        return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
      });
    const jump = page.getByRole("button", { name: /Jump to latest/ });
    await expect.poll(distanceFromEnd).toBeLessThanOrEqual(24);
    expect(await jump.count()).toBe(0);
    await screenshot(page, "task-laptop");

    // Scrolling up pauses following; "Jump to latest" resumes it.
    await log.evaluate((element: unknown) => (element as Scroller).scrollTo({ top: 0 }));
    await jump.waitFor();
    await jump.click();
    await expect.poll(distanceFromEnd).toBeLessThanOrEqual(24);
    await expect.poll(() => jump.count()).toBe(0);
  });

  it("cancels a running task", async () => {
    await navTo("Tasks", "Tasks");
    // [fake:hang]: the fake CLI prints two lines and never exits.
    const { taskId } = await sendWebhook(server, "--text", "[fake:hang] wait forever");
    created.cancelled = taskId;
    const row = page.locator(`[data-testid=task-row][data-task-id="${taskId}"]`);
    await row.waitFor({ timeout: 60_000 });
    await row.getByRole("link").click();
    await expect.poll(() => headerBadge().textContent(), { timeout: 60_000 }).toMatch(/running/i);
    await expect.poll(async () => (await page.getByTestId("log-line").count()) > 0, { timeout: 30_000 }).toBe(true);

    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await expect.poll(() => headerBadge().textContent(), { timeout: 60_000 }).toMatch(/cancelled/i);
    expect(await page.getByRole("button", { name: "Cancel", exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Retry", exact: true }).isEnabled()).toBe(true);
    expect(await page.getByTestId("timeline").textContent()).toMatch(/cancelled/i);
    // The Worker agrees.
    const detail = await api<{ state: { status: string } }>(server, token, `/api/tasks/${taskId}`);
    expect(detail.body.state.status).toBe("cancelled");
    await screenshot(page, "task-cancelled-laptop");
  });

  it("renders the analytics charts from the tasks so far", async () => {
    await navTo("Analytics", "Analytics");
    const tasksChart = page.getByTestId("chart-tasks-per-day");
    await tasksChart.locator("svg.recharts-surface").first().waitFor({ timeout: 60_000 });
    // Bars drawn, in both charts: recharts renders each as a path.recharts-rectangle.
    await expect.poll(() => tasksChart.locator("path.recharts-rectangle").count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("chart-cost-per-day").locator("path.recharts-rectangle").count()).toBeGreaterThan(0);

    const figure = async (id: string) => (await page.getByTestId(id).locator("dd").textContent()) ?? "";
    expect(Number((await figure("stat-tasks")).replace(/\D/g, ""))).toBeGreaterThanOrEqual(3);
    expect(await figure("stat-success-rate")).toMatch(/[1-9]/);
    expect(await figure("stat-cost")).toMatch(/[1-9]/);
    expect(await figure("stat-p50")).toMatch(/[1-9]/);
    expect(await page.getByRole("table", { name: "Top repositories" }).textContent()).toContain("Codertocat/Hello-World");
    await screenshot(page, "analytics-laptop");
  });

  it("replays a dead letter, which then becomes a task", async () => {
    // No public interface puts a message on the dead-letter queue quickly: the events queue
    // retries a failing delivery 5 times with backoff (5 s … 80 s) before it gets there, and
    // the webhook route only enqueues valid events. So the dead letter is written straight
    // into the local D1 the way the DLQ consumer writes it (workers/queue/dead-letter.consumer.ts),
    // with a valid event as its body; the replay then goes through the real API, queue and consumer.
    const key = `browser-dead-letter-${randomUUID()}`;
    const deliveryId = deliveryIdFor("github", key);
    const letterId = `dl-browser-${randomUUID()}`;
    const event = {
      id: deliveryId,
      vendor: "github",
      deliveryKey: key,
      type: "issue_comment",
      action: "created",
      handled: true,
      actor: { id: "21031067", login: "Codertocat", association: "OWNER", isBot: false },
      subject: { repository: "Codertocat/Hello-World", issueNumber: 4242 },
      title: "Replayed from the dead letters",
      text: "@agent-bot please take a look",
      labels: [],
      assigneeIds: [],
      links: [],
      payloadRef: `payloads/github/${deliveryId}.json`,
      inlinePayload: JSON.stringify({ action: "created", comment: { body: "@agent-bot please take a look" } }),
      receivedAt: Date.now(),
    };
    await d1Execute(
      server,
      `INSERT INTO dead_letters (id, queue, delivery_id, vendor, event_type, body, last_error, attempts, received_at) VALUES (` +
        [letterId, "agent-bot-events", deliveryId, "github", "issue_comment", JSON.stringify(event), "TaskAgent unavailable"]
          .map(sqlString)
          .join(", ") +
        `, 6, ${Date.now()})`,
    );

    await navTo("Deliveries", "Deliveries");
    const letter = page.locator(`[data-testid=dead-letter-row][data-dead-letter-id="${letterId}"]`);
    await letter.waitFor();
    expect(await letter.textContent()).toContain("TaskAgent unavailable");
    await screenshot(page, "deliveries-laptop");

    await letter.getByTestId("replay-button").click();
    await expect.poll(() => letter.getByRole("status").textContent()).toContain("Replayed: the delivery is back on the queue.");
    expect(await letter.getByTestId("replay-button").isDisabled()).toBe(true);
    expect(await letter.getByTestId("replay-button").textContent()).toBe("Replayed");

    // The events queue delivered it again and the consumer made its task.
    const taskId = deliveryId.replace(/^dlv_/, "task_");
    await eventually(server, "the replayed delivery's task", async () => {
      const { status } = await api(server, token, `/api/tasks/${taskId}`);
      return status === 200 ? true : undefined;
    });
    // The ledger links the delivery to its task once the list is refreshed (no page reload).
    const ledger = page.getByRole("region", { name: "Webhook deliveries" });
    const ledgerRow = ledger.getByTestId("delivery-row").filter({ has: page.locator(`a[href="/tasks/${taskId}"]`) });
    await expect
      .poll(
        async () => {
          await ledger.getByRole("button", { name: "Refresh" }).click();
          await ledger.getByTestId("delivery-row").first().waitFor();
          return ledgerRow.count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await ledgerRow.textContent()).toContain("Codertocat/Hello-World#4242");
    expect(await noReloadSince()).toBe(true);
    await screenshot(page, "deliveries-replayed-laptop");
  });

  it("finds an entity in the knowledge graph and draws its neighbourhood", async () => {
    await navTo("Knowledge graph", "Knowledge graph");
    await page.getByLabel("Search", { exact: true }).fill("Hello-World");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const results = page.getByRole("list", { name: "Search results" });
    await results.waitFor({ timeout: 30_000 });
    const repository = results.getByRole("button").filter({ hasText: "Codertocat/Hello-World" }).first();
    await repository.click();

    const canvas = page.getByTestId("graph-canvas");
    await canvas.locator("canvas").first().waitFor({ timeout: 60_000 });
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(box!.height).toBeGreaterThan(200);
    const panel = page.getByTestId("entity-panel");
    expect(await panel.getByRole("heading", { level: 2 }).textContent()).toContain("Hello-World");
    // The repository is linked to the issue, people and tasks the webhooks named.
    const counts = /(\d+) entities, (\d+) links/.exec((await page.locator(".graph-stage p").first().textContent()) ?? "");
    expect(Number(counts?.[1])).toBeGreaterThan(1);
    expect(Number(counts?.[2])).toBeGreaterThan(0);
    expect(await panel.locator(".linked-list li").count()).toBeGreaterThan(0);
    created.graphEntity = new URL(page.url()).searchParams.get("entity") ?? undefined;
    await screenshot(page, "graph-laptop");
  });

  it("issues an MCP token and shows the claude mcp add line", async () => {
    await navTo("MCP tokens", "MCP tokens");
    const name = `browser-${Date.now()}`;
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = (await page.getByTestId("issued-token-value").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^mcp_/);
    const command = (await page.getByTestId("claude-mcp-add").textContent()) ?? "";
    expect(command).toContain("claude mcp add");
    expect(command).toContain(secret);
    expect(command).toContain("/mcp/agent-bot");
    await page.locator("[data-testid=mcp-token-row]", { hasText: name }).waitFor();
    // The token works against the Worker's MCP endpoint: an initialize is answered, not 401.
    const initialize = await fetch(new URL("/mcp/agent-bot", server.url), {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "browser-test", version: "1" } },
      }),
    });
    await initialize.body?.cancel();
    expect(initialize.status).toBe(200);
    await screenshot(page, "mcp-tokens-laptop");
  });

  it("captures the new-task form", async () => {
    await navTo("New task", "New task");
    await screenshot(page, "new-task-laptop");
  });

  it("fits every page at phone width (375×812)", async () => {
    const phone = await newPage(browser, PHONE, true);
    try {
      const p = phone.page;
      await p.goto(`${server.dashboardUrl}/tasks`);
      await p.getByRole("heading", { name: "Sign in to agent-bot" }).waitFor();
      await screenshot(p, "sign-in-phone");
      await signIn(p, server, token);

      const pages: [string, string, string | RegExp][] = [
        ["tasks", "/tasks", "Tasks"],
        ["task", `/tasks/${created.streamed}`, /./],
        ["task-cancelled", `/tasks/${created.cancelled}`, /./],
        ["new-task", "/tasks/new", "New task"],
        ["analytics", "/analytics", "Analytics"],
        ["deliveries", "/deliveries", "Deliveries"],
        [
          "graph",
          `/graph?q=Hello-World${created.graphEntity ? `&entity=${encodeURIComponent(created.graphEntity)}` : ""}`,
          "Knowledge graph",
        ],
        ["mcp-tokens", "/mcp-tokens", "MCP tokens"],
      ];
      const overflowing: string[] = [];
      for (const [name, path, heading] of pages) {
        await p.goto(`${server.dashboardUrl}${path}`);
        await p.getByRole("heading", { name: heading, level: 1 }).first().waitFor();
        // What each page waits for before it is worth a picture.
        if (name === "tasks") await p.getByTestId("task-row").first().waitFor();
        if (name.startsWith("task-") || name === "task") await p.getByTestId("log-line").first().waitFor();
        if (name === "analytics") await p.locator("svg.recharts-surface").first().waitFor({ timeout: 60_000 });
        if (name === "deliveries") await p.getByTestId("delivery-row").first().waitFor();
        if (name === "graph" && created.graphEntity)
          await p.getByTestId("graph-canvas").locator("canvas").first().waitFor({ timeout: 60_000 });
        if (name === "mcp-tokens") await p.getByTestId("mcp-token-row").first().waitFor();
        // Nothing wider than the screen: the page never scrolls sideways.
        const widths = (await p.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")) as [number, number];
        if (widths[0] > widths[1] + 1) overflowing.push(`${name}: ${widths[0]}px wide in a ${widths[1]}px viewport`);
        await screenshot(p, `${name}-phone`);
      }
      expect(overflowing).toEqual([]);

      // The navigation folds behind the menu button.
      const nav = p.getByRole("navigation", { name: "Main" });
      const menu = p.getByRole("button", { name: "Menu" });
      expect(await menu.isVisible()).toBe(true);
      expect(await nav.getByRole("link", { name: "Analytics" }).isVisible()).toBe(false);
      await menu.click();
      await nav.getByRole("link", { name: "Analytics" }).waitFor();
      expect(await menu.getAttribute("aria-expanded")).toBe("true");
      await screenshot(p, "menu-open-phone");
      await nav.getByRole("link", { name: "Analytics" }).click();
      await p.getByRole("heading", { name: "Analytics", level: 1 }).waitFor();
      expect(await menu.getAttribute("aria-expanded")).toBe("false");
    } finally {
      await phone.context.close();
    }
  });
});
