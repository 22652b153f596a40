// Starts the runner: `npm run runner` in development, `node /opt/agent-bot/runner.js` in the image.
// SIGTERM (a container being stopped) and SIGINT cancel the active runs, let
// their event streams end with the `result`, and then exit.
import { errorMessage } from "../../core/error-message";
import { loadConfig } from "./config";
import { jsonLogger } from "./log";
import { createRunnerServer } from "./server";

const config = loadConfig();
const runner = createRunnerServer(config, jsonLogger);
const address = await runner.listen();
jsonLogger("info", "runner listening", { host: address.address, port: address.port, skillsDir: config.skillsDir });
// Said at start-up, not first discovered by a task.
if (config.agentUids) {
  jsonLogger("info", "agents run as their own users", { uids: config.agentUids.join("-") });
} else {
  jsonLogger(
    "warn",
    process.getuid?.() === 0
      ? "RUNNER_AGENT_UIDS=off: the agent runs as root, as the runner, and can read the runner's memory, its token files and every run (development only)"
      : "the runner is not root, so the agent runs as the runner's own user and can read its memory and token files: start the runner as root (the image does) to give each run's agent a user of its own",
    {},
  );
}

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    jsonLogger("info", "runner shutting down", { signal, activeRuns: runner.registry.activeCount });
    runner.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        jsonLogger("error", "shutdown failed", { error: errorMessage(error) });
        process.exit(1);
      },
    );
  });
}
