// The fake GitHub's pull requests beyond opening one: reading one (its head branch and the head's
// repository, a fork's included), its changed files with their patches, and the reviews posted on
// it. Pull requests a person opened are seeded: POST /_github/pulls (or seedPullRequest() in tests)
//
//   { repository: "owner/name", number?, title?, body?, headRef, headRepository?: "fork/name",
//     base?: "main", user?: "login", files?: [{ filename, status?, patch? }] }
//
// A seeded pull request's head branch must exist in the git remote the runner clones for a push
// to land (test/e2e/pull-requests.test.ts creates it).

const pullNotFound = {
  status: 404,
  body: { message: "Not Found", documentation_url: "https://docs.github.com/rest/pulls/pulls" },
  headers: {},
};
const json = (status, body) => ({ status, body, headers: {} });

/** Seeds a person's pull request; returns it as GET /pulls/:number shows it. */
export function seedPullRequest(state, input, base = "http://fake/github") {
  if (!input || typeof input.repository !== "string" || !input.repository.includes("/") || typeof input.headRef !== "string") {
    return json(400, { error: "expected { repository: 'owner/name', headRef, headRepository?, number?, files? }" });
  }
  const number = Number.isInteger(input.number) ? input.number : state.next.pull++;
  const headRepository = input.headRepository ?? input.repository;
  const pr = {
    number,
    repository: input.repository,
    state: "open",
    title: input.title ?? `Pull request ${number}`,
    body: input.body ?? null,
    headRef: input.headRef,
    headLabel: `${headRepository.split("/")[0]}:${input.headRef}`,
    headRepository,
    base: input.base ?? "main",
    user: input.user ?? "octocat",
    files: Array.isArray(input.files) ? input.files : [],
    createdAt: new Date().toISOString(),
  };
  const pulls = (state.github.pulls.get(input.repository) ?? []).filter((p) => p.number !== number);
  state.github.pulls.set(input.repository, [...pulls, pr]);
  return json(201, pullView(base, pr));
}

function headRepositoryOf(pr) {
  return pr.headRepository ?? `${pr.headLabel.split(":")[0]}/${pr.repository.split("/")[1]}`;
}

function pullView(base, pr) {
  const headRepository = headRepositoryOf(pr);
  return {
    id: 2_000_000_000 + pr.number,
    number: pr.number,
    state: pr.state,
    title: pr.title,
    body: pr.body,
    draft: false,
    user: { login: pr.user ?? "agent-bot", id: 1, type: "User" },
    url: `${base}/repos/${pr.repository}/pulls/${pr.number}`,
    html_url: `https://github.com/${pr.repository}/pull/${pr.number}`,
    head: {
      ref: pr.headRef,
      label: pr.headLabel,
      sha: "0".repeat(40),
      repo: { full_name: headRepository, fork: headRepository !== pr.repository },
    },
    base: { ref: pr.base, repo: { full_name: pr.repository, fork: false } },
    created_at: pr.createdAt,
  };
}

/** Routes under /github, in the fake's [method, pattern, handler] form. */
export function githubPullRoutes(state) {
  const find = (p) => (state.github.pulls.get(`${p.owner}/${p.repo}`) ?? []).find((pr) => pr.number === Number(p.number));
  return [
    [
      "GET",
      "/repos/:owner/:repo/pulls/:number",
      (ctx, p) => {
        const pr = find(p);
        return pr ? json(200, pullView(ctx.base, pr)) : pullNotFound;
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/pulls/:number/files",
      (ctx, p) => {
        const pr = find(p);
        if (!pr) return pullNotFound;
        const page = Math.max(1, Number(ctx.query.page ?? 1));
        const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30)));
        const files = (pr.files ?? []).slice((page - 1) * perPage, page * perPage);
        return json(
          200,
          files.map((f) => ({
            filename: f.filename,
            status: f.status ?? "modified",
            additions: 0,
            deletions: 0,
            changes: 0,
            ...(f.patch === undefined ? {} : { patch: f.patch }),
          })),
        );
      },
    ],
    [
      "POST",
      "/repos/:owner/:repo/pulls/:number/reviews",
      (ctx, p) => {
        const pr = find(p);
        if (!pr) return pullNotFound;
        const comments = ctx.body?.comments ?? [];
        if (!Array.isArray(comments) || comments.some((c) => typeof c?.path !== "string" || !Number.isInteger(c?.line))) {
          return json(422, { message: "Unprocessable Entity", errors: ["comments need a path and a line"], status: "422" });
        }
        const review = {
          id: state.next.review++,
          repository: pr.repository,
          pullNumber: pr.number,
          event: ctx.body?.event ?? "PENDING",
          body: ctx.body?.body ?? "",
          comments,
        };
        state.github.reviews.push(review);
        return json(200, {
          id: review.id,
          user: { login: "agent-bot", id: 90_000_001, type: "User" },
          body: review.body,
          state: review.event === "COMMENT" ? "COMMENTED" : review.event,
          html_url: `https://github.com/${pr.repository}/pull/${pr.number}#pullrequestreview-${review.id}`,
        });
      },
    ],
  ];
}
