// Shapes the /api/analytics answer for the charts. The numbers are computed by
// the Worker over D1; here they are only arranged: one row per day (days with no
// tasks included, as zeros) with one column per vendor.
import type { Analytics } from "../../../core/api-types";

export const RANGES = [7, 30, 90] as const;
export type RangeDays = (typeof RANGES)[number];

const DAY_MS = 86_400_000;

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The last `days` UTC days, ending today. */
export function rangeFor(days: number, now = Date.now()): { from: string; to: string } {
  return { from: isoDay(now - (days - 1) * DAY_MS), to: isoDay(now) };
}

/** Every day from `from` to `to` inclusive (YYYY-MM-DD, UTC). */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return [];
  const days: string[] = [];
  for (let at = start; at <= end && days.length < 400; at += DAY_MS) days.push(isoDay(at));
  return days;
}

export type VendorDayRow = { day: string } & Record<string, number | string>;

/** Tasks per day, one key per vendor (for stacked bars); vendors ordered by total, largest first. */
export function tasksPerDayByVendor(data: Pick<Analytics, "from" | "to" | "daily">): { vendors: string[]; rows: VendorDayRow[] } {
  const totals = new Map<string, number>();
  for (const row of data.daily) totals.set(row.vendor, (totals.get(row.vendor) ?? 0) + row.tasks);
  const vendors = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b));
  const byDay = new Map<string, VendorDayRow>();
  for (const day of daysBetween(data.from, data.to)) {
    const row: VendorDayRow = { day };
    for (const vendor of vendors) row[vendor] = 0;
    byDay.set(day, row);
  }
  for (const item of data.daily) {
    let row = byDay.get(item.day);
    if (!row) {
      row = { day: item.day };
      for (const vendor of vendors) row[vendor] = 0;
      byDay.set(item.day, row);
    }
    row[item.vendor] = (Number(row[item.vendor]) || 0) + item.tasks;
  }
  return { vendors, rows: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)) };
}

/** Cost per day with the missing days as zero. */
export function costSeries(data: Pick<Analytics, "from" | "to" | "costPerDay">): { day: string; costUsd: number }[] {
  const byDay = new Map(daysBetween(data.from, data.to).map((day) => [day, 0]));
  for (const item of data.costPerDay) byDay.set(item.day, (byDay.get(item.day) ?? 0) + item.costUsd);
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, costUsd]) => ({ day, costUsd: Math.round(costUsd * 10_000) / 10_000 }));
}

/** "Nov 3" for an axis tick. */
export function shortDay(day: string): string {
  const at = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(at) ? new Date(at).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" }) : day;
}

/** A colour per vendor, stable across renders. */
export const VENDOR_COLOURS: Record<string, string> = {
  github: "var(--chart-1)",
  jira: "var(--chart-2)",
  slack: "var(--chart-3)",
  sentry: "var(--chart-4)",
  api: "var(--chart-5)",
};

export function vendorColour(vendor: string, index: number): string {
  return VENDOR_COLOURS[vendor] ?? `var(--chart-${(index % 5) + 1})`;
}
