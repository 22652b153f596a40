export declare const ROOT: string;
export declare const CACHE_DIR: string;
export declare const DOCKERFILE: string;
export declare const DEFAULT_TAG: string;
export declare const NODE_VERSION: string;
export declare const NPM_VERSION: string;
export declare const LOCAL_BASE: string;
export declare const LOCAL_NODE: string;

export type Engine = "podman" | "docker";
export type Log = (line: string) => void;

/** podman when it runs, else docker when its daemon answers; `reason` says why there is none. */
export function findEngine(): { engine: Engine; reason?: undefined } | { engine: undefined; reason: string };
/** The Debian mirror apt uses for bookworm (undefined: debootstrap's default). */
export function debianMirror(): string | undefined;
/** The CA bundle handed to the build's npm steps as the secret `build_ca`. */
export function buildCaFile(): string | undefined;
/** Debian bookworm minbase and Node from the npm registry as local images, made once and kept. */
export function prepareLocalBase(options?: { engine?: Engine; log?: Log }): Promise<{ base: string; nodeDist: string; seconds: number }>;
/** Builds containers/Dockerfile; `base` "local" (podman's default) uses the local base. */
export function buildRunnerImage(options?: {
  engine?: Engine;
  tag?: string;
  base?: string;
  cursor?: boolean;
  log?: Log;
}): Promise<{ engine: Engine; tag: string; seconds: number }>;
export interface ImageReport {
  /** Bytes. */
  size: number;
  /** Newest first. */
  layers: { size: number; createdBy: string }[];
}
export function imageReport(engine: Engine, tag: string): ImageReport;
export function formatSize(bytes: number): string;
export function formatReport(report: ImageReport): string;
