// The consent page an MCP connector's authorization lands on: who asks (the client's name,
// the full redirect URI), for which servers and read/write access, for how long, and, unless
// Cloudflare Access already signed the person in, a field for the API token. Every string a
// client chose is escaped; the page loads nothing and cannot be framed (beginConsent's headers).
import { MCP_SERVERS, type McpAccess, type McpServerName } from "../../core/mcp-scopes";

export const GRANT_DAY_CHOICES = [1, 7, 30, 90] as const;
export const DEFAULT_GRANT_DAYS = 30;

export interface ConsentView {
  handle: string;
  clientName: string;
  clientId: string;
  redirectUri: string;
  redirectIsLoopback: boolean;
  /** The resource asked for: one server's URL fixes the server; the origin lets the person pick. */
  resource: string;
  /** Servers offered; checked are those the client asked for. */
  offered: McpServerName[];
  asked: McpServerName[];
  access: McpAccess;
  /** The Access identity already signed in; without one the form asks for the API token. */
  signedInAs?: string;
  error?: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.3rem}code{background:#f2f2f2;padding:0 .25rem;border-radius:3px;word-break:break-all}
fieldset{border:1px solid #ddd;border-radius:6px;margin:1rem 0}label{display:block;margin:.25rem 0}
.error{color:#b00020}.actions{display:flex;gap:.75rem;margin-top:1.25rem}button{font:inherit;padding:.45rem 1rem}
input[type=password]{width:100%;font:inherit;padding:.35rem}`;

function serverChoices(view: ConsentView): string {
  if (view.offered.length === 1) {
    const server = view.offered[0]!;
    return `<p>Server: <strong>${escapeHtml(server)}</strong><input type="hidden" name="servers" value="${escapeHtml(server)}"></p>`;
  }
  const boxes = view.offered
    .map((server) => {
      const checked = view.asked.includes(server) ? " checked" : "";
      return `<label><input type="checkbox" name="servers" value="${server}"${checked}> ${server}</label>`;
    })
    .join("");
  return `<fieldset><legend>Servers</legend>${boxes}</fieldset>`;
}

export function renderConsentPage(view: ConsentView): string {
  const access = (value: McpAccess, label: string) =>
    `<label><input type="radio" name="access" value="${value}"${view.access === value ? " checked" : ""}> ${label}</label>`;
  const days = GRANT_DAY_CHOICES.map(
    (d) => `<option value="${d}"${d === DEFAULT_GRANT_DAYS ? " selected" : ""}>${d} day${d === 1 ? "" : "s"}</option>`,
  ).join("");
  const signIn = view.signedInAs
    ? `<p>Signed in as <strong>${escapeHtml(view.signedInAs)}</strong> (Cloudflare Access).</p>`
    : `<label>API token (the admin token the dashboard signs in with)
<input type="password" name="api_token" autocomplete="current-password" required></label>`;
  const loopback = view.redirectIsLoopback ? " (an app on this computer)" : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Connect ${escapeHtml(view.clientName)} to agent-bot</title><style>${STYLE}</style></head><body>
<h1>Connect <em>${escapeHtml(view.clientName)}</em> to agent-bot's MCP servers?</h1>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ""}
<p>It will be sent back to <code>${escapeHtml(view.redirectUri)}</code>${loopback}, for the resource <code>${escapeHtml(view.resource)}</code>.
Client id: <code>${escapeHtml(view.clientId)}</code>.</p>
<form method="post">
<input type="hidden" name="handle" value="${escapeHtml(view.handle)}">
${serverChoices(view)}
<fieldset><legend>Access</legend>${access("read", "Read only")}${access("write", "Read and write (comments, labels, pull requests, tasks)")}</fieldset>
<label>Expires after <select name="expires_days">${days}</select></label>
${signIn}
<div class="actions"><button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></div>
</form></body></html>`;
}

/** The servers a resource lets the person choose: its own for `/mcp/<server>`, every one for the origin. */
export function offeredServers(resource: string, origin: string): McpServerName[] {
  const server = MCP_SERVERS.find((name) => resource === `${origin}/mcp/${name}`);
  return server ? [server] : [...MCP_SERVERS];
}
