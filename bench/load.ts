/**
 * One load run with autocannon: a closed loop of `connections` keep-alive connections for
 * `seconds`, POSTing JSON bodies taken in turn from `bodies` (rotating across all
 * connections), on loopback.
 *
 * Contract:
 * - requests/s is the 2xx responses over autocannon's measured duration;
 * - p50/p99 are computed from every response's own duration (float ms, from autocannon's
 *   'response' events), because autocannon's histogram truncates to whole milliseconds,
 *   too coarse for pages that take 2-4 ms; autocannon's own figures are kept beside them;
 * - every response body is checked (`verify`, cheap: a GraphQL answer with data and no
 *   errors); any error, timeout, non-2xx or failed check makes the run throw with the first
 *   offending body, so a broken scenario can never be reported as fast.
 */
import autocannon from 'autocannon';
import { cpuSnapshot, otherCpuPercent } from './cpu-share.js';

export interface LoadSpec {
  /** Full URL of the endpoint. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly seconds: number;
  readonly verify: (body: string) => boolean;
}

export interface LoadResult {
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Percent of the machine's CPU used by processes outside the benchmark during the run (null off Linux). */
  readonly otherCpuPercent: number | null;
  /** autocannon's own figures (latency in whole ms), for reference. */
  readonly autocannon: { readonly requestsPerSecondAverage: number; readonly p50Ms: number; readonly p99Ms: number };
}

export class LoadFailure extends Error {
  override readonly name = 'LoadFailure';
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.bodies.length === 0) throw new Error('runLoad: no request bodies');
  let next = 0;
  const latencies: number[] = [];
  let firstBadBody: string | undefined;
  let badBodies = 0;
  const cpuAtStart = cpuSnapshot();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.seconds,
        // One request per connection at a time: latency is the service time plus queueing.
        pipelining: 1,
        timeout: 30,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...spec.headers },
        requests: [{ setupRequest: (request) => ({ ...request, body: spec.bodies[next++ % spec.bodies.length] }) }],
        verifyBody: (body) => {
          const ok = spec.verify(body);
          if (!ok) {
            badBodies++;
            firstBadBody ??= body;
          }
          return ok;
        },
      },
      (error, outcome) => (error ? reject(error) : resolve(outcome)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    });
  });

  const otherCpu = otherCpuPercent(cpuAtStart, cpuSnapshot());
  const failures = result.errors + result.timeouts + result.non2xx + result.mismatches;
  if (failures > 0 || badBodies > 0) {
    throw new LoadFailure(
      `${spec.url} (${spec.connections} connections): ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ` +
        `${result.mismatches} answers failing the check, of ${result.requests.total}` +
        (firstBadBody === undefined ? '' : `; first failing body: ${firstBadBody.slice(0, 2000)}`),
    );
  }
  const ok = result['2xx'];
  if (ok === 0) throw new LoadFailure(`${spec.url}: no response at all in ${spec.seconds} s`);
  const sorted = Float64Array.from(latencies).sort();
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return {
    connections: spec.connections,
    seconds: result.duration,
    requests: ok,
    requestsPerSecond: ok / result.duration,
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
    meanMs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    otherCpuPercent: otherCpu ?? null,
    autocannon: {
      requestsPerSecondAverage: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
    },
  };
}
