// Every vendor agent-bot works with, by URL segment: one line each. Its integration carries its
// webhooks, graph extractor and thread reporter (workers/integrations/types.ts).
import type { Vendor } from "../../core/names";
import { github } from "./github";
import { jira } from "./jira";
import { sentry } from "./sentry";
import { slack } from "./slack";
import type { WebhookIntegration } from "./types";

export const integrations: Record<Vendor, WebhookIntegration> = { github, jira, slack, sentry };

export function findIntegration(vendor: string): WebhookIntegration | undefined {
  return Object.hasOwn(integrations, vendor) ? integrations[vendor as Vendor] : undefined;
}
