#!/usr/bin/env node
// `npm run send -- <vendor> <event> [options]`: signs a real sample payload with
// the local secret from .dev.vars and POSTs it to the running Worker — the
// `stripe trigger` of agent-bot.
import { parseArgs } from "node:util";
import { readDevVars } from "./dev-vars.mjs";
import { intoThread, loadSample, listSamples, makeTriggering } from "./samples.mjs";
import { SECRET_SETTING, signDelivery } from "./webhook-signer.mjs";

const usage = `usage: npm run send -- <github|jira|slack|sentry> <event> [options]

options:
  --url <base>        Worker URL (default http://127.0.0.1:8787)
  --action <action>   GitHub sample action (default: opened/created)
  --text <text>       what to ask the bot (default "please take a look"; for a Sentry issue, appended to its error message)
  --raw               send the sample unchanged (no bot mention added)
  --issue <n>         GitHub: a new comment on issue #n (a follow-up: the next turn of its task)
  --thread <ts>       Slack: a new mention in the thread started at <ts> (a follow-up)
  --ticket <key>      Jira: a new comment on ticket <key> (a follow-up)
  --delivery <id>     reuse a delivery id, to see deduplication
  --secret <secret>   signing secret (default: from .dev.vars)
  --dev-vars <path>   secrets file (default .dev.vars, then .dev.vars.example)

samples:
${Object.entries(listSamples())
  .map(([v, e]) => `  ${v}: ${e.join(", ")}`)
  .join("\n")}`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: process.env.AGENT_BOT_URL ?? "http://127.0.0.1:8787" },
    action: { type: "string" },
    text: { type: "string" },
    raw: { type: "boolean", default: false },
    issue: { type: "string" },
    thread: { type: "string" },
    ticket: { type: "string" },
    delivery: { type: "string" },
    secret: { type: "string" },
    "dev-vars": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

const [vendor, event] = positionals;
if (values.help || !vendor || !event || !SECRET_SETTING[vendor]) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const vars = readDevVars([values["dev-vars"], ".dev.vars", ".dev.vars.example"]);
const secret = values.secret ?? vars[SECRET_SETTING[vendor]];
if (!secret) {
  console.error(`no signing secret: set ${SECRET_SETTING[vendor]} in .dev.vars or pass --secret`);
  process.exit(2);
}

const { payload, eventType } = loadSample(vendor, event, values.action);
intoThread(vendor, payload, { issue: values.issue, thread: values.thread, ticket: values.ticket });
const body = JSON.stringify(values.raw ? payload : makeTriggering(vendor, event, payload, { handle: vars.BOT_HANDLE, text: values.text }));
const { headers } = await signDelivery(vendor, { body, secret, eventType, deliveryId: values.delivery });

const started = performance.now();
const response = await fetch(new URL(`/webhooks/${vendor}`, values.url), { method: "POST", headers, body }).catch((error) => {
  console.error(`cannot reach ${values.url}: ${error.cause?.code ?? error.message} — is \`npm run dev\` running?`);
  process.exit(1);
});
const elapsed = (performance.now() - started).toFixed(1);
console.log(`${response.status} ${response.statusText} in ${elapsed} ms  ${vendor} ${eventType} (${body.length} bytes)`);
console.log(await response.text());
process.exit(response.ok ? 0 : 1);
