/** Where a result was measured: the machine, Node, PostgreSQL and the commit of the working tree. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { PROJECT_ROOT } from '../src/config.js';

export function machineInfo(postgresVersion: string): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    postgres: postgresVersion.split(' on ')[0] ?? postgresVersion,
  };
}

/**
 * HEAD and whether the tree has uncommitted changes that could change a measurement: the
 * results themselves and the prose (README) do not count (read-only git commands).
 */
export function gitInfo(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  try {
    return {
      commit: git('rev-parse', 'HEAD'),
      dirty: git('status', '--porcelain', '--', '.', ':(exclude)bench/results', ':(exclude)*.md').length > 0,
    };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}
