/**
 * The depth chart as a hand-written SVG (no dependency): p50 latency against page depth in
 * the big conversation, one line per implementation, both axes logarithmic (the seed-style
 * design's offset scans grow by orders of magnitude). Depth 0, the first page, which a log
 * axis cannot place, sits one decade left of the smallest other depth, labelled "0".
 */
import type { DepthPoint } from './results.js';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly points: readonly DepthPoint[];
}

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 200, top: 40, bottom: 60 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderDepthChart(title: string, series: readonly ChartSeries[]): string {
  const depths = [...new Set(series.flatMap((s) => s.points.map((p) => p.depth)))].sort((a, b) => a - b);
  const positive = depths.filter((d) => d > 0);
  const zeroAt = positive.length > 0 ? Math.log10(positive[0]) - 1 : 0;
  const xValue = (depth: number) => (depth > 0 ? Math.log10(depth) : zeroAt);
  const xs = depths.map(xValue);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];

  const latencies = series.flatMap((s) => s.points.map((p) => p.result.p50Ms)).filter((v) => v > 0);
  const yMin = Math.floor(Math.log10(Math.min(...latencies)));
  const yMax = Math.max(yMin + 1, Math.ceil(Math.log10(Math.max(...latencies))));

  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const py = (ms: number) => MARGIN.top + plotH - ((Math.log10(ms) - yMin) / (yMax - yMin)) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  parts.push(`<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`);

  // Y grid and labels: 1, 2, 5 × each decade.
  for (let decade = yMin; decade <= yMax; decade++) {
    for (const m of [1, 2, 5]) {
      const ms = m * 10 ** decade;
      if (Math.log10(ms) > yMax + 1e-9) continue;
      const y = py(ms).toFixed(1);
      parts.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`,
      );
      parts.push(
        `<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${ms >= 1 ? ms.toLocaleString('en-US') : ms.toFixed(Math.max(0, -decade))}</text>`,
      );
    }
  }
  // X ticks at every measured depth.
  for (const depth of depths) {
    const x = px(xValue(depth)).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    parts.push(
      `<text x="${x}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${depth === 0 ? '0' : depth.toLocaleString('en-US')}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
  );
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 15}" text-anchor="middle">page depth (rows from the newest message, log scale)</text>`,
  );
  parts.push(
    `<text x="18" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + plotH / 2})">p50 latency, ms (log scale)</text>`,
  );

  series.forEach((s, i) => {
    const points = [...s.points].sort((a, b) => a.depth - b.depth).filter((p) => p.result.p50Ms > 0);
    const path = points.map((p) => `${px(xValue(p.depth)).toFixed(1)},${py(p.result.p50Ms).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2.5"/>`);
    for (const p of points) {
      parts.push(
        `<circle cx="${px(xValue(p.depth)).toFixed(1)}" cy="${py(p.result.p50Ms).toFixed(1)}" r="4" fill="${s.color}"><title>${escape(`${s.label}: ${p.result.p50Ms.toFixed(2)} ms at depth ${p.depth}`)}</title></circle>`,
      );
    }
    const ly = MARGIN.top + 10 + i * 22;
    const lx = MARGIN.left + plotW + 16;
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"/>`);
    parts.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escape(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
