import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { DeadLetter, Delivery } from "../../../core/api-types";
import { apiError, fakeApi, json, renderWithApi, signedIn, type Handler } from "../test/fake-api";
import { DeliveriesPage } from "./deliveries.page";

function deadLetter(overrides: Partial<DeadLetter>): DeadLetter {
  return {
    id: "dl_1",
    queue: "agent-bot-events-dlq",
    deliveryId: "dlv_1",
    vendor: "github",
    eventType: "issue_comment",
    body: "{}",
    lastError: "D1_ERROR: database is locked",
    attempts: 5,
    receivedAt: Date.now() - 60_000,
    replayedAt: null,
    ...overrides,
  };
}

const delivery: Delivery = {
  id: "dlv_9",
  vendor: "slack",
  deliveryKey: "Ev1",
  eventType: "app_mention",
  action: null,
  signature: "valid",
  status: "processed",
  decision: "refused",
  reason: "team T9 is not in SLACK_ALLOWED_TEAMS",
  actor: "U1",
  subject: "C1/1700000000.0001",
  taskId: null,
  duplicates: 2,
  attempts: 1,
  lastError: null,
  payloadRef: null,
  receivedAt: Date.now() - 5_000,
  processedAt: Date.now() - 4_000,
};

function renderPage(letters: DeadLetter[], replay: Handler) {
  const fake = fakeApi({
    "GET /api/session": signedIn,
    "GET /api/events": () => json(200, { items: [delivery], nextCursor: null }),
    "GET /api/dead-letters": () => json(200, { items: letters, nextCursor: null }),
    "POST /api/dead-letters/dl_1/replay": replay,
  });
  renderWithApi(<DeliveriesPage />, { fetch: fake.fetch, path: "/deliveries" });
  return fake;
}

const replayButton = async () => (await screen.findByRole("button", { name: "Replay issue_comment dlv_1" })) as HTMLButtonElement;

describe("DeliveriesPage", () => {
  it("shows the ledger with signature, dedup and decision", async () => {
    renderPage([], () => json(202, {}));
    const row = await screen.findByTestId("delivery-row");
    expect(within(row).getByTestId("signature-badge").textContent).toBe("valid");
    expect(within(row).getByTestId("decision-badge").textContent).toBe("refused");
    expect(row.textContent).toContain("2 duplicates dropped");
    expect(row.textContent).toContain("team T9 is not in SLACK_ALLOWED_TEAMS");
    expect(screen.getByText("No dead letters: every delivery was processed.")).toBeTruthy();
  });

  it("replays a dead letter once, then shows it as replayed", async () => {
    const fake = renderPage([deadLetter({}), deadLetter({ id: "dl_2", deliveryId: "dlv_2", replayedAt: Date.now() - 1000 })], () =>
      json(202, { id: "dl_1", deliveryId: "dlv_1", replayedAt: Date.now() }),
    );
    const button = await replayButton();
    expect(button.disabled).toBe(false);
    const other = screen.getByRole("button", { name: "Replay issue_comment dlv_2" }) as HTMLButtonElement;
    expect(other.disabled).toBe(true);
    expect(other.textContent).toBe("Replayed");

    fireEvent.click(button);
    await waitFor(() => expect(button.textContent).toBe("Replayed"));
    expect(button.disabled).toBe(true);
    expect(fake.calls("POST", "/api/dead-letters/dl_1/replay")).toHaveLength(1);
    expect(screen.getByText("Replayed: the delivery is back on the queue.")).toBeTruthy();
  });

  it("treats 409 as already replayed", async () => {
    renderPage([deadLetter({})], () => apiError(409, "conflict", "already replayed"));
    const button = await replayButton();
    fireEvent.click(button);
    expect(await screen.findByText("Already replayed.")).toBeTruthy();
    expect(button.disabled).toBe(true);
  });

  it("shows a failed replay and lets the user try again", async () => {
    renderPage([deadLetter({})], () => apiError(503, "unavailable", "queue unavailable"));
    const button = await replayButton();
    fireEvent.click(button);
    expect((await screen.findByRole("alert")).textContent).toBe("Replay failed: queue unavailable (unavailable)");
    expect(button.disabled).toBe(false);
  });
});
