/** The results as markdown tables (bench/results/latest.md, also printed at the end of a run). */
import type { WorkloadResult } from '../measure.js';
import { DISAGREEMENT } from '../paired.js';
import type { BenchResults, Implementation } from './results.js';

const LABELS: Record<Implementation, string> = {
  gateway: 'gateway',
  pgFloor: 'floor: node:http + pg',
  postgraphile: 'PostGraphile 5 (single store)',
  seedStyle: 'seed-style design',
};

/** Above this share of the CPU used by other processes, a run's numbers are flagged. */
const BUSY_PERCENT = 10;

const f = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const n = (value: number) => Math.round(value).toLocaleString('en-US');

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function runRows(implementation: Implementation, results: readonly WorkloadResult[]): string[][] {
  return results.flatMap((result) =>
    result.runs.map((run) => {
      const chosen = result.selected[String(run.connections)] === run;
      return [
        LABELS[implementation],
        result.title,
        String(run.connections),
        `${run.run}${chosen ? ' ✓' : ''}`,
        n(run.requestsPerSecond),
        f(run.p50Ms),
        f(run.p99Ms),
        n(run.requests),
        run.otherCpuPercent === null ? '–' : f(run.otherCpuPercent, 0),
      ];
    }),
  );
}

/** Statements run at most once per ten requests (periodic work, or one page in ten). */
function occasional(result: WorkloadResult): string {
  const s = result.statements;
  if (!s) return '';
  return s.byStatement
    .filter((entry) => entry.calls * 10 <= s.requests)
    .map(
      (entry) => `${entry.store}: ${entry.calls}× \`${entry.query.slice(0, 70)}${entry.query.length > 70 ? '…' : ''}\``,
    )
    .join('; ');
}

function allRuns(results: BenchResults) {
  return [results.gateway, ...Object.values(results.peers)].flatMap((list) => list.flatMap((r) => r.runs));
}

