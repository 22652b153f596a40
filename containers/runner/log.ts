// The runner's own log: one JSON object a line on stdout/stderr. Callers pass
// ids and outcomes; any text that could carry a secret has already been
// through the run's redactor.
export type LogLevel = "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = (level: LogLevel, message: string, fields?: LogFields) => void;

export const jsonLogger: Logger = (level, message, fields = {}) => {
  const line = JSON.stringify({ level, ts: new Date().toISOString(), msg: message, ...fields });
  if (level === "info") process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
};

export const silentLogger: Logger = () => {};
