/**
 * How much of the machine something other than the benchmark used during a run: the
 * system's busy CPU time (/proc/stat) minus the CPU time of the harness's own process tree
 * (itself, the server under test, the PostgreSQL cluster and its backends), as a share of
 * the machine's capacity over the run. Near 0 on a quiet machine; a high value marks a run
 * whose numbers are depressed by other work (tests, builds) sharing the cores.
 *
 * Tree CPU is utime + stime + cutime + cstime of every live descendant: a process that exits
 * during the run moves its time into its parent's cutime when reaped, so the difference of
 * two snapshots still counts it. Linux only; elsewhere the share is undefined.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface CpuSnapshot {
  readonly at: number;
  /** Busy jiffies of the whole machine. */
  readonly busy: number;
  /** Jiffies of the harness's process tree. */
  readonly tree: number;
}

const JIFFIES_PER_SECOND = 100;

export function cpuSnapshot(): CpuSnapshot | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const values = fields.map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    // guest and guest_nice are already counted in user and nice.
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    return { at: performance.now(), busy: total - idle, tree: treeJiffies(process.pid) };
  } catch {
    return undefined;
  }
}

/** Percent of the machine's CPU capacity used outside the harness's tree between two snapshots. */
export function otherCpuPercent(start: CpuSnapshot | undefined, end: CpuSnapshot | undefined): number | undefined {
  if (!start || !end) return undefined;
  const capacity = ((end.at - start.at) / 1000) * JIFFIES_PER_SECOND * os.cpus().length;
  if (capacity <= 0) return undefined;
  const other = end.busy - start.busy - (end.tree - start.tree);
  return Math.max(0, Math.round((other / capacity) * 1000) / 10);
}

function treeJiffies(root: number): number {
  const stats = new Map<number, { ppid: number; jiffies: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces.
      const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const [ppid, utime, stime, cutime, cstime] = [rest[1], rest[11], rest[12], rest[13], rest[14]].map(Number);
      stats.set(Number(entry), { ppid: ppid, jiffies: utime + stime + cutime + cstime });
    } catch {
      // The process exited while we read: its time is now in its parent's cutime.
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    total += stats.get(pid)?.jiffies ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}