const median = (values: readonly number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Scenarios 6 and 7: each side's req/s (median over the paired rounds), the ratio and its spread, the statements. */
function nestedSection(results: BenchResults): string[] {
  const lines: string[] = [];
  lines.push('## The feed and the sidebar: the gateway against each peer, paired (10 connections)');
  lines.push('');
  lines.push(
    "Scenarios 6 and 7, both servers running, measured back to back in alternating rounds; req/s is each side's median over the rounds, the ratio the median of the rounds' ratios.",
  );
  lines.push('');
  const rows: string[][] = [];
  for (const page of ['feed', 'sidebar'] as const) {
    for (const peer of ['postgraphile', 'pgFloor'] as const) {
      const pair = results.nestedPairs?.[page]?.[peer];
      if (!pair) {
        rows.push([page, LABELS[peer], '–', '–', 'not measured', '', '', '**missing**']);
        continue;
      }
      rows.push([
        page,
        LABELS[peer],
        n(median(pair.rounds.map((r) => r.gateway.requestsPerSecond))),
        n(median(pair.rounds.map((r) => r.peer.requestsPerSecond))),
        f(pair.median, 3),
        `${f(pair.min, 3)} – ${f(pair.max, 3)}`,
        `${f(pair.spread * 100, 0)}%`,
        pair.disagrees ? '**rounds disagree**' : '',
      ]);
    }
  }
  lines.push(
    table(
      ['page', 'peer', 'gateway req/s', 'peer req/s', 'ratio (gateway / peer)', 'min – max', 'spread', 'flag'],
      rows,
    ),
  );
  lines.push('');
  const s = results.statements;
  lines.push(
    `Gateway statements per request: the feed ${f(s.feed.hot, 3)} hot + ${f(s.feed.cold, 3)} cold = ${f(s.feed.total, 3)}; ` +
      `the sidebar ${f(s.sidebar.hot, 3)} hot + ${f(s.sidebar.cold, 3)} cold = ${f(s.sidebar.total, 3)} (every implementation's, statement by statement, below).`,
  );
  lines.push('');
  return lines;
}

export function renderMarkdown(results: BenchResults): string {
  const { options, dataset } = results;
  const all: [Implementation, readonly WorkloadResult[]][] = [
    ['gateway', results.gateway],
    ['pgFloor', results.peers.pgFloor],
    ['postgraphile', results.peers.postgraphile],
    ['seedStyle', results.peers.seedStyle],
  ];
  const lines: string[] = [];
  lines.push(`# Benchmark results (${options.mode}, scale ${options.scale})`);
  lines.push('');
  lines.push(
    `${results.generatedAt}, commit ${results.git.commit.slice(0, 12)}${results.git.dirty ? ' (with uncommitted changes)' : ''}; ` +
      `${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGb} GB, Node ${results.machine.node}, ${results.machine.postgres}; ` +
      `whole run ${f(results.wallSeconds / 60, 1)} min.`,
  );
  lines.push('');
  lines.push(
    `Data set (generated in ${f(dataset.generationSeconds, 1)} s): ${dataset.summary}. ` +
      `Runs of ${options.seconds} s after a ${options.warmupSeconds} s warm-up, each ${options.runs === 2 ? 'twice' : `${options.runs} times`}; ✓ marks the selected run: ${results.selection}. ` +
      'Latencies in ms, from every response of the run.',
  );
  lines.push('');
  const others = allRuns(results).flatMap((run) => (run.otherCpuPercent === null ? [] : [run.otherCpuPercent]));
  const busiest = others.length > 0 ? Math.max(...others) : 0;
  lines.push(
    `"other CPU %" is the share of the machine's CPU that processes outside the benchmark used during a run (busiest run: ${f(busiest, 0)}%).` +
      (busiest > BUSY_PERCENT
        ? ' **Other work shared the machine during some runs: their numbers are lower and noisier than on a quiet machine.**'
        : ''),
  );
  lines.push('');
  lines.push('## Goals');
  lines.push('');
  lines.push(
    table(
      ['metric', 'goal', 'value', 'met'],
      results.goals.map((g) => [`\`${g.key}\``, g.goal, String(g.value), g.met ? 'yes' : '**no**']),
    ),
  );
  lines.push('');
  lines.push(
    table(
      ['ratio', 'definition'],
      Object.entries(results.ratioDefinitions).map(([key, text]) => [`\`${key}\``, text]),
    ),
  );
  lines.push('');
  lines.push(
    `Every ratio comes from paired rounds: both sides measured back to back, their order swapped every round; ` +
      `the median of the rounds' ratios, with their range. A ratio whose rounds disagree by more than ${f(DISAGREEMENT * 100, 0)}% of it ` +
      '(max - min over the median) is flagged: the machine was too noisy for it.',
  );
  lines.push('');
  const noisy = Object.entries(results.ratioRounds).filter(([, r]) => r?.disagrees);
  if (noisy.length > 0) {
    lines.push(
      `**Noisy run: the rounds of ${noisy.map(([key]) => `\`${key}\``).join(', ')} disagree by more than ${f(DISAGREEMENT * 100, 0)}%.**`,
    );
    lines.push('');
  }
  lines.push(
    table(
      ['ratio', 'median', 'min', 'max', 'spread', 'rounds', 'flag'],
      Object.entries(results.ratioRounds).map(([key, r]) =>
        r
          ? [
              `\`${key}\``,
              f(r.median, 3),
              f(r.min, 3),
              f(r.max, 3),
              `${f(r.spread * 100, 0)}%`,
              r.ratios.map((x) => f(x, 3)).join(', '),
              r.disagrees ? '**rounds disagree**' : '',
            ]
          : [`\`${key}\``, 'not measured', '', '', '', '', '**missing**'],
      ),
    ),
  );
  lines.push('');
  lines.push('## Gateway scenarios');
  lines.push('');
  const header = [
    'implementation',
    'scenario',
    'connections',
    'run',
    'req/s',
    'p50 ms',
    'p99 ms',
    'requests',
    'other CPU %',
  ];
  lines.push(table(header, runRows('gateway', results.gateway)));
  lines.push('');
  lines.push('## The same pages served by the peers');
  lines.push('');
  lines.push(
    table(
      header,
      all.slice(1).flatMap(([implementation, r]) => runRows(implementation, r)),
    ),
  );
  lines.push('');
  lines.push(...nestedSection(results));
  lines.push('## SQL statements per request');
  lines.push('');
  lines.push(
    `Counted by pg_stat_statements over ${options.statementRequests} sequential requests per scenario (rotating bodies); ` +
      "database ms is the planning and execution time PostgreSQL recorded for them, per request (the rest of a request's latency is spent outside the database).",
  );
  lines.push('');
  lines.push(
    table(
      [
        'implementation',
        'scenario',
        'hot',
        'cold',
        'single store',
        'total',
        'database ms/request (plan + exec)',
        'statements run at most once per 10 requests',
      ],
      all.flatMap(([implementation, r]) =>
        r.map((result) => {
          const per = result.statements?.perRequest ?? {};
          const dbMs = result.statements ? f(result.statements.databaseMsPerRequest, 2) : '–';
          return [
            LABELS[implementation],
            result.title,
            per.hot ?? '–',
            per.cold ?? '–',
            per.single ?? '–',
            result.statements?.totalPerRequest ?? '–',
            dbMs,
            occasional(result),
          ].map(String);
        }),
      ),
    ),
  );
  lines.push('');
  lines.push('## Latency by page depth (big conversation, 1 connection)');
  lines.push('');
  lines.push(`![latency by depth](latest.svg)`);
  lines.push('');
  const chart = results.depthChart;
  const cell = (points: readonly { depth: number; result: { p50Ms: number; requests: number } }[], depth: number) => {
    const point = points.find((p) => p.depth === depth);
    return point ? `${f(point.result.p50Ms)} (${n(point.result.requests)} req)` : '–';
  };
  lines.push(
    table(
      ['depth', 'first row in', 'gateway p50', 'floor p50', 'seed-style p50'],
      chart.depths.map((depth) => [
        n(depth),
        chart.series.gateway.find((p) => p.depth === depth)?.firstRowTier ?? '–',
        cell(chart.series.gateway, depth),
        cell(chart.series.pgFloor, depth),
        cell(chart.series.seedStyle, depth),
      ]),
    ),
  );
  lines.push('');
  lines.push(chart.note);
  lines.push('');
  const pair = results.deepVsFirstPagePaired;
  if (pair) {
    lines.push(`## The deep page against the first page, in alternation (1 connection)`);
    lines.push('');
    lines.push(
      `Each round: one ${pair.seconds} s run of the first page of the big conversation, then one of the page ${n(results.dataset.depth)} rows deep, back to back; ` +
        "`ratios.deepVsFirstPage` is the median of the rounds' ratios, so drift of the machine between runs falls on both sides of each.",
    );
    lines.push('');
    lines.push(
      table(
        ['round', 'first page p50 ms', 'deep page p50 ms', 'ratio'],
        [
          ...pair.rounds.map((r) => [String(r.round), f(r.first.p50Ms), f(r.second.p50Ms), f(r.ratio, 3)]),
          ['median', '', '', f(pair.medianRatio, 3)],
        ],
      ),
    );
    lines.push('');
  }
  const a = results.archival;
  lines.push(`## Archival: ${n(a.messages)} messages hot → cold (hot on PostgreSQL)`);
  lines.push('');
  lines.push(
    table(
      ['design', 'rows/s', 'seconds', 'peak RSS MB'],
      [
        [
          'floor: psql `\\copy` out of hot into cold, plus one DELETE',
          n(a.floor.rowsPerSecond),
          f(a.floor.seconds, 1),
          '–',
        ],
        [
          "the gateway's job (compiled, worker thread)",
          n(a.job.rowsPerSecond),
          f(a.job.seconds, 1),
          f(a.job.peakRssMb, 0),
        ],
        [
          `seed's row-by-row design (${n(a.seedStyle.sample)}-row sample)`,
          n(a.seedStyle.rowsPerSecond),
          `${f(a.seedStyle.extrapolatedSeconds, 0)} (extrapolated)`,
          '–',
        ],
      ],
    ),
  );
  lines.push('');
  if (results.restore.length > 0) {
    lines.push('## Restore: messages cold → hot (hot on PostgreSQL), two sizes');
    lines.push('');
    lines.push(
      table(
        [
          'messages',
          'floor rows/s (psql `\\copy` out of cold into hot, plus one DELETE)',
          'restore rows/s',
          'restore / floor (median, range of rounds)',
          'peak RSS MB',
        ],
        results.restore.map((r) => [
          n(r.messages),
          n(r.floor.rowsPerSecond),
          n(r.job.rowsPerSecond),
          `${f(r.ratio.median, 3)} (${f(r.ratio.min, 2)}-${f(r.ratio.max, 2)}${r.ratio.disagrees ? ', rounds disagree' : ''})`,
          f(r.job.peakRssMb, 0),
        ]),
      ),
    );
    lines.push('');
  }
  lines.push('## Checks and notes');
  lines.push('');
  for (const line of [...results.crossChecks, ...results.notes]) lines.push(`- ${line}`);
  lines.push('');
  return lines.join('\n');
}
