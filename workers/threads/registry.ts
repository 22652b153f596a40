// Which reporter writes back to which vendor, and whether it can: a reporter
// exists only when its vendor's credentials are configured. Each vendor's
// integration declares its reporter (`reporter` in workers/integrations/<vendor>/index.ts).
import type { Vendor } from "../../core/names";
import type { Config } from "../config";
import { integrations } from "../integrations/registry";
import type { ThreadReporter } from "./types";

/** The settings `vendor`'s reporter needs that are not set; empty when it can report. */
export function missingReporterSettings(vendor: Vendor, config: Config): string[] {
  return integrations[vendor].reporter.settings.filter((name) => !config[name]);
}

/**
 * The reporter for `vendor`, or undefined when its credentials are not
 * configured (`missingReporterSettings` names them). Creating one makes no
 * request and does not throw; malformed settings fail the first post/update
 * with a non-retryable VendorApiError.
 */
export function reporterFor(vendor: Vendor, config: Config): ThreadReporter | undefined {
  if (missingReporterSettings(vendor, config).length > 0) return undefined;
  return integrations[vendor].reporter.create(config);
}
