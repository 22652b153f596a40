// Percentiles for every benchmark: nearest rank over the samples sorted ascending.

/** The sample at quantile `q` (0–1) of `sorted` (ascending); NaN when there are none. */
export function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** p50, p95, p99 and the maximum of `samples` (any order). */
export function percentiles(samples) {
  const sorted = samples.toSorted((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? NaN };
}
