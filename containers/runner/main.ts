// Starts the runner: `npm run runner` in development, `node /opt/agent-bot/runner.js` in the image.
// SIGTERM (a container being stopped) and SIGINT cancel the active runs, let
// their event streams end with the `result`, and then exit.
import { loadConfig } from "./config";
import { errorMessage, jsonLogger } from "./log";
import { createRunnerServer } from "./server";

const config = loadConfig();
const runner = createRunnerServer(config, jsonLogger);
const address = await runner.listen();
jsonLogger("info", "runner listening", { host: address.address, port: address.port, skillsDir: config.skillsDir });

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
