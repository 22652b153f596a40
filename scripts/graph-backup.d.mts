// Types for graph-backup.mjs, for the Node tests.
export interface TableSpec {
  kind: "entity" | "edge" | "identity" | "event";
  table: string;
  columns: Record<string, string>;
  json: string[];
  key: string[];
}
export type Line = { kind: string } & Record<string, unknown>;
export interface GraphDatabase {
  all(sql: string): Promise<Record<string, unknown>[]>;
  run(statements: string[]): Promise<void>;
  close(): Promise<void>;
}
export const FORMAT: string;
export const VERSION: number;
export const TABLES: TableSpec[];
export const CLEAR_STATEMENTS: string[];
export function literal(value: unknown): string;
export function rowToLine(spec: TableSpec, row: Record<string, unknown>): Line;
export function lineToRow(line: Line): { spec: TableSpec; row: Record<string, unknown> };
export function exportLines(db: GraphDatabase): AsyncGenerator<Line>;
export function countRows(db: GraphDatabase): Promise<number>;
export function insertStatements(lines: Line[]): string[];
export function parseLines(text: string): Line[];
export function openLocal(options?: { config?: string; persistTo?: string }): Promise<GraphDatabase>;
export function openRemote(options?: { config?: string }): GraphDatabase;
export function openDatabase(options: { remote?: boolean; config?: string; persistTo?: string }): Promise<GraphDatabase> | GraphDatabase;
