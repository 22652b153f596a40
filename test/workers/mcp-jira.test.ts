// The Jira MCP server, through the SDK client and the same createMcpHandler the
// McpHost serves with, with Jira settings of the test's own (the Worker's test
// bindings have none). A fake Jira records every request and fails on any it
// does not expect; each write tool sends exactly one request.
import { describe, expect, it } from "vitest";
import { connectMcp, fakeVendorApi, json, text } from "./mcp-harness";

const JIRA = { JIRA_BASE_URL: "http://jira.test", JIRA_EMAIL: "agent-bot@example.com", JIRA_API_TOKEN: "jira-test-mcp-token" };

const fake = fakeVendorApi("jira.test", "Jira");

const connect = (access: "read" | "write") => connectMcp("jira", access, JIRA);

const ISSUE = {
  key: "PAY-7",
  fields: {
    summary: "Checkout fails",
    status: { name: "To Do" },
    issuetype: { name: "Bug" },
    labels: ["agent-bot"],
    project: { key: "PAY" },
    description: "Steps",
  },
};

describe("MCP: Jira", () => {
  it("lists its tools", async () => {
    const client = await connect("read");
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "add_comment",
      "create_issue",
      "get_issue",
      "get_transitions",
      "search_issues",
      "transition_issue",
    ]);
    await client.close();
  });

  it("get_issue, search_issues (Cloud, then the Data Center fallback) and get_transitions", async () => {
    fake.answers.set("GET /rest/api/2/issue/PAY-7", { body: ISSUE });
    fake.answers.set("GET /rest/api/2/search/jql", { body: { issues: [ISSUE], nextPageToken: "n2" } });
    fake.answers.set("GET /rest/api/2/issue/PAY-7/transitions", {
      body: { transitions: [{ id: "31", name: "Done", to: { name: "Done" } }] },
    });
    const client = await connect("read");

    expect(json(await client.callTool({ name: "get_issue", arguments: { issue_key: "PAY-7" } }))).toMatchObject({
      key: "PAY-7",
      status: "To Do",
      type: "Bug",
      description: "Steps",
    });
    expect(json(await client.callTool({ name: "search_issues", arguments: { jql: "project = PAY", max_results: 10 } }))).toMatchObject({
      issues: [{ key: "PAY-7" }],
      nextPageToken: "n2",
    });
    expect(fake.calls[1]!.query).toMatchObject({ jql: "project = PAY", maxResults: "10" });

    fake.answers.set("GET /rest/api/2/search/jql", { status: 404, body: { errorMessages: ["Not found"] } });
    fake.answers.set("GET /rest/api/2/search", { body: { issues: [ISSUE] } });
    expect(json(await client.callTool({ name: "search_issues", arguments: { jql: "project = PAY" } }))).toMatchObject({
      issues: [{ key: "PAY-7" }],
      nextPageToken: null,
    });

    expect(json(await client.callTool({ name: "get_transitions", arguments: { issue_key: "PAY-7" } }))).toEqual([
      { id: "31", name: "Done", to: "Done" },
    ]);
    const basic = `Basic ${btoa(`${JIRA.JIRA_EMAIL}:${JIRA.JIRA_API_TOKEN}`)}`;
    for (const call of fake.calls) expect(call.headers.authorization).toBe(basic);
    await client.close();
  });

  it("add_comment, transition_issue and create_issue send exactly one request each", async () => {
    fake.answers.set("POST /rest/api/2/issue/PAY-7/comment", { status: 201, body: { id: "10001" } });
    fake.answers.set("POST /rest/api/2/issue/PAY-7/transitions", { status: 204 });
    fake.answers.set("POST /rest/api/2/issue", { status: 201, body: { id: "20001", key: "PAY-8" } });
    const client = await connect("write");

    expect(json(await client.callTool({ name: "add_comment", arguments: { issue_key: "PAY-7", body: "On it." } }))).toEqual({
      id: "10001",
      issueKey: "PAY-7",
    });
    expect(fake.calls.at(-1)).toMatchObject({ method: "POST", path: "/rest/api/2/issue/PAY-7/comment", body: { body: "On it." } });

    await client.callTool({ name: "transition_issue", arguments: { issue_key: "PAY-7", transition_id: "31", comment: "Fixed in #12" } });
    expect(fake.calls.at(-1)).toMatchObject({
      method: "POST",
      path: "/rest/api/2/issue/PAY-7/transitions",
      body: { transition: { id: "31" }, update: { comment: [{ add: { body: "Fixed in #12" } }] } },
    });

    expect(
      json(
        await client.callTool({
          name: "create_issue",
          arguments: { project_key: "PAY", summary: "Flaky test", issue_type: "Bug", labels: ["ci"] },
        }),
      ),
    ).toEqual({
      id: "20001",
      key: "PAY-8",
    });
    expect(fake.calls.at(-1)!.body).toEqual({
      fields: { project: { key: "PAY" }, summary: "Flaky test", issuetype: { name: "Bug" }, labels: ["ci"] },
    });
    expect(fake.calls).toHaveLength(3);
    await client.close();
  });

  it("Jira 400 is a final tool error with Jira's messages; read tokens cannot write", async () => {
    fake.answers.set("POST /rest/api/2/issue", { status: 400, body: { errorMessages: [], errors: { summary: "Summary is required." } } });
    const writer = await connect("write");
    const failed = await writer.callTool({ name: "create_issue", arguments: { project_key: "PAY", summary: "x" } });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toContain("summary: Summary is required.");
    expect(failed.structuredContent).toMatchObject({ error: { vendor: "jira", status: 400, retryable: false } });
    await writer.close();

    const reader = await connect("read");
    const refused = await reader.callTool({ name: "add_comment", arguments: { issue_key: "PAY-7", body: "x" } });
    expect(text(refused)).toContain('"jira:write"');
    expect(fake.calls).toHaveLength(1);
    await reader.close();
  });
});
