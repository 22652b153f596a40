import { humanize } from "../lib/format";

/** A task status, delivery decision or signature result as a coloured pill; the text carries the meaning, the colour repeats it. */
export function StatusBadge({ value, kind = "status" }: { value: string | null | undefined; kind?: string }) {
  const text = value ?? "unknown";
  return (
    <span className={`badge badge-${text}`} data-kind={kind} data-testid={`${kind}-badge`}>
      {humanize(text)}
    </span>
  );
}
