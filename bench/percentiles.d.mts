export declare function quantile(sorted: readonly number[], q: number): number;
export declare function percentiles(samples: readonly number[]): { p50: number; p95: number; p99: number; max: number };
