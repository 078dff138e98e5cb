/**
 * Writes the results: bench/results/latest.json, a dated copy (<YYYY-MM-DD>.json for a full
 * run, <YYYY-MM-DD>-quick.json for a quick one, so a quick run never replaces the day's full
 * result; UTC; a second run of the same mode on the same day replaces it), latest.md and
 * latest.svg. Returns the paths.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { renderMarkdown } from './markdown.js';
import type { BenchResults } from './results.js';
import { renderDepthChart } from './svg.js';

const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');

export function writeResults(results: BenchResults): {
  json: string;
  dated: string;
  markdown: string;
  svg: string;
  text: string;
} {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = JSON.stringify(results, null, 2) + '\n';
  const paths = {
    json: path.join(RESULTS_DIR, 'latest.json'),
    dated: path.join(
      RESULTS_DIR,
      `${results.generatedAt.slice(0, 10)}${results.options.mode === 'quick' ? '-quick' : ''}.json`,
    ),
    markdown: path.join(RESULTS_DIR, 'latest.md'),
    svg: path.join(RESULTS_DIR, 'latest.svg'),
  };
  writeFileSync(paths.json, json);
  writeFileSync(paths.dated, json);
  const text = renderMarkdown(results);
  writeFileSync(paths.markdown, text);
  const { series, depths } = results.depthChart;
  writeFileSync(
    paths.svg,
    renderDepthChart(
      `p50 latency by page depth (${results.options.mode}, deepest ${Math.max(...depths).toLocaleString('en-US')} rows, 1 connection)`,
      [
        { label: 'gateway', color: '#1f77b4', points: series.gateway },
        { label: 'floor (node:http + pg)', color: '#2ca02c', points: series.pgFloor },
        { label: 'seed-style (offset)', color: '#d62728', points: series.seedStyle },
      ],
    ),
  );
  return { ...paths, text };
}
