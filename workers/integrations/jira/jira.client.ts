// Jira REST API access through jira.js's transport (`jira.js/core`): Basic auth
// with email + API token, JSON, and typed errors carrying Retry-After. It runs
// on the global fetch, so it works in workerd.
//
// Only the transport is used. The typed endpoint functions (`jira.js/cloud`)
// cannot be loaded by the Workers test runner (a circular `export *` between
// its models leaves schemas undefined there, though wrangler's bundle is fine),
// and `createCloudClient` wires every endpoint of the platform into the Worker
// for the two this module calls.
import { createClient, isApiError, isNetworkError, isRateLimitError, type Client } from "jira.js/core";
import type { Config } from "../../config";
import { describeBody, httpError, networkError, redact, unusableRequest } from "../../threads/errors";
import { VendorApiError } from "../../threads/types";

export type JiraSettings = Pick<Config, "JIRA_BASE_URL" | "JIRA_EMAIL" | "JIRA_API_TOKEN">;

export function createJiraClient(config: JiraSettings): Client {
  const { JIRA_BASE_URL: host, JIRA_EMAIL: email, JIRA_API_TOKEN: apiToken } = config;
  if (!host || !email || !apiToken) throw unusableRequest("jira", "JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN must all be set");
  try {
    // Responses are not validated against jira.js's schemas: only `id` is read.
    return createClient({ host, auth: { type: "basic", email, apiToken }, onSchemaMismatch: "silent" });
  } catch {
    throw unusableRequest("jira", "JIRA_BASE_URL must be a URL and JIRA_EMAIL an email address");
  }
}

/** Jira's `{ errorMessages: [...], errors: { field: message } }`, as one line. */
function jiraDetail(body: unknown): string | undefined {
  return describeBody(body, (json) => {
    const messages = Array.isArray(json.errorMessages) ? json.errorMessages.map(String) : [];
    const fields =
      json.errors && typeof json.errors === "object"
        ? Object.entries(json.errors as Record<string, unknown>).map(([field, text]) => `${field}: ${String(text)}`)
        : [];
    return [...messages, ...fields].join("; ") || json.message;
  });
}

/** Any failure of a jira.js call, as a VendorApiError. */
export function jiraError(error: unknown, operation: string, config: JiraSettings): VendorApiError {
  if (error instanceof VendorApiError) return error;
  const secrets = [config.JIRA_API_TOKEN];
  if (isApiError(error)) {
    const retryAfterMs = isRateLimitError(error) ? error.retryAfterMs : undefined;
    return httpError({
      vendor: "jira",
      operation,
      status: error.status,
      detail: jiraDetail(error.body) ?? error.statusText,
      retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
      secrets,
    });
  }
  if (isNetworkError(error)) return networkError("jira", operation, error, secrets);
  // Anything else is a request jira.js refused to build; repeating it cannot help.
  const reason = error instanceof Error ? error.message : String(error);
  return new VendorApiError("jira", 0, redact(`jira ${operation} failed: ${reason}`, secrets), false);
}

/** Runs one jira.js call and maps whatever it throws. */
export async function jiraCall<T>(config: JiraSettings, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw jiraError(error, operation, config);
  }
}
