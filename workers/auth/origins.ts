// Which browser origins the API trusts: its own and the dashboard's (DASHBOARD_URL).
import type { Config } from "../config";

export function dashboardOrigin(config: Config): string | undefined {
  try {
    return new URL(config.DASHBOARD_URL).origin;
  } catch {
    return undefined;
  }
}

/** True for no Origin (not a browser), the API's own origin, or the dashboard's. */
export function isTrustedOrigin(origin: string | undefined, requestUrl: string, config: Config): boolean {
  return origin === undefined || origin === new URL(requestUrl).origin || origin === dashboardOrigin(config);
}
