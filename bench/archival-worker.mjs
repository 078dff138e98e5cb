// Runs one archival run the way the gateway does (on a worker thread with its heap limit),
// from the compiled build in a plain node process, and reports the process's peak RSS.
// Spawned by bench/archival-measure.ts with the stores in STORES_JSON.
import { startInArchivalWorker } from '../dist/archival/worker.js';

const { hot, cold } = JSON.parse(process.env.STORES_JSON);
let peakRss = process.memoryUsage().rss;
const rssAtStart = peakRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const started = performance.now();
const run = await startInArchivalWorker(
  { hot, cold },
  { kind: 'archive', options: { olderThanDays: 30, dryRun: false } },
).finished;
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
console.log(
  JSON.stringify({
    messages: run.messages,
    status: run.status,
    seconds,
    peakRss,
    rssAtStart,
    maxRss: process.resourceUsage().maxRSS * 1024,
  }),
);
