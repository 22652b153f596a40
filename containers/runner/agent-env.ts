// The environment the agent's CLI starts with. An allow-list, not the
// runner's environment less a few names: whatever a deployment puts in the
// runner's environment (a vendor token, a cloud credential) stays out of the
// agent's reach unless RUNNER_AGENT_ENV names it. The model credentials a run
// request carries never reach the agent either: the egress proxy adds them.
import type { Environment } from "./process-group";

/** Variables every agent gets from the runner's environment: locale, paths, trust roots. */
const BASE_NAMES = [
  "PATH",
  "LANG",
  "LANGUAGE",
  "LC_*",
  "TZ",
  "TERM",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "GIT_CONFIG_NOSYSTEM",
  "GIT_CONFIG_GLOBAL",
  // Claude Code's own switch for "this machine is the sandbox"; only read when the agent runs as root.
  "IS_SANDBOX",
];

function matches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => (pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

/**
 * `runnerEnv` filtered to the allow-list, then the request's variables less
 * `withheld` (credentials the egress proxy holds), then `own` (the run's
 * HOME, the CLI's settings, the egress URLs), which wins.
 */
export function agentEnvironment(options: {
  runnerEnv: Environment;
  extraNames: readonly string[];
  requestEnv: Record<string, string>;
  withheld: readonly string[];
  own: Record<string, string>;
}): Environment {
  const patterns = [...BASE_NAMES, ...options.extraNames];
  const env: Environment = {};
  for (const [name, value] of Object.entries(options.runnerEnv)) if (matches(name, patterns)) env[name] = value;
  for (const [name, value] of Object.entries(options.requestEnv)) if (!options.withheld.includes(name)) env[name] = value;
  return { ...env, ...options.own };
}
