// GitHub App mode's part of the trigger rules: installation events keep the installations
// registry; the App's own comments never trigger; an event whose task would work on a
// repository outside every installation (or in a suspended one) is refused, and the ledger
// says why. Personal-token mode passes every decision through unchanged.
import type { AgentEvent } from "../../core/agent-event";
import type { Config } from "../config";
import { appIdentity, githubAppOf, withStoredGitHubApp } from "../integrations/github/app/github-app";
import { INSTALLATION_EVENTS, installationRefusal, recordInstallationEvent } from "../integrations/github/app/installations";
import type { TriggerDecision } from "../integrations/types";
import { mappedRepository } from "./task-spec";

export async function githubAppGate(event: AgentEvent, decision: TriggerDecision, env: Env, config: Config): Promise<TriggerDecision> {
  const app = githubAppOf(await withStoredGitHubApp(env, config));
  if (!app) return decision;

  if (event.vendor === "github" && INSTALLATION_EVENTS.has(event.type)) {
    const object = await env.PAYLOADS.get(event.payloadRef);
    if (!object) throw new Error(`the payload of installation event ${event.id} is missing from R2`);
    return { decision: "not_triggered", reason: await recordInstallationEvent(env.DB, event.type, await object.json()) };
  }

  // The App's own comments and pull requests (its bot user, or posted through it) start nothing.
  if (event.vendor === "github" && event.actor?.isBot) {
    const { slug, botUserId } = await appIdentity(app);
    if (event.actor.id === String(botUserId) || event.actor.login === `${slug}[bot]`) {
      return { decision: "not_triggered", reason: `actor ${event.actor.login} is this GitHub App's own bot user (${botUserId})` };
    }
  }

  if (decision.decision !== "triggered") return decision;
  const repository = event.subject.repository ?? mappedRepository(event.subject, event.vendor, config);
  if (!repository?.includes("/")) return decision;
  const refused = await installationRefusal(env.DB, app, repository);
  return refused ? { decision: "refused", reason: refused } : decision;
}
