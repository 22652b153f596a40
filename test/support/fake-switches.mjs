// The `[fake:…]` switches of `npm run dev`, as scripts of the scripted model
// (scripted-model.mjs): the real Claude Code CLI runs, and a marker in the task's prompt picks
// what the model makes it do. They mirror the replaying fake CLI's switches
// (test/fixtures/fake-cli/README.md), which Cursor still uses.
//
//   (none)                    list the files, then answer: changes nothing
//   [fake:write]              write agent-notes.md and append a line to README.md: a pull request
//   [fake:fail]               the model API answers 500 to every try: the task fails with the reason
//   [fake:hang]               one command, then a model answer that never finishes (cancel it)
//   [fake:crash]              a Bash command that SIGKILLs the CLI mid-run
//   [fake:secret=VALUE]       VALUE in a command's output and in the answers (redaction)
//   [fake:stream=N,interval=MS]  N text blocks MS apart, each `stream line i/N emitted_at=<ms>`
//   [fake:mcp]                load the platform's GitHub get_issue tool with ToolSearch, call it
//                             for the task's issue (or [fake:mcp=owner/repo#n]), quote its title
//   [fake:escape]             act as an injected agent: call MCP tools outside the task's scope
//                             (another repository, a path with .., another Slack channel,
//                             create_task), then report what each call answered
//   [fake:review=PATH:LINE]   end with an agent-bot-review block: one comment on PATH:LINE and one
//                             on a line no diff shows (the platform drops it)
import { join } from "node:path";
import { lastToolResults, promptText, workingDirectory } from "./scripted-model.mjs";

const MARKER = /\[fake:([a-z-]+)(?:=([^\]]*))?\]/g;

/** The switches named in the task's prompt, with their values. */
export function switchesOf(text) {
  const switches = new Map();
  for (const match of text.matchAll(MARKER)) switches.set(match[1], match[2] ?? "");
  return switches;
}

/** A scripted-model script: the turns for the conversation whose prompt names the switches. */
export function fakeSwitchScript(request) {
  const prompt = promptText(request.body);
  const switches = switchesOf(prompt);
  const cwd = workingDirectory(request.body) ?? ".";

  if (switches.has("fail")) return [{ error: 500, message: "scripted failure ([fake:fail])" }];
  if (switches.has("hang")) return [bash("echo 'working on it'", "Start"), { hang: true }];
  if (switches.has("crash")) return [bash("kill -KILL $PPID", "Crash the CLI"), { text: "not reached" }];
  if (switches.has("secret")) {
    const canary = switches.get("secret") || "fake-canary-value";
    return [{ text: `The value is ${canary}.` }, bash(`echo ${canary}`, "Print the value"), { text: `Done; the value was ${canary}.` }];
  }
  if (switches.has("stream")) {
    const [count, interval] = streamOptions(switches.get("stream"));
    const blocks = Array.from({ length: count }, (_, i) => ({ text: `stream line ${i + 1}/${count} emitted_at={{emitted_at}}` }));
    return [{ blocks, intervalMs: interval }];
  }
  if (switches.has("review")) {
    const [path = "README.md", line = "1"] = (switches.get("review") || "").split(":");
    const review = {
      summary: "Reviewed by the scripted model: one note.",
      comments: [
        { path, line: Number(line), body: "Scripted comment on a line of the diff." },
        { path, line: 9999, body: "Scripted comment on a line no diff shows." },
      ],
    };
    return [
      bash("git log --oneline -3", "Look at the history"),
      { text: `Review done.\n\n\`\`\`agent-bot-review\n${JSON.stringify(review)}\n\`\`\`` },
    ];
  }
  if (switches.has("write")) {
    return [
      {
        tool: "Write",
        input: { file_path: join(cwd, "agent-notes.md"), content: "# Agent notes\n\nWritten by the agent for this task.\n" },
      },
      bash("test -f README.md && printf '\\nSee agent-notes.md.\\n' >> README.md; git status --short", "Link the notes from the README"),
      { text: "Added agent-notes.md and linked it from the README." },
    ];
  }
  if (switches.has("mcp")) {
    const issue = issueOf(switches.get("mcp") || prompt);
    const tool = "mcp__agent-bot-github__get_issue";
    return [
      { tool: "ToolSearch", input: { query: `select:${tool}`, max_results: 1 } },
      { tool, input: issue },
      (later) => ({ text: `The issue is titled: ${titleIn(later)}` }),
    ];
  }
  if (switches.has("escape")) {
    const calls = ESCAPES.map(([tool, input]) => ({ tool, input }));
    return [
      { tool: "ToolSearch", input: { query: `select:${ESCAPES.map(([tool]) => tool).join(",")}`, max_results: ESCAPES.length } },
      { tools: calls },
      (later) => ({
        text: `Answers: ${lastToolResults(later.body)
          .map((r) => (r.is_error ? "refused" : "answered"))
          .join(", ")}`,
      }),
    ];
  }
  return [bash("ls -a", "List the files"), { text: "The repository holds a README. Nothing needs to change for this request." }];
}

/** What a prompt-injected agent would try with a task's MCP token ([fake:escape]). */
const ESCAPES = [
  ["mcp__agent-bot-github__get_issue", { owner: "acme", repo: "secret", issue_number: 1 }],
  ["mcp__agent-bot-github__get_file_contents", { owner: "Codertocat", repo: "Hello-World", path: "../../../../orgs/acme/repos" }],
  ["mcp__agent-bot-slack__post_message", { channel: "C0OTHER", text: "exfiltrated" }],
  ["mcp__agent-bot__create_task", { repository: "acme/secret", prompt: "push to main" }],
];

function bash(command, description) {
  return { tool: "Bash", input: { command, description } };
}

function streamOptions(value = "") {
  const [count, rest] = value.split(",");
  const interval = /interval=(\d+)/.exec(rest ?? "")?.[1];
  return [Math.max(1, Number(count) || 10), Number(interval ?? 20)];
}

/** `owner/repo#n` in the text, else the sample repository's first issue. */
function issueOf(text) {
  const match = /([\w.-]+)\/([\w.-]+)#(\d+)/.exec(text);
  if (match) return { owner: match[1], repo: match[2], issue_number: Number(match[3]) };
  return { owner: "Codertocat", repo: "Hello-World", issue_number: 1 };
}

/** The issue title in the tool result the model just received. */
function titleIn(request) {
  const text = lastToolResults(request.body)
    .flatMap((r) => (typeof r.content === "string" ? [r.content] : (r.content ?? []).map((block) => block?.text ?? "")))
    .join("\n");
  return /"title"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? "(no title in the tool result)";
}
