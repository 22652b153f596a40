// The API token lives in sessionStorage: it survives a reload but not the tab,
// and is never written anywhere else.
const KEY = "agent-bot.api-token";

export const tokenStore = {
  get(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      // Storage can be disabled (private modes, sandboxed frames): no stored token then.
      return null;
    }
  },
  set(token: string): void {
    sessionStorage.setItem(KEY, token);
  },
  clear(): void {
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      // Nothing was stored when storage is unavailable.
    }
  },
};
