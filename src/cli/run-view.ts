/**
 * How `npm run archive` shows a run: on a terminal, one line redrawn in place with a bar, the
 * rows committed, rows per second and an ETA; elsewhere (cron, CI, a pipe), a plain line each
 * time the numbers change, so that a log shows the run's course.
 */
export interface RunState {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly cutoff: string;
  readonly restoreTo: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly messages: number;
  readonly posts: number;
  readonly comments: number;
  readonly likes: number;
  readonly stockPrices: number;
  readonly rowsPerSecond: number | null;
  readonly rowsToMove: number | null;
  readonly cancelRequested: boolean;
  readonly error: string | null;
}

export const RUN_FIELDS =
  'id kind status dryRun cutoff restoreTo startedAt finishedAt messages posts comments likes stockPrices rowsPerSecond rowsToMove cancelRequested error';

const BAR_WIDTH = 30;

export interface RunView {
  show(run: RunState): void;
  /** A line of its own (reconnecting, the outcome), below the bar on a terminal. */
  note(line: string): void;
}

export function runView(out: NodeJS.WriteStream): RunView {
  const tty = out.isTTY === true;
  let lastPlain = '';
  let barShown = false;
  const started = Date.now();
  return {
    show(run) {
      if (tty) {
        out.write(`\r\x1b[K${bar(run)} ${summary(run)}`);
        barShown = true;
        return;
      }
      const line = summary(run);
      if (line === lastPlain) return;
      lastPlain = line;
      out.write(`  ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s  ${run.status}  ${line}\n`);
    },
    note(line) {
      if (tty && barShown) out.write('\n');
      barShown = false;
      out.write(`${line}\n`);
    },
  };
}

export function rowsDone(run: RunState): number {
  return run.messages + run.posts + run.comments + run.likes + run.stockPrices;
}

function bar(run: RunState): string {
  const fraction = run.rowsToMove ? Math.min(1, rowsDone(run) / run.rowsToMove) : run.status === 'RUNNING' ? 0 : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}

/** Rows, rate, ETA and the per-dataset counts. */
export function summary(run: RunState): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const done = rowsDone(run);
  const total = run.rowsToMove === null ? '' : `/${n(run.rowsToMove)}`;
  const rate = run.rowsPerSecond === null ? '- rows/s' : `${n(Math.round(run.rowsPerSecond))} rows/s`;
  const eta = run.status === 'RUNNING' ? `, ETA ${etaOf(run)}` : '';
  return `${n(done)}${total} rows, ${rate}${eta} (messages ${n(run.messages)}, posts ${n(run.posts)}, comments ${n(run.comments)}, likes ${n(run.likes)}, stock prices ${n(run.stockPrices)})`;
}

function etaOf(run: RunState): string {
  const left = (run.rowsToMove ?? 0) - rowsDone(run);
  if (run.rowsToMove === null || !run.rowsPerSecond) return '?';
  if (left <= 0) return 'any moment';
  const seconds = Math.ceil(left / run.rowsPerSecond);
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
