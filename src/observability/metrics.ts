/**
 * The gateway's Prometheus metrics (GET /metrics), in a registry of its own per gateway: tests
 * build several gateways in one process, and nothing is registered at import time.
 *
 * Label values are bounded: store names, error codes from the one enum, loader names, and
 * operation names, of which at most MAX_OPERATION_NAMES distinct ones are kept (a client
 * chooses them; the rest count as "other").
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreName } from '../config.js';
import type { ArchivalSnapshot } from '../archival/status.js';
import type { BreakerState } from '../stores/circuit-breaker.js';
import type { StatementOutcome } from '../stores/guarded-adapter.js';

export const MAX_OPERATION_NAMES = 200;
const SNAPSHOT_TTL_MS = 1000;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface GatewayMetrics {
  readonly registry: Registry;
  observeRequest(operationName: string | null | undefined, operationType: string | undefined, seconds: number): void;
  countError(code: string): void;
  countHttpResponse(route: string, status: number): void;
  observeStatement(store: StoreName, outcome: StatementOutcome, seconds: number): void;
  setBreakerState(store: StoreName, state: BreakerState): void;
  /** A function property, not a method: the loaders receive it detached from the metrics object. */
  readonly observeBatch: (loader: string, size: number) => void;
  countArchivalRun(kind: string, status: string, rows: Readonly<Record<string, number>>): void;
  /** Read at every scrape; a failure leaves the archival gauges out of that scrape. */
  setArchivalSource(source: () => Promise<ArchivalSnapshot>): void;
  /** Live delivery (graphql-ws): sockets opened (+1) and closed (-1). */
  countSocket(delta: 1 | -1): void;
  /** Live delivery: subscriptions started (+1) and ended (-1). */
  countSubscription(delta: 1 | -1): void;
  /** From a message's createdAt to the moment its event was written to the subscriber's socket. */
  observeDeliveryLag(seconds: number): void;
  /** A subscription ended because its bounded queue overflowed (SLOW_CONSUMER). */
  countDroppedSlowConsumer(): void;
  /** One statement of the live message feed, and the rows it returned. */
  countFeedPoll(rows: number): void;
}

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gateway_process_' });
  const registers = [registry];

  const requestDuration = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'GraphQL requests by operation name and type, from parsing to the response.',
    labelNames: ['operation', 'type'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const errors = new Counter({
    name: 'gateway_graphql_errors_total',
    help: 'Errors sent to clients, by extensions.code.',
    labelNames: ['code'],
    registers,
  });
  const httpResponses = new Counter({
    name: 'gateway_http_responses_total',
    help: 'HTTP responses by route and status.',
    labelNames: ['route', 'status'],
    registers,
  });
  const statements = new Counter({
    name: 'gateway_store_statements_total',
    help: 'SQL statements per store: ok, error (refused by the store), unavailable (unreachable or timed out), rejected (breaker open).',
    labelNames: ['store', 'outcome'],
    registers,
  });
  const statementDuration = new Histogram({
    name: 'gateway_store_statement_duration_seconds',
    help: 'SQL statement latency per store, waiting for a pooled connection included.',
    labelNames: ['store'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const breaker = new Gauge({
    name: 'gateway_store_breaker_state',
    help: 'Circuit breaker per store: 0 closed, 1 half-open, 2 open.',
    labelNames: ['store'],
    registers,
  });
  breaker.set({ store: 'hot' }, 0);
  breaker.set({ store: 'cold' }, 0);
  const batchSize = new Histogram({
    name: 'gateway_dataloader_batch_size',
    help: 'Keys per DataLoader batch (one statement per store each).',
    labelNames: ['loader'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers,
  });
  const archivalRuns = new Counter({
    name: 'gateway_archival_runs_total',
    help: 'Archival runs and restores finished by this process.',
    labelNames: ['kind', 'status'],
    registers,
  });
  const rowsMoved = new Counter({
    name: 'gateway_archival_rows_moved_total',
    help: 'Rows moved by archival runs and restores of this process, per dataset.',
    labelNames: ['kind', 'dataset'],
    registers,
  });

  const sockets = new Gauge({
    name: 'gateway_live_open_sockets',
    help: 'GraphQL-over-WebSocket connections open on this process.',
    registers,
  });
  const subscriptions = new Gauge({
    name: 'gateway_live_active_subscriptions',
    help: 'Subscriptions (messageAdded) active on this process.',
    registers,
  });
  const deliveryLag = new Histogram({
    name: 'gateway_live_delivery_lag_seconds',
    help: "From a live message's createdAt to its event written to a subscriber's socket.",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
    registers,
  });
  const droppedSlowConsumers = new Counter({
    name: 'gateway_live_dropped_slow_consumers_total',
    help: 'Subscriptions ended with SLOW_CONSUMER: their bounded queue overflowed.',
    registers,
  });
  const feedPolls = new Counter({
    name: 'gateway_live_feed_statements_total',
    help: 'Statements of the live message feed on the hot store (one per interval for all watched conversations).',
    registers,
  });
  const feedRows = new Counter({
    name: 'gateway_live_feed_rows_total',
    help: 'New messages the live feed read from the hot store.',
    registers,
  });

  let archivalSource: (() => Promise<ArchivalSnapshot>) | undefined;
  let snapshot: { readonly at: number; readonly value: Promise<ArchivalSnapshot | undefined> } | undefined;
  // The three archival gauges share one read per scrape (and per second, whoever scrapes).
  const readSnapshot = () => {
    if (!snapshot || performance.now() - snapshot.at > SNAPSHOT_TTL_MS) {
      snapshot = {
        at: performance.now(),
        value: archivalSource ? archivalSource().catch(() => undefined) : Promise.resolve(undefined),
      };
    }
    return snapshot.value;
  };
  new Gauge({
    name: 'gateway_archival_last_success_timestamp_seconds',
    help: 'When the last successful archival run (any process) finished.',
    registers,
    async collect() {
      const value = (await readSnapshot())?.lastSuccessAt;
      if (value) this.set(value.getTime() / 1000);
      else this.reset();
    },
  });
  new Gauge({
    name: 'gateway_archival_last_duration_seconds',
    help: 'Duration of the last finished archival run (any process, any status).',
    registers,
    async collect() {
      const value = (await readSnapshot())?.lastDurationSeconds;
      if (value != null) this.set(value);
      else this.reset();
    },
  });
  new Gauge({
    name: 'gateway_archival_oldest_hot_row_past_cutoff_seconds',
    help: 'Per dataset, how far the oldest row still in the hot store is past the archival cutoff (0: archival is keeping up).',
    labelNames: ['dataset'],
    registers,
    async collect() {
      const value = (await readSnapshot())?.oldestPastCutoffSeconds;
      this.reset();
      for (const [dataset, seconds] of Object.entries(value ?? {})) this.set({ dataset }, seconds);
    },
  });

  const operations = new Set<string>();
  const operationLabel = (name: string | null | undefined) => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (operations.has(name)) return name;
    if (operations.size >= MAX_OPERATION_NAMES) return 'other';
    operations.add(name);
    return name;
  };

  return {
    registry,
    observeRequest: (name, type, seconds) =>
      requestDuration.observe({ operation: operationLabel(name), type: type ?? 'none' }, seconds),
    countError: (code) => errors.inc({ code }),
    countHttpResponse: (route, status) => httpResponses.inc({ route, status: String(status) }),
    observeStatement(store, outcome, seconds) {
      statements.inc({ store, outcome });
      if (outcome === 'ok' || outcome === 'error') statementDuration.observe({ store }, seconds);
    },
    setBreakerState: (store, state) => breaker.set({ store }, BREAKER_VALUE[state]),
    observeBatch: (loader, size) => batchSize.observe({ loader }, size),
    countArchivalRun(kind, status, rows) {
      // A run this process saw end must show in the gauges of the next scrape, as in its
      // counters: a snapshot read before the end (up to SNAPSHOT_TTL_MS old) would still
      // name the previous success.
      snapshot = undefined;
      archivalRuns.inc({ kind, status });
      for (const [dataset, count] of Object.entries(rows)) if (count > 0) rowsMoved.inc({ kind, dataset }, count);
    },
    setArchivalSource(source) {
      archivalSource = source;
    },
    countSocket: (delta) => sockets.inc(delta),
    countSubscription: (delta) => subscriptions.inc(delta),
    observeDeliveryLag: (seconds) => deliveryLag.observe(Math.max(0, seconds)),
    countDroppedSlowConsumer: () => droppedSlowConsumers.inc(),
    countFeedPoll(rows) {
      feedPolls.inc();
      if (rows > 0) feedRows.inc(rows);
    },
  };
}
