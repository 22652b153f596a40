// The TaskScheduler never leaks a slot: a grant that cannot reach its task goes back in line and
// the slot goes to the next task; slots of tasks that ended or never existed are reclaimed.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TaskScheduler } from "../../durable-objects/task-scheduler";

/** A scheduler of its own per test, so no other test's slots count. */
const scheduler = (name: string) => env.TASK_SCHEDULER.getByName(name);
const LIMIT = 10; // MAX_RUNNING_TASKS in the test configuration

describe("TaskScheduler", () => {
  it("a grant that fails does not keep the slot: it goes to the next task in line, and the failed task keeps its place", async () => {
    await runInDurableObject(scheduler("grant-fails"), async (instance: TaskScheduler) => {
      const told: string[] = [];
      // The first waiting task's Durable Object cannot be reached; the others can.
      Object.assign(instance, {
        notifyGranted: async (id: string) => {
          if (id === "task_a_unreachable") throw new Error("Network connection lost.");
          told.push(id);
        },
      });
      for (let i = 0; i < LIMIT; i++) expect(instance.acquire(`task_run${i}`, `acme/r${i}`).granted).toBe(true);
      // Time stands still inside a request in workerd: the line is ordered by id when arrival ties.
      expect(instance.acquire("task_a_unreachable", "acme/x").granted).toBe(false);
      expect(instance.acquire("task_b_next", "acme/y").granted).toBe(false);

      expect(await instance.release("task_run0")).toEqual(["task_b_next"]);
      expect(told).toEqual(["task_b_next"]);
      expect(instance.stats()).toMatchObject({ running: LIMIT, waiting: 1 });

      // Once it can be reached, the next free slot (or the alarm) grants it.
      Object.assign(instance, { notifyGranted: async (id: string) => void told.push(id) });
      expect(await instance.release("task_run1")).toEqual(["task_a_unreachable"]);
    });
  });

  it("reclaims the slots of tasks that ended or have no row long after they took one, and grants them to the line", async () => {
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO tasks (id, delivery_id, vendor, event_type, status, title, created_at, updated_at)
       VALUES ('task_ended', 'dlv_ended', 'github', 'issue_comment', 'failed', 't', ?1, ?1)`,
    )
      .bind(now)
      .run();
    await runInDurableObject(scheduler("reclaim"), async (instance: TaskScheduler, state) => {
      const told: string[] = [];
      Object.assign(instance, { notifyGranted: async (id: string) => void told.push(id) });
      for (let i = 0; i < LIMIT - 2; i++) instance.acquire(`task_alive${i}`, `acme/a${i}`);
      instance.acquire("task_ended", "acme/e");
      instance.acquire("task_gone", "acme/g");
      expect(instance.acquire("task_waiting", "acme/w").granted).toBe(false);
      // The vanished task took its slot an hour ago; the live ones just now.
      state.storage.sql.exec(`UPDATE slots SET enqueued_at = ? WHERE task_id = 'task_gone'`, now - 3_600_000);

      await instance.alarm();
      const held = state.storage.sql.exec<{ task_id: string }>(`SELECT task_id FROM slots WHERE state = 'running'`).toArray();
      expect(held.map((row) => row.task_id)).not.toContain("task_gone");
      expect(told).toEqual(["task_waiting"]);
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
  });
});
