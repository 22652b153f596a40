// MCP tokens: issue one (the secret is shown once, with the `claude mcp add`
// lines ready to copy), list them, revoke them; below them, the OAuth grants.
import { useState, type FormEvent } from "react";
import type { McpToken } from "../../../core/api-types";
import { MCP_SERVERS, type McpAccess, type McpServerName } from "../../../core/mcp-scopes";
import { useApi } from "../auth/session";
import { CopyButton } from "../components/copy-button";
import { Empty, ErrorMessage, errorText, Loading } from "../components/states";
import { API_BASE_URL } from "../config";
import { formatTime } from "../lib/format";
import { useAsync } from "../lib/use-async";
import { claudeMcpAddLines, cursorConfig } from "./mcp-commands";
import { OAuthGrantsSection } from "./oauth-grants.section";

const DAY = 86_400;
const LIFETIMES = [
  { label: "1 day", seconds: DAY },
  { label: "7 days", seconds: 7 * DAY },
  { label: "30 days", seconds: 30 * DAY },
  { label: "90 days", seconds: 90 * DAY },
  { label: "1 year", seconds: 365 * DAY },
];

/** Where the MCP servers are: the API's origin. */
export function mcpOrigin(): string {
  return API_BASE_URL || window.location.origin;
}

function tokenStatus(token: McpToken, now = Date.now()): "revoked" | "expired" | "active" {
  if (token.revokedAt !== null) return "revoked";
  if (token.expiresAt <= now) return "expired";
  return "active";
}

function IssuedToken({ issued, onDone }: { issued: McpToken & { token: string }; onDone: () => void }) {
  const lines = claudeMcpAddLines(mcpOrigin(), issued.servers, issued.token);
  const all = lines.join("\n");
  return (
    <section className="card issued" aria-labelledby="issued-title" data-testid="issued-token">
      <h2 id="issued-title">Token “{issued.name}” created</h2>
      <p className="notice" role="status">
        Copy it now: it is shown only this once. agent-bot keeps only its hash.
      </p>
      <div className="copy-field">
        <code className="secret" data-testid="issued-token-value">
          {issued.token}
        </code>
        <CopyButton text={issued.token} label="Copy token" />
      </div>
      <h3>Claude Code</h3>
      <pre className="code-block" data-testid="claude-mcp-add">
        {all}
      </pre>
      <CopyButton text={all} label="Copy command" />
      <details>
        <summary>Cursor (~/.cursor/mcp.json)</summary>
        <pre className="code-block">{cursorConfig(mcpOrigin(), issued.servers, issued.token)}</pre>
      </details>
      <button type="button" className="button button-quiet" onClick={onDone}>
        Done, hide the token
      </button>
    </section>
  );
}

