// The runner image as a Cloudflare Container: one instance per task (named by
// task id), so tasks never share a checkout, a process table or credentials.
// The runner server inside listens on 8788 (containers/runner/, Dockerfile).
import { Container } from "@cloudflare/containers";

export class AgentRunner extends Container<Env> {
  override defaultPort = 8788;
  // A finished task's container sleeps after a short idle period; its events stay
  // readable until then, and the TaskAgent already holds them in its own log.
  override sleepAfter = "10m";
  override envVars = { HOST: "0.0.0.0", PORT: "8788" };
}
