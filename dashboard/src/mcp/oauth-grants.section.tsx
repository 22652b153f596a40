// The OAuth grants MCP connectors (Claude.ai, ChatGPT…) hold, beside the tokens: who each is
// for, what it reaches, until when, and a revoke that ends its tokens at once.
import { useState } from "react";
import type { OAuthGrant } from "../../../core/api-types";
import { useApi } from "../auth/session";
import { Empty, ErrorMessage, errorText, Loading } from "../components/states";
import { formatTime } from "../lib/format";
import { useAsync } from "../lib/use-async";

function GrantRow({ grant, onRevoked }: { grant: OAuthGrant; onRevoked: (id: string) => void }) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await api.revokeOAuthGrant(grant.id);
      onRevoked(grant.id);
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <tr data-testid="oauth-grant-row">
      <td data-label="Client">
        {grant.name}
        <span className="muted small block">{grant.clientId}</span>
      </td>
      <td data-label="Servers">{grant.servers.join(", ")}</td>
      <td data-label="Access">{grant.access}</td>
      <td data-label="Approved by">{grant.approvedBy ?? "—"}</td>
      <td data-label="Created">{formatTime(grant.createdAt)}</td>
      <td data-label="Expires">{grant.expiresAt === null ? "—" : formatTime(grant.expiresAt)}</td>
      <td data-label="Revoke">
        {confirming ? (
          <span className="button-row">
            <button type="button" className="button button-small button-danger" onClick={revoke} disabled={busy}>
              {busy ? "Revoking…" : `Confirm revoke ${grant.name}`}
            </button>
            <button type="button" className="button button-small button-quiet" onClick={() => setConfirming(false)} disabled={busy}>
              Keep
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button button-small"
            aria-label={`Revoke grant ${grant.name}`}
            onClick={() => setConfirming(true)}
          >
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

export function OAuthGrantsSection() {
  const api = useApi();
  const list = useAsync((signal) => api.listOAuthGrants(signal), []);
  const items = [...(list.data?.items ?? [])].sort((a, b) => b.createdAt - a.createdAt);

  return (
    <section className="card" aria-labelledby="grants-title">
      <h2 id="grants-title">OAuth connections</h2>
      <p className="muted small">
        Clients that connected through OAuth (Claude.ai, Claude Desktop, ChatGPT): each was approved on the consent page. See docs/mcp.md,
        “Connect with OAuth”.
      </p>
      {list.loading && !list.data ? (
        <Loading label="Loading OAuth connections…" />
      ) : list.error ? (
        <ErrorMessage error={list.error} title="Could not load the OAuth connections" onRetry={list.reload} />
      ) : !items.length ? (
        <Empty>No OAuth connections yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" aria-labelledby="grants-title">
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Servers</th>
                <th scope="col">Access</th>
                <th scope="col">Approved by</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Revoke</th>
              </tr>
            </thead>
            <tbody>
              {items.map((grant) => (
                <GrantRow
                  key={grant.id}
                  grant={grant}
                  onRevoked={(id) => list.setData((current) => current && { items: current.items.filter((item) => item.id !== id) })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
