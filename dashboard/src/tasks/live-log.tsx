// The task's log, streamed: the backlog, then each new line as the agent writes
// it. It follows the end while the reader is at the bottom; scrolling up pauses
// that, and "Jump to latest" resumes it.
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { TaskLogEntry, TaskState } from "../../../core/task-types";
import { useApi } from "../auth/session";
import { formatClock } from "../lib/format";
import { LiveLogConnection, type LiveStatus, type SocketLike } from "./live-log-connection";

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK_PX = 24;

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
};

const LogLine = memo(function LogLine({ entry }: { entry: TaskLogEntry }) {
  return (
    <div className={`log-line log-${entry.level}`} data-seq={entry.seq} data-testid="log-line">
      <time className="log-time" dateTime={new Date(entry.at).toISOString()}>
        {formatClock(entry.at)}
      </time>
      <span className="log-type">{entry.type}</span>
      <span className="log-message">{entry.message}</span>
    </div>
  );
});

/** Lines render in blocks of this many; a new line re-renders only the last block, not the whole log. */
const BLOCK_SIZE = 100;

const LogBlock = memo(function LogBlock({ entries }: { entries: TaskLogEntry[] }) {
  return (
    <>
      {entries.map((entry) => (
        <LogLine key={entry.seq} entry={entry} />
      ))}
    </>
  );
});

/** Appends to the last block (a copy) and opens new ones as needed; full blocks keep their identity. */
export function appendToBlocks(blocks: TaskLogEntry[][], arrived: TaskLogEntry[]): TaskLogEntry[][] {
  const next = blocks.slice(0, -1);
  let last = blocks.length && blocks[blocks.length - 1]!.length < BLOCK_SIZE ? [...blocks[blocks.length - 1]!] : null;
  if (!last && blocks.length) next.push(blocks[blocks.length - 1]!);
  for (const entry of arrived) {
    if (!last || last.length === BLOCK_SIZE) {
      if (last) next.push(last);
      last = [];
    }
    last.push(entry);
  }
  if (last) next.push(last);
  return next;
}

export interface LiveLogProps {
  taskId: string;
  onState?: (state: TaskState) => void;
  /** Tests pass a fake socket factory. */
  createSocket?: (url: string) => SocketLike;
}

/** Memoized: the task page re-renders on every state update, which leaves the log alone. */
export const LiveLog = memo(function LiveLog({ taskId, onState, createSocket }: LiveLogProps) {
  const api = useApi();
  const [blocks, setBlocks] = useState<TaskLogEntry[][]>([]);
  const count = blocks.reduce((sum, block) => sum + block.length, 0);
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [following, setFollowing] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const followingRef = useRef(true);
  followingRef.current = following;
  const logRef = useRef<HTMLDivElement>(null);
  const onStateRef = useRef(onState);
  onStateRef.current = onState;

  useEffect(() => {
    setBlocks([]);
    const connection = new LiveLogConnection({
      url: (after) => api.liveUrl(taskId, after),
      onEntries: (arrived) => {
        setBlocks((current) => appendToBlocks(current, arrived));
        if (!followingRef.current) setUnseen((n) => n + arrived.length);
      },
      onState: (state) => onStateRef.current?.(state),
      onStatus: (next) => setStatus(next),
      // A socket that never opens may be a token that expired: a 401 from the session check signs out.
      onRepeatedFailure: () => void api.session().catch(() => undefined),
      createSocket,
    });
    connection.start();
    return () => connection.stop();
  }, [api, taskId, createSocket]);

  useLayoutEffect(() => {
    const element = logRef.current;
    if (element && followingRef.current) element.scrollTop = element.scrollHeight;
  }, [blocks]);

  const onScroll = useCallback(() => {
    const element = logRef.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
    setFollowing(atBottom);
    if (atBottom) setUnseen(0);
  }, []);

  const jumpToLatest = () => {
    const element = logRef.current;
    setFollowing(true);
    setUnseen(0);
    if (element) {
      element.scrollTop = element.scrollHeight;
      element.focus();
    }
  };

  return (
    <section className="live-log" aria-labelledby="live-log-title">
      <div className="live-log-header">
        <h2 id="live-log-title">Log</h2>
        <span className={`live-status live-${status}`} role="status" data-testid="live-status">
          {STATUS_TEXT[status]}
        </span>
        <span className="muted small">
          {count} line{count === 1 ? "" : "s"}
        </span>
      </div>
      <div className="log-frame">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so the keyboard can scroll it */}
        <div ref={logRef} className="log" role="log" aria-label="Task log" tabIndex={0} onScroll={onScroll} data-testid="live-log">
          {count === 0 ? <p className="muted log-empty">{status === "open" ? "No log lines yet." : "Waiting for the log…"}</p> : null}
          {blocks.map((block) => (
            <LogBlock key={block[0]!.seq} entries={block} />
          ))}
        </div>
        {!following && (
          <button type="button" className="button button-small jump-latest" onClick={jumpToLatest}>
            Jump to latest{unseen ? ` (${unseen} new)` : ""}
          </button>
        )}
      </div>
    </section>
  );
});
