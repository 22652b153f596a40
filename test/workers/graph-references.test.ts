// The reference, closing-keyword and mention parsers every vendor's text goes through.
import { describe, expect, it } from "vitest";
import { findClosingReferences, findReferences, findSlackMentions } from "../../workers/graph/references";

describe("findReferences", () => {
  const keys = (text: string, repository?: string) => findReferences(text, { repository }).map((e) => e.key);

  it("reads Jira keys and Sentry short ids apart, and skips look-alikes", () => {
    expect(keys("PAY-142 broke, BACKEND-4Z fired, UTF-8 and SHA-256 are fine, pay-1 is not a key")).toEqual([
      "jira:issue:PAY-142",
      "sentry:issue:BACKEND-4Z",
    ]);
  });

  it("reads GitHub and Sentry URLs without reading their paths again", () => {
    expect(
      keys(
        "https://github.com/octo/repo/issues/12 https://github.com/octo/repo/pull/13#issuecomment-1 https://example-org.sentry.io/issues/77/ https://example.atlassian.net/browse/OPS-9",
        "octo/repo",
      ),
    ).toEqual(["github:issue:octo/repo#12", "github:pr:octo/repo#13", "sentry:issue-id:77"]);
  });

  it("resolves #N within the event's repository only", () => {
    expect(keys("see #4 and &#39; and a#5", "octo/repo")).toEqual(["github:issue:octo/repo#4"]);
    expect(keys("see #4")).toEqual([]);
  });

  it("finds GitHub closing keywords", () => {
    const closes = (text: string) => findClosingReferences(text, "octo/repo").map((e) => e.key);
    expect(closes("Fixes #12, closes other/repo#3. Resolved: https://github.com/x/y/issues/9 and fix #1")).toEqual([
      "github:issue:octo/repo#12",
      "github:issue:other/repo#3",
      "github:issue:x/y#9",
      "github:issue:octo/repo#1",
    ]);
    expect(closes("this fixes nothing in #12 and addresses #13")).toEqual([]);
  });

  it("finds Slack user mentions", () => {
    expect(findSlackMentions("<@U1ABC> and <@W2|dana> and <@U1ABC>")).toEqual(["U1ABC", "W2"]);
  });
});
