// Sample API payloads, shaped like the Worker's answers.
import type { TaskRow } from "../../../core/api-types";
import type { TaskLogEntry, TaskState } from "../../../core/task-types";

export function taskRow(overrides: Partial<TaskRow> = {}): TaskRow {
  return {
    id: "task_1",
    deliveryId: "dlv_1",
    vendor: "github",
    eventType: "issue_comment",
    status: "running",
    actor: "octocat",
    subject: "Codertocat/Hello-World#1",
    repository: "Codertocat/Hello-World",
    title: "Fix the typo",
    url: "https://github.com/Codertocat/Hello-World/issues/1",
    cli: "claude",
    attempt: 1,
    reason: null,
    pullRequestUrl: null,
    costUsd: null,
    inputTokens: null,
    outputTokens: null,
    durationMs: null,
    startedAt: null,
    finishedAt: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function taskState(overrides: Partial<TaskState> = {}): TaskState {
  return {
    spec: {
      id: "task_1",
      deliveryId: "dlv_1",
      vendor: "github",
      eventType: "issue_comment",
      subject: { repository: "Codertocat/Hello-World" },
      title: "Fix the typo",
      prompt: "please fix the typo",
      links: ["https://github.com/Codertocat/Hello-World/issues/1"],
      reason: "mentioned by the repo owner",
      payloadRef: "",
      createdAt: 1_700_000_000_000,
    },
    status: "running",
    transitions: [
      { status: "queued", at: 1_700_000_000_000, reason: "mentioned" },
      { status: "preparing", at: 1_700_000_001_000 },
      { status: "running", at: 1_700_000_002_000, reason: "the agent CLI started" },
    ],
    attempts: [{ n: 1, startedAt: 1_700_000_001_000 }],
    waiting: null,
    skills: ["implement-issue"],
    costUsd: 0,
    result: null,
    thread: null,
    ...overrides,
  };
}

export function logEntry(seq: number, message = `line ${seq}`): TaskLogEntry {
  return { seq, at: 1_700_000_000_000 + seq, attempt: 1, type: "assistant_text", level: "info", message, data: null };
}
