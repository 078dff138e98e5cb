/**
 * Wraps a real driver adapter factory and records every statement the Prisma client sends
 * through it: the statement counts that tests assert per request.
 */
import type { SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

export interface CountingAdapter {
  readonly factory: SqlDriverAdapterFactory;
  /** SQL of every statement since the last reset, in order. */
  readonly statements: string[];
  reset(): void;
}

export function countingAdapter(inner: SqlDriverAdapterFactory): CountingAdapter {
  const statements: string[] = [];
  const record = <T extends { queryRaw(q: SqlQuery): Promise<unknown>; executeRaw(q: SqlQuery): Promise<number> }>(
    target: T,
  ): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (property === 'queryRaw' || property === 'executeRaw') {
          return (query: SqlQuery) => {
            statements.push(query.sql);
            return (value as (q: SqlQuery) => Promise<unknown>).call(object, query);
          };
        }
        if (property === 'startTransaction') {
          return async (...args: unknown[]) =>
            record(await (value as (...a: unknown[]) => Promise<Transaction>).apply(object, args));
        }
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  const factory: SqlDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => record(await inner.connect()),
  };
  return { factory, statements, reset: () => void statements.splice(0) };
}
