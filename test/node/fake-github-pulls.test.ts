// scripts/fake-vendors/github-pulls.mjs against the Worker's own GitHub client (github.pulls.ts)
// over real HTTP: seeded pull requests (a person's, a fork's), their files, and posted reviews.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeVendors, type FakeVendors } from "../../scripts/fake-vendors.mjs";
import { configSchema } from "../../workers/config";
import { createReview, getPullRequest, listPullRequestFiles } from "../../workers/integrations/github/github.pulls";

let fake: FakeVendors;
beforeAll(async () => {
  fake = await startFakeVendors({ port: 0 });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const config = () => configSchema.parse({ ...fake.env, GITHUB_TOKEN: "ghp_fake" });
const PATCH = "@@ -1,2 +1,3 @@\n # Shop\n+A new line.\n More.";

describe("the fake GitHub's pull requests", () => {
  it("seeds a person's and a fork's pull request; the client reads their heads", async () => {
    const seeded = await fetch(`${fake.url}/_github/pulls`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ repository: "acme/shop", number: 7, headRef: "feature/x" }),
    });
    expect(seeded.status).toBe(201);
    fake.seedPullRequest({ repository: "acme/shop", number: 8, headRef: "patch-1", headRepository: "mallory/shop" });

    expect(await getPullRequest(config(), "acme/shop", 7)).toMatchObject({
      number: 7,
      url: "https://github.com/acme/shop/pull/7",
      headRef: "feature/x",
      headRepository: "acme/shop",
      baseRef: "main",
      state: "open",
    });
    expect(await getPullRequest(config(), "acme/shop", 8)).toMatchObject({ headRef: "patch-1", headRepository: "mallory/shop" });
    await expect(getPullRequest(config(), "acme/shop", 9)).rejects.toThrow(/404/);
    const bad = await fetch(`${fake.url}/_github/pulls`, { method: "POST", body: JSON.stringify({ repository: "shop" }) });
    expect(bad.status).toBe(400);
  });

  it("lists a pull request's files with their patches, and records the one review posted", async () => {
    fake.seedPullRequest({ repository: "acme/shop", number: 7, headRef: "feature/x", files: [{ filename: "README.md", patch: PATCH }] });
    expect(await listPullRequestFiles(config(), "acme/shop", 7)).toEqual([{ filename: "README.md", status: "modified", patch: PATCH }]);

    const posted = await createReview(config(), "acme/shop", 7, {
      body: "Looks fine.",
      comments: [{ path: "README.md", line: 2, side: "RIGHT", body: "Why?" }],
    });
    expect(posted.url).toBe(`https://github.com/acme/shop/pull/7#pullrequestreview-${posted.id}`);
    expect(fake.state().github.reviews).toEqual([
      expect.objectContaining({
        pullNumber: 7,
        event: "COMMENT",
        body: "Looks fine.",
        comments: [{ path: "README.md", line: 2, side: "RIGHT", body: "Why?" }],
      }),
    ]);
  });
});
