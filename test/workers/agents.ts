// Typed stubs for the Durable Objects under test.
import { env } from "cloudflare:workers";
import { getAgentByName } from "agents";
import type { TaskAgent } from "../../durable-objects/task-agent";

export function taskAgent(name: string) {
  return getAgentByName<Env, TaskAgent>(env.TASK_AGENT, name);
}
