import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { EntityType, GraphEntity, Neighbourhood } from "../../../core/graph-types";
import { fakeApi, json, renderWithApi, signedIn } from "../test/fake-api";
import type { CytoscapeElement } from "./graph-data";

// cytoscape needs a canvas jsdom does not have: the stand-in lists the nodes it was given as buttons that "tap" them.
vi.mock("./graph-canvas", () => ({
  default: ({ elements, onNodeTap }: { elements: CytoscapeElement[]; onNodeTap: (id: string) => void }) => (
    <div data-testid="graph-canvas">
      {elements
        .filter((element) => element.group === "nodes")
        .map((element) => (
          <button key={String(element.data.id)} type="button" onClick={() => onNodeTap(String(element.data.id))}>
            node {String(element.data.label)}
          </button>
        ))}
      <span data-testid="edge-count">{elements.filter((element) => element.group === "edges").length}</span>
    </div>
  ),
}));

const { GraphPage } = await import("./graph.page");

function entity(id: string, type: EntityType, title: string, url: string | null = null): GraphEntity {
  return { id, type, key: `${type}:${title}`, title, url, properties: { state: "open" }, firstSeen: 1, lastSeen: 2 };
}

const sentryIssue = entity("ge_sentry", "sentry_issue", "KeyError: 'currency'", "https://sentry.io/issues/1");
const jiraIssue = entity("ge_jira", "jira_issue", "PAY-142", "https://example.atlassian.net/browse/PAY-142");
const pr = entity("ge_pr", "pull_request", "Fix currency lookup", "https://github.com/acme/payments/pull/7");

const hoods: Record<string, Neighbourhood> = {
  ge_sentry: {
    entity: sentryIssue,
    neighbours: [{ ...jiraIssue, depth: 1 }],
    edges: [{ sourceId: "ge_jira", targetId: "ge_sentry", type: "references", properties: {}, weight: 1, firstSeen: 1, lastSeen: 2 }],
  },
  ge_jira: {
    entity: jiraIssue,
    neighbours: [
      { ...sentryIssue, depth: 1 },
      { ...pr, depth: 1 },
    ],
    edges: [
      { sourceId: "ge_jira", targetId: "ge_sentry", type: "references", properties: {}, weight: 1, firstSeen: 1, lastSeen: 2 },
      { sourceId: "ge_pr", targetId: "ge_jira", type: "closes", properties: {}, weight: 1, firstSeen: 1, lastSeen: 2 },
    ],
  },
};

describe("GraphPage", () => {
  it("searches, opens a result's neighbourhood, and expands a node on click", async () => {
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "GET /api/graph/search": () => json(200, { items: [sentryIssue] }),
      "GET /api/graph/entities/ge_sentry/neighbors": () => json(200, hoods.ge_sentry),
      "GET /api/graph/entities/ge_jira/neighbors": () => json(200, hoods.ge_jira),
    });
    const { location } = renderWithApi(<GraphPage />, { fetch: fake.fetch, path: "/graph" });

    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "currency" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(location.history?.at(-1)).toBe("/graph?q=currency");
    fireEvent.click(await screen.findByRole("button", { name: /KeyError: 'currency'/ }));
    expect(fake.calls("GET", "/api/graph/search")[0]?.query.get("q")).toBe("currency");

    const panel = await screen.findByTestId("entity-panel");
    expect(within(panel).getByRole("heading", { name: "KeyError: 'currency'" })).toBeTruthy();
    expect(
      within(panel)
        .getByRole("link", { name: /Open in sentry/ })
        .getAttribute("href"),
    ).toBe("https://sentry.io/issues/1");
    expect(await screen.findByRole("button", { name: "node PAY-142" })).toBeTruthy();
    expect(screen.getByTestId("edge-count").textContent).toBe("1");

    fireEvent.click(screen.getByRole("button", { name: "node PAY-142" }));
    expect(await screen.findByRole("button", { name: "node Fix currency lookup" })).toBeTruthy();
    expect(screen.getByTestId("edge-count").textContent).toBe("2");
    await waitFor(() => expect(within(screen.getByTestId("entity-panel")).getByRole("heading", { name: "PAY-142" })).toBeTruthy());
    expect(fake.calls("GET", "/api/graph/entities/ge_jira/neighbors")).toHaveLength(1);

    // The panel is the keyboard path through the graph.
    fireEvent.click(within(screen.getByTestId("entity-panel")).getByRole("button", { name: "Fix currency lookup" }));
    expect(
      within(screen.getByTestId("entity-panel"))
        .getByRole("link", { name: /Open in github/ })
        .getAttribute("href"),
    ).toBe("https://github.com/acme/payments/pull/7");
  });

  it("says when a search finds nothing", async () => {
    const fake = fakeApi({ "GET /api/session": signedIn, "GET /api/graph/search": () => json(200, { items: [] }) });
    renderWithApi(<GraphPage />, { fetch: fake.fetch, path: "/graph?q=nothing" });
    expect((await screen.findByTestId("empty-state")).textContent).toBe("Nothing matches “nothing”.");
  });
});
