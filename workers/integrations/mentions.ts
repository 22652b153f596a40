// Bot-handle matching shared by the vendors whose users type the handle.
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when `text` mentions `handle` as a whole word (`@agent-bot`, not `@agent-botany`). */
export function mentionsHandle(text: string | undefined, handle: string): boolean {
  if (!text) return false;
  return new RegExp(`(^|[^\\w-])${escapeRegExp(handle)}(?![\\w-])`, "i").test(text);
}
