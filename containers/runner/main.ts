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
if (process.getuid?.() === 0 && config.env.IS_SANDBOX !== "1") {
  // Said at start-up, not first discovered by a failed task.
  jsonLogger(
    "warn",
    "running as root without IS_SANDBOX=1: Claude Code runs will fail (it refuses bypassPermissions as root); run as an unprivileged user or set IS_SANDBOX=1 if this machine is the sandbox",
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
