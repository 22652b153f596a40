// Rotating a shared secret without refusing what is signed with the old one: while a vendor (or
// a client) still uses the old value, it stays accepted as `<NAME>_PREVIOUS`. Remove that secret
// to end the window. docs/operations.md#rotating-secrets has the procedure.
import { logLine } from "../observability/log";

/** Whether `secret` signed (or is) what the caller received. */
export type SecretCheck = (secret: string) => Promise<boolean>;

/** Which secret matched: the ledger records a delivery signed with the previous one. */
export type SecretMatch = "current" | "previous";

/**
 * Which secret `check` passes for: `current` or, while `current` is set, `previous`; false for neither. Both are checked every time, each in
 * constant time by `check`, so how long this takes tells nothing of which one matched. A match of
 * the previous secret is logged (`previous_secret_matched`): when those stop, the window can end.
 */
export async function verifyRotating(
  setting: string,
  current: string | undefined,
  previous: string | undefined,
  check: SecretCheck,
): Promise<SecretMatch | false> {
  // A previous value alone is no rotation: with the current one unset the setting is unset.
  if (!current) return false;
  const attempt = (secret: string | undefined) => (secret ? check(secret).catch(() => false) : Promise.resolve(false));
  const [currentMatched, previousMatched] = await Promise.all([attempt(current), attempt(previous)]);
  if (currentMatched) return "current";
  if (!previousMatched) return false;
  logLine("info", { kind: "previous_secret_matched", setting: `${setting}_PREVIOUS` });
  return "previous";
}
