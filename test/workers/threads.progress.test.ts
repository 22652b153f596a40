// Progress rendering per vendor: pure functions, so exact text is asserted.
import { describe, expect, it } from "vitest";
import { GITHUB_SUMMARY_LIMIT, parseTaskMarker, renderGitHubComment, taskMarker } from "../../workers/integrations/github/github.progress";
import { escapeJira, renderJiraComment } from "../../workers/integrations/jira/jira.progress";
import { renderSentryComment } from "../../workers/integrations/sentry/sentry.progress";
import { escapeSlack, renderSlackText, SLACK_SUMMARY_LIMIT } from "../../workers/integrations/slack/slack.progress";
import { formatCost, formatDuration, formatTokens, neutralizeMentions } from "../../workers/threads/progress";
import type { ThreadProgress } from "../../workers/threads/types";

const WJ = "\u2060";

const running: ThreadProgress = {
  taskId: "task_0a1b2c",
  title: "Fix the checkout rounding bug",
  status: "running",
  dashboardUrl: "https://agent-bot.acme.example/tasks/task_0a1b2c",
  steps: [
    { label: "Clone acme/shop", state: "done" },
    { label: "Run Claude Code", state: "active" },
    { label: "Open a pull request", state: "pending" },
  ],
};

const succeeded: ThreadProgress = {
  ...running,
  status: "succeeded",
  steps: running.steps.map((step) => ({ ...step, state: "done" })),
  outcome: {
    summary: "Totals now use banker's rounding.",
    pullRequestUrl: "https://github.com/acme/shop/pull/42",
    costUsd: 0.0123,
    durationMs: 125_000,
    inputTokens: 12_345,
    outputTokens: 678,
  },
};

const failed: ThreadProgress = {
  ...running,
  status: "failed",
  steps: [
    { label: "Clone acme/shop", state: "done" },
    { label: "Run Claude Code", state: "failed" },
  ],
  outcome: { summary: "", reason: "the agent exited with code 1", durationMs: 4_200 },
};

