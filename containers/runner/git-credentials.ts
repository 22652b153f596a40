// Hands the task's git token to git through a credential helper, the only
// way it leaves the runner: never in argv, a clone URL, an environment
// variable or an event. The helper is a small script in the run's private
// directory that reads the token from a 0600 file. The token file exists only
// while the runner itself talks to the remote (clone, push) and is removed
// before the CLI starts, so the agent cannot read it. The helper answers only
// for the clone URL's protocol and host, so a remote rewritten under the
// agent's hands (`url.*.insteadOf` in .git/config) gets nothing.
import { chmod, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export class GitCredentials {
  private readonly helperPath: string;
  private readonly tokenPath: string;

  constructor(
    privateDir: string,
    private readonly token: string,
    private readonly cloneUrl: string,
  ) {
    this.helperPath = join(privateDir, "git-credential-agent-bot");
    this.tokenPath = join(privateDir, "git-token");
  }

  /** Writes the helper and the token file; call before a network step. */
  async open(): Promise<void> {
    const { protocol, host } = remoteOf(this.cloneUrl);
    await writeFile(this.tokenPath, this.token, { mode: 0o600 });
    await chmod(this.tokenPath, 0o600);
    await writeFile(this.helperPath, helperScript(this.tokenPath, protocol, host), { mode: 0o700 });
    await chmod(this.helperPath, 0o700);
  }

  /** Removes the token file; the helper then answers nothing. */
  async close(): Promise<void> {
    await rm(this.tokenPath, { force: true });
  }

  /** `-c` options for one git command: reset inherited helpers, then use ours. */
  gitConfig(): string[] {
    return ["-c", "credential.helper=", "-c", `credential.helper=${this.helperPath}`];
  }

  get helper(): string {
    return this.helperPath;
  }
}

function remoteOf(url: string): { protocol: string; host: string } {
  try {
    const parsed = new URL(url);
    return { protocol: parsed.protocol.replace(/:$/, ""), host: parsed.host };
  } catch {
    return { protocol: "", host: "" };
  }
}

// git runs `<helper> get` and writes `key=value` lines on stdin (protocol, host, path…).
function helperScript(tokenPath: string, protocol: string, host: string): string {
  return `#!/bin/sh
# agent-bot credential helper: answers "get" for ${protocol}://${host} only.
[ "$1" = get ] || exit 0
protocol=
host=
while IFS= read -r line; do
  [ -z "$line" ] && break
  case "$line" in
    protocol=*) protocol="\${line#protocol=}" ;;
    host=*) host="\${line#host=}" ;;
  esac
done
[ "$protocol" = ${shellQuote(protocol)} ] && [ "$host" = ${shellQuote(host)} ] || exit 0
[ -r ${shellQuote(tokenPath)} ] || exit 0
echo username=x-access-token
printf 'password=%s\\n' "$(cat ${shellQuote(tokenPath)})"
`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
