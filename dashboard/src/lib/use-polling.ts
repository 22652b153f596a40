// Calls `tick` every `intervalMs` while the page is visible. A hidden tab does
// not poll; it polls at once when it becomes visible again. Ticks never overlap.
import { useEffect, useRef } from "react";

export function usePolling(tick: (signal: AbortSignal) => Promise<unknown>, intervalMs: number, enabled = true): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let stopped = false;
    const controller = new AbortController();

    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && !document.hidden) timer = setTimeout(run, intervalMs);
    };
    const run = async () => {
      if (running || stopped || document.hidden) return;
      running = true;
      try {
        await tickRef.current(controller.signal);
      } catch {
        // A failed poll is retried by the next one; the page shows errors from its own loads.
      } finally {
        running = false;
        schedule();
      }
    };
    const onVisibility = () => {
      if (document.hidden) clearTimeout(timer);
      else void run();
    };

    schedule();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [intervalMs, enabled]);
}
