// The samples' pull request for `npm run dev`: GitHub's example payloads are about
// Codertocat/Hello-World#2, whose head is the same repository's `changes` branch. It gets that
// branch in the local git remote and a pull request in the fake GitHub, so a review comment sent
// with `npm run send -- github pull_request_review_comment` lands commits on `changes`, and
// `npm run send -- github pull_request --text review` posts a review of it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HEAD = "changes";

function git(cwd, ...argv) {
  const run = spawnSync("git", ["-c", "user.name=Codertocat", "-c", "user.email=codertocat@localhost", ...argv], { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${argv.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

/** @param {{ seedPullRequest(input: object): unknown }} fakes @param {string} bare the local Hello-World.git */
export function seedSamplePullRequest(fakes, bare) {
  const has = spawnSync("git", ["--git-dir", bare, "rev-parse", "--verify", "--quiet", `refs/heads/${HEAD}`]).status === 0;
  if (!has) {
    const work = mkdtempSync(join(tmpdir(), "agent-bot-seed-pr-"));
    try {
      git(work, "clone", "-q", bare, ".");
      git(work, "checkout", "-q", "-b", HEAD);
      writeFileSync(
        join(work, "README.md"),
        "# Hello-World\n\nA local stand-in for the sample repository.\n\nChanges proposed in pull request #2.\n",
      );
      git(work, "commit", "-qam", "Update the README with new information");
      git(work, "push", "-q", "origin", HEAD);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  // The patch as GitHub's files API shows it: the hunks, without the diff's file headers.
  const patch = git(bare, "diff", "main", HEAD, "--", "README.md").split("\n").slice(4).join("\n").trimEnd();
  fakes.seedPullRequest({
    repository: "Codertocat/Hello-World",
    number: 2,
    title: "Update the README with new information.",
    headRef: HEAD,
    user: "Codertocat",
    files: [{ filename: "README.md", status: "modified", patch }],
  });
}
