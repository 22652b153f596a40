// The fake vendors serve attachment bytes (scripts/fake-vendors/attachments.mjs): GitHub uploads
// publicly, Slack files with the bot token, Jira attachment content with Jira's auth, and a
// redirect to another host for the tests that check it is never followed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeVendors, type FakeVendors } from "../../scripts/fake-vendors.mjs";

let fake: FakeVendors;
beforeAll(async () => {
  fake = await startFakeVendors({ port: 0 });
});
afterAll(async () => {
  await fake.stop();
});

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer());

describe("fake vendor attachments", () => {
  it("serves GitHub uploads by id, whatever the file's name says", async () => {
    const image = await fetch(`${fake.env.GITHUB_API_URL}/user-attachments/assets/screenshot-1`);
    expect(image.status).toBe(200);
    expect([...(await bytes(image)).slice(0, 8)]).toEqual(PNG_SIGNATURE);
    const named = await fetch(`${fake.env.GITHUB_API_URL}/user-attachments/files/png-2/notes.txt`);
    expect([...(await bytes(named)).slice(0, 8)]).toEqual(PNG_SIGNATURE);
    const big = await fetch(`${fake.env.GITHUB_API_URL}/user-attachments/assets/big-1`);
    expect(Number(big.headers.get("content-length"))).toBeGreaterThan(10 * 1024 * 1024);
    await big.body?.cancel();
    expect((await fetch(`${fake.env.GITHUB_API_URL}/user-attachments/assets/nothing`)).status).toBe(404);
  });

  it("redirects an away id to the same server under another host", async () => {
    const away = await fetch(`${fake.env.GITHUB_API_URL}/user-attachments/assets/away-1`, { redirect: "manual" });
    expect(away.status).toBe(302);
    expect(away.headers.get("location")).toBe(`http://localhost:${fake.port}/elsewhere/away-1.png`);
  });

  it("serves Slack files with a bearer token and Jira content with basic auth only", async () => {
    const slackFile = `${fake.url}/slack/api/files-pri/log-1/checkout.log`;
    expect((await fetch(slackFile)).status).toBe(401);
    const log = await fetch(slackFile, { headers: { authorization: "Bearer xoxb-fake" } });
    expect(await log.text()).toContain("ERROR checkout");
    const jiraFile = `${fake.env.JIRA_BASE_URL}/rest/api/3/attachment/content/screenshot-10001`;
    expect((await fetch(jiraFile, { headers: { authorization: "Bearer x" } })).status).toBe(401);
    const shot = await fetch(jiraFile, { headers: { authorization: `Basic ${btoa("a@b.c:t")}` } });
    expect([...(await bytes(shot)).slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(
      fake
        .calls()
        .filter((c) => c.path.includes("attachment/content"))
        .map((c) => c.authorization),
    ).toEqual(["Bearer", "Basic"]);
  });
});
