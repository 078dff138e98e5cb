/**
 * Wraps a real driver adapter factory and records every statement the Prisma client sends
 * through it: the statement counts that tests assert per request, and when each started and
 * finished on one clock shared by every counting adapter, so that a test can tell statements
 * that overlapped (one round trip) from statements that waited for each other.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

export interface CountingAdapter {
  readonly factory: SqlDriverAdapterFactory;
  /** SQL of every statement since the last reset, in order. */
  readonly statements: string[];
  /** The same statements, each with its start and end on the shared clock (end unset while running). */
  readonly timeline: TimedStatement[];
  reset(): void;
}

export interface TimedStatement {
  readonly sql: string;
  readonly start: number;
  end?: number;
}

/** Ticks once per start and per end of any recorded statement. */
let clock = 0;

/** Whether two statements were in flight at the same time. */
export function overlapped(a: TimedStatement, b: TimedStatement): boolean {
  return a.start < (b.end ?? Infinity) && b.start < (a.end ?? Infinity);
}

export function countingAdapter(inner: SqlDriverAdapterFactory): CountingAdapter {
  const statements: string[] = [];
  const timeline: TimedStatement[] = [];
  const record = <T extends { queryRaw(q: SqlQuery): Promise<unknown>; executeRaw(q: SqlQuery): Promise<number> }>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (property === 'queryRaw' || property === 'executeRaw') {
          return (query: SqlQuery) => {
            statements.push(query.sql);
            const timed: TimedStatement = { sql: query.sql, start: clock++ };
            timeline.push(timed);
            return (value as (q: SqlQuery) => Promise<unknown>).call(object, query).finally(() => {
              timed.end = clock++;
            });
          };
        }
        if (property === 'startTransaction') {
          return async (...args: unknown[]) => record((await (value as (...a: unknown[]) => Promise<Transaction>).apply(object, args)) as Transaction);
        }
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  const factory: SqlDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => record((await inner.connect()) as SqlDriverAdapter),
  };
  const reset = () => {
    statements.splice(0);
    timeline.splice(0);
  };
  return { factory, statements, timeline, reset };
}
