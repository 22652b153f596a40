export function hmacHex(secret: string, message: string): Promise<string>;
export function signDelivery(
  vendor: "github" | "jira" | "slack" | "sentry",
  options: { body: string; secret: string; eventType?: string; deliveryId?: string; timestamp?: number; hookId?: string },
): Promise<{ headers: Record<string, string>; query: Record<string, string> }>;
export const SECRET_SETTING: Record<"github" | "jira" | "slack" | "sentry", string>;