function IssueForm({ onIssued }: { onIssued: (token: McpToken & { token: string }) => void }) {
  const api = useApi();
  const [name, setName] = useState("");
  const [servers, setServers] = useState<McpServerName[]>(["agent-bot"]);
  const [access, setAccess] = useState<McpAccess>("read");
  const [lifetime, setLifetime] = useState(30 * DAY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!servers.length) {
      setError("Pick at least one server.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const issued = await api.issueMcpToken({ name: name.trim(), servers, access, expiresInSeconds: lifetime });
      onIssued(issued);
      setName("");
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (server: McpServerName) =>
    setServers((current) =>
      current.includes(server) ? current.filter((s) => s !== server) : MCP_SERVERS.filter((s) => s === server || current.includes(s)),
    );

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="issue-title">
      <h2 id="issue-title">Create a token</h2>
      <div className="field">
        <label htmlFor="mcp-name">Name</label>
        <input
          id="mcp-name"
          required
          maxLength={100}
          placeholder="my-laptop"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <fieldset className="field">
        <legend>Servers</legend>
        <div className="checks">
          {MCP_SERVERS.map((server) => (
            <label key={server} className="check">
              <input type="checkbox" checked={servers.includes(server)} onChange={() => toggle(server)} />
              {server}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field-row">
        <fieldset className="field">
          <legend>Access</legend>
          <div className="checks">
            <label className="check">
              <input type="radio" name="mcp-access" value="read" checked={access === "read"} onChange={() => setAccess("read")} />
              read
            </label>
            <label className="check">
              <input type="radio" name="mcp-access" value="write" checked={access === "write"} onChange={() => setAccess("write")} />
              read + write
            </label>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="mcp-lifetime">Expires after</label>
          <select id="mcp-lifetime" value={lifetime} onChange={(event) => setLifetime(Number(event.target.value))}>
            {LIFETIMES.map((option) => (
              <option key={option.seconds} value={option.seconds}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && (
        <p className="form-error" role="alert">
          Could not create the token: {error}
        </p>
      )}
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}

function TokenRow({ token, onRevoked }: { token: McpToken; onRevoked: (token: McpToken) => void }) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = tokenStatus(token);

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      onRevoked(await api.revokeMcpToken(token.id));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <tr data-testid="mcp-token-row">
      <td data-label="Name">
        {token.name}
        {token.taskId && <span className="muted small block">task {token.taskId}</span>}
      </td>
      <td data-label="Servers">{token.servers.join(", ")}</td>
      <td data-label="Access">{token.access}</td>
      <td data-label="Created">{formatTime(token.createdAt)}</td>
      <td data-label="Expires">{formatTime(token.expiresAt)}</td>
      <td data-label="Status">
        <span className={`badge badge-token-${status}`}>{status}</span>
      </td>
      <td data-label="Revoke">
        {status === "revoked" ? (
          <span className="muted small">{formatTime(token.revokedAt)}</span>
        ) : confirming ? (
          <span className="button-row">
            <button type="button" className="button button-small button-danger" onClick={revoke} disabled={busy}>
              {busy ? "Revoking…" : `Confirm revoke ${token.name}`}
            </button>
            <button type="button" className="button button-small button-quiet" onClick={() => setConfirming(false)} disabled={busy}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" className="button button-small" aria-label={`Revoke ${token.name}`} onClick={() => setConfirming(true)}>
            Revoke
          </button>
        )}
        {error && (
          <span className="form-error small block" role="alert">
            {error}
          </span>
        )}
      </td>
    </tr>
  );
}

export function McpTokensPage() {
  const api = useApi();
  const list = useAsync((signal) => api.listMcpTokens(signal), []);
  const [issued, setIssued] = useState<(McpToken & { token: string }) | null>(null);
  const [showTaskTokens, setShowTaskTokens] = useState(false);
  const items = (list.data?.items ?? []).filter((token) => showTaskTokens || !token.taskId).sort((a, b) => b.createdAt - a.createdAt);

  return (
    <section className="page" aria-labelledby="mcp-title">
      <h1 id="mcp-title">MCP tokens</h1>
      {issued ? (
        <IssuedToken issued={issued} onDone={() => setIssued(null)} />
      ) : (
        <IssueForm
          onIssued={(token) => {
            setIssued(token);
            const { token: _secret, ...record } = token;
            list.setData((current) => ({ items: [record, ...(current?.items ?? [])] }));
          }}
        />
      )}
      <section className="card" aria-labelledby="tokens-title">
        <div className="section-header">
          <h2 id="tokens-title">Tokens</h2>
          <label className="check small">
            <input type="checkbox" checked={showTaskTokens} onChange={(event) => setShowTaskTokens(event.target.checked)} />
            Show task-scoped tokens
          </label>
        </div>
        {list.loading && !list.data ? (
          <Loading label="Loading tokens…" />
        ) : list.error ? (
          <ErrorMessage error={list.error} title="Could not load the tokens" onRetry={list.reload} />
        ) : !items.length ? (
          <Empty>No MCP tokens yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table table-cards" aria-labelledby="tokens-title">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Servers</th>
                  <th scope="col">Access</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Status</th>
                  <th scope="col">Revoke</th>
                </tr>
              </thead>
              <tbody>
                {items.map((token) => (
                  <TokenRow
                    key={token.id}
                    token={token}
                    onRevoked={(revoked) =>
                      list.setData(
                        (current) => current && { items: current.items.map((item) => (item.id === revoked.id ? revoked : item)) },
                      )
                    }
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <OAuthGrantsSection />
    </section>
  );
}
