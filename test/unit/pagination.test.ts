import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { pageRequest } from '../../src/graphql/pagination/args.js';
import { connectionFromRows } from '../../src/graphql/pagination/connection.js';
import { cursorInstant, decodeCursor, encodeCursor, isCursorDay } from '../../src/graphql/pagination/cursor.js';

function codeOf(fn: () => unknown): { code: unknown; argumentName: unknown } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { code, argumentName } = (error as GraphQLError).extensions;
    return { code, argumentName };
  }
  throw new Error('expected an error');
}

describe('pageRequest', () => {
  it('pages forward 20 rows by default', () => {
    expect(pageRequest({})).toEqual({ direction: 'forward', size: 20, cursor: undefined, cursorArgument: 'after' });
    expect(pageRequest({ first: 0 })).toMatchObject({ direction: 'forward', size: 0 });
    expect(pageRequest({ last: 5, before: 'c' })).toEqual({
      direction: 'backward',
      size: 5,
      cursor: 'c',
      cursorArgument: 'before',
    });
    expect(pageRequest({ before: 'c' })).toMatchObject({ direction: 'backward', size: 20 });
  });

  it('rejects bad sizes and mixed directions, naming the argument', () => {
    expect(codeOf(() => pageRequest({ first: -1 }))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'first' });
    expect(codeOf(() => pageRequest({ last: 101 }))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'last' });
    expect(codeOf(() => pageRequest({ first: 1, last: 1 }))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'last' });
    expect(codeOf(() => pageRequest({ first: 1, before: 'c' }))).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'before',
    });
    expect(codeOf(() => pageRequest({ last: 1, after: 'c' }))).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'after',
    });
  });
});

describe('cursors', () => {
  it('round-trip the sort key and id of their ordering', () => {
    const cursor = encodeCursor('stocks:symbol', ['2330', 7]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'stocks:symbol', ['string', 'number'], 'after')).toEqual(['2330', 7]);
  });

  it('refuse malformed, foreign and tampered cursors with INVALID_CURSOR', () => {
    const foreign = encodeCursor('users:username', ['alice', 1]);
    const wrongShape = encodeCursor('stocks:symbol', [7, '2330']);
    const oldVersion = Buffer.from(JSON.stringify([0, 'stocks:symbol', ['a', 1]])).toString('base64url');
    for (const bad of ['', '!!!', 'bm90IGpzb24', foreign, wrongShape, oldVersion, 'a'.repeat(2000)]) {
      expect(codeOf(() => decodeCursor(bad, 'stocks:symbol', ['string', 'number'], 'after'))).toEqual({
        code: 'INVALID_CURSOR',
        argumentName: 'after',
      });
    }
  });
});

describe('connectionFromRows', () => {
  const rows = [1, 2, 3].map((id) => ({ id }));
  const build = (page: ReturnType<typeof pageRequest>, input = rows) =>
    connectionFromRows(
      input,
      page,
      (row) => `c${row.id}`,
      (row) => row.id,
      async () => 99,
    );

  it('uses the extra row only to report another page', () => {
    const page = build(pageRequest({ first: 2 }));
    expect(page.edges.map((edge) => edge.node)).toEqual([1, 2]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c2' });
  });

  it('puts backward rows back in connection order', () => {
    const page = build(pageRequest({ last: 2 }), [{ id: 3 }, { id: 2 }, { id: 1 }]);
    expect(page.edges.map((edge) => edge.node)).toEqual([2, 3]);
    expect(page.pageInfo).toMatchObject({
      hasPreviousPage: true,
      hasNextPage: false,
      startCursor: 'c2',
      endCursor: 'c3',
    });
  });

  it('has null cursors on an empty page, and counts only when asked, once', async () => {
    let counted = 0;
    const page = connectionFromRows(
      [],
      pageRequest({ first: 0 }),
      () => 'x',
      (row) => row,
      async () => ++counted,
    );
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(counted).toBe(0);
    expect(await page.totalCount()).toBe(1);
    expect(await page.totalCount()).toBe(1);
  });
});

describe('cursor keys', () => {
  it('accepts real calendar days of the years 1 to 9999 only', () => {
    for (const day of ['2026-02-28', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31', '2026-12-31'])
      expect(isCursorDay(day), day).toBe(true);
    for (const day of [
      '2026-02-30',
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '0000-01-01',
      '2026-1-01',
      '20260101',
      ' 2026-01-01',
      20260101,
      null,
    ]) {
      expect(isCursorDay(day), String(day)).toBe(false);
    }
  });

  it('accepts whole-millisecond instants of the years 1 to 9999 only', () => {
    expect(cursorInstant(Date.UTC(2026, 9, 1))?.toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(cursorInstant(Date.parse('9999-12-31T23:59:59.999Z'))).toBeInstanceOf(Date);
    expect(cursorInstant(Date.parse('0001-01-01T00:00:00.000Z'))).toBeInstanceOf(Date);
    for (const value of [
      Date.parse('9999-12-31T23:59:59.999Z') + 1,
      Date.parse('0001-01-01T00:00:00.000Z') - 1,
      8.64e15,
      -8.64e15,
      1e300,
      1.5,
      Number.NaN,
      Infinity,
      '1',
      null,
    ]) {
      expect(cursorInstant(value), String(value)).toBeUndefined();
    }
  });
});