describe("GitHub comment", () => {
  it("renders a running task: marker, heading, live log, task list", () => {
    expect(renderGitHubComment(running)).toBe(
      [
        "<!-- agent-bot:task:task_0a1b2c -->",
        "### 🔄 Fix the checkout rounding bug",
        "",
        "**Running** · [live log](https://agent-bot.acme.example/tasks/task_0a1b2c)",
        "",
        "- [x] Clone acme/shop",
        "- [ ] **Run Claude Code** _(in progress)_",
        "- [ ] Open a pull request",
      ].join("\n"),
    );
  });

  it("renders a success with the pull request, summary, duration, cost and tokens", () => {
    expect(renderGitHubComment(succeeded)).toBe(
      [
        "<!-- agent-bot:task:task_0a1b2c -->",
        "### ✅ Fix the checkout rounding bug",
        "",
        "**Succeeded** · [live log](https://agent-bot.acme.example/tasks/task_0a1b2c)",
        "",
        "- [x] Clone acme/shop",
        "- [x] Run Claude Code",
        "- [x] Open a pull request",
        "",
        "**Pull request:** https://github.com/acme/shop/pull/42",
        "",
        "Totals now use banker's rounding.",
        "",
        "<sub>⏱ 2 min 05 s · 💰 $0.0123 · 🔢 12,345 in / 678 out tokens</sub>",
      ].join("\n"),
    );
  });

  it("renders a failure with the failed step and the reason", () => {
    const text = renderGitHubComment(failed);
    expect(text).toContain("### ❌ Fix the checkout rounding bug");
    expect(text).toContain("**Failed** · [live log]");
    expect(text).toContain("- [ ] Run Claude Code — ❌ failed");
    expect(text).toContain("**Reason:** the agent exited with code 1");
    expect(text).toContain("<sub>⏱ 4.2 s</sub>");
    expect(text).not.toContain("Pull request");
  });

  it("gives every status its own emoji and label", () => {
    const heads = (["queued", "preparing", "running", "succeeded", "failed", "cancelled", "timed_out"] as const).map((status) =>
      renderGitHubComment({ ...running, status })
        .split("\n")
        .slice(1, 4)
        .join(" "),
    );
    expect(heads).toEqual([
      expect.stringMatching(/^### ⏳ .* \*\*Queued\*\*/),
      expect.stringMatching(/^### 🛠️ .* \*\*Preparing\*\*/),
      expect.stringMatching(/^### 🔄 .* \*\*Running\*\*/),
      expect.stringMatching(/^### ✅ .* \*\*Succeeded\*\*/),
      expect.stringMatching(/^### ❌ .* \*\*Failed\*\*/),
      expect.stringMatching(/^### 🚫 .* \*\*Cancelled\*\*/),
      expect.stringMatching(/^### ⌛ .* \*\*Timed out\*\*/),
    ]);
  });

  it("keeps a title on one line, breaks mentions so the bot cannot trigger itself, and cannot open an HTML comment", () => {
    const text = renderGitHubComment({ ...running, title: "@agent-bot please\nfix <!-- this" });
    expect(text.split("\n")[1]).toBe(`### 🔄 @${WJ}agent-bot please fix &lt;!-- this`);
    expect(text).not.toMatch(/(^|[^\w-])@agent-bot/);
  });

  it("truncates a huge summary and points at the live log", () => {
    const text = renderGitHubComment({ ...succeeded, outcome: { summary: "x".repeat(100_000) } });
    expect(text.length).toBeLessThan(GITHUB_SUMMARY_LIMIT + 1_000);
    expect(text).toContain("… (truncated, the live log has the rest)");
  });
});

describe("task marker", () => {
  it("round-trips the task id and lives on the first line only", () => {
    expect(taskMarker("task_0a1b2c")).toBe("<!-- agent-bot:task:task_0a1b2c -->");
    expect(parseTaskMarker(renderGitHubComment(running))).toBe("task_0a1b2c");
    expect(parseTaskMarker(`quoted:\n${taskMarker("task_other")}`)).toBeUndefined();
  });

  it("cannot be closed early by an odd task id", () => {
    expect(taskMarker("task_1 --> <b>")).toBe("<!-- agent-bot:task:task_1--b -->");
  });

  it("differs between parallel tasks on one issue", () => {
    expect(parseTaskMarker(renderGitHubComment({ ...running, taskId: "task_ffee" }))).toBe("task_ffee");
  });
});

describe("Slack text", () => {
  it("renders mrkdwn: status line with the live log link, one line per step, outcome, metrics", () => {
    expect(renderSlackText(succeeded)).toBe(
      [
        "✅ *Fix the checkout rounding bug* — succeeded · <https://agent-bot.acme.example/tasks/task_0a1b2c|live log>",
        "✅ Clone acme/shop",
        "✅ Run Claude Code",
        "✅ Open a pull request",
        "*Pull request:* <https://github.com/acme/shop/pull/42>",
        "Totals now use banker's rounding.",
        "_⏱ 2 min 05 s · 💰 $0.0123 · 🔢 12,345 in / 678 out tokens_",
      ].join("\n"),
    );
  });

  it("marks the active and failed steps", () => {
    expect(renderSlackText(running)).toContain("🔄 *Run Claude Code* _(in progress)_\n▫️ Open a pull request");
    expect(renderSlackText(failed)).toContain("❌ ~Run Claude Code~ failed");
    expect(renderSlackText(failed)).toContain("*Reason:* the agent exited with code 1");
  });

  it("escapes &, < and > so user text cannot become a mention or a link", () => {
    expect(escapeSlack("a <@U123> & <!here>")).toBe("a &lt;@U123&gt; &amp; &lt;!here&gt;");
    const text = renderSlackText({ ...running, title: "<!channel> <https://evil.example|click>" });
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt; &lt;https://evil.example|click&gt;");
  });

  it("keeps the summary short", () => {
    const text = renderSlackText({ ...succeeded, outcome: { summary: "y".repeat(10_000) } });
    expect(text.length).toBeLessThan(SLACK_SUMMARY_LIMIT + 500);
  });
});

describe("Jira comment", () => {
  it("renders wiki markup with Jira's own emoticons and links", () => {
    expect(renderJiraComment(succeeded)).toBe(
      [
        "h3. (/) Fix the checkout rounding bug",
        "*Succeeded* · [live log|https://agent-bot.acme.example/tasks/task_0a1b2c]",
        "",
        "* (/) Clone acme/shop",
        "* (/) Run Claude Code",
        "* (/) Open a pull request",
        "",
        "*Pull request:* [https://github.com/acme/shop/pull/42]",
        "",
        "Totals now use banker's rounding.",
        "",
        "_Duration 2 min 05 s · Cost $0.0123 · Tokens 12,345 in / 678 out_",
      ].join("\n"),
    );
  });

  it("marks running and failed steps", () => {
    expect(renderJiraComment(running)).toContain("* (*y) *Run Claude Code* _(in progress)_\n* (off) Open a pull request");
    expect(renderJiraComment(failed)).toContain("h3. (x) Fix");
    expect(renderJiraComment(failed)).toContain("* (x) Run Claude Code — failed");
  });

  it("escapes markup in user text but leaves URLs linkable", () => {
    expect(escapeJira("*bold* [~accountid:123] {code} see https://x.example/a-b_c")).toBe(
      "\\*bold\\* \\[\\~accountid:123\\] \\{code\\} see https://x.example/a-b_c",
    );
  });

  it("uses no 4-byte characters, which Jira Data Center on MySQL utf8 rejects", () => {
    const text = renderJiraComment(succeeded);
    expect([...text].every((ch) => ch.codePointAt(0)! <= 0xffff)).toBe(true);
  });
});

describe("Sentry comment", () => {
  it("renders markdown without the GitHub marker or task-list syntax", () => {
    const text = renderSentryComment(running);
    expect(text).toBe(
      [
        "### 🔄 Fix the checkout rounding bug",
        "",
        "**Running** · [live log](https://agent-bot.acme.example/tasks/task_0a1b2c)",
        "",
        "- ✅ Clone acme/shop",
        "- 🔄 **Run Claude Code** _(in progress)_",
        "- ▫️ Open a pull request",
      ].join("\n"),
    );
    expect(renderSentryComment(succeeded)).toContain("\n_⏱ 2 min 05 s · 💰 $0.0123 · 🔢 12,345 in / 678 out tokens_");
  });
});

describe("formatting", () => {
  it("formats durations", () => {
    expect([850, 4_200, 59_940, 125_000, 3_600_000 + 125_000, -1].map(formatDuration)).toEqual([
      "850 ms",
      "4.2 s",
      "59.9 s",
      "2 min 05 s",
      "1 h 02 min",
      "–",
    ]);
  });

  it("formats cost with four decimals and tokens with separators", () => {
    expect(formatCost(0.0123)).toBe("$0.0123");
    expect(formatCost(1.5)).toBe("$1.5000");
    expect(formatTokens(1_234_567, 89)).toBe("1,234,567 in / 89 out tokens");
    expect(formatTokens(undefined, 5)).toBe("5 out tokens");
    expect(formatTokens()).toBeUndefined();
  });

  it("neutralizes mentions but not e-mail addresses", () => {
    expect(neutralizeMentions("@alice and bob@example.com (@carol)")).toBe(`@${WJ}alice and bob@example.com (@${WJ}carol)`);
  });
});
