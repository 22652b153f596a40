// Percentiles and the fixed-width rows bench:graph prints.
import { quantile } from "../percentiles.mjs";

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}
export function stats(samples: number[]): Stats {
  const sorted = samples.toSorted((a, b) => a - b);
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
  };
}
export const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)}` : "–");
export const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padStart(widths[i] ?? 8)).join(" ");
export const seconds = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;
