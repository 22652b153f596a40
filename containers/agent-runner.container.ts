// The runner image as a Cloudflare Container: one instance per task (named by
// task id), so tasks never share a checkout, a process table or credentials.
// The runner server inside listens on 8788 (containers/runner/, Dockerfile).
import { Container } from "@cloudflare/containers";

export class AgentRunner extends Container<Env> {
  override defaultPort = 8788;
  // A finished task's container sleeps after a short idle period; its events stay
  // readable until then, and the TaskAgent already holds them in its own log.
  override sleepAfter = "10m";
  // 0.0.0.0 inside the container's own network namespace, which only this Durable Object's
  // binding reaches; RUNNER_SECRET (the Worker secret) is what the runner then requires of
  // every call, and only this container and the TaskAgent hold it.
  override envVars = {
    HOST: "0.0.0.0",
    PORT: "8788",
    RUNNER_SECRET: this.env.RUNNER_SECRET ?? "",
    RUNNER_SECRET_PREVIOUS: this.env.RUNNER_SECRET_PREVIOUS ?? "",
  };
}
