/** Calendar intervals and the candle range: the arithmetic that bounds a request before any SQL. */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { periodCount, periodStart } from '../../src/graphql/candle/candle-periods.js';
import { candleRange, MAX_CANDLES } from '../../src/graphql/candle/candle-range.js';
import { CandleInterval } from '../../src/graphql/enums.js';

const { WEEK, MONTH, QUARTER, YEAR } = CandleInterval;
const day = (text: string) => new Date(`${text}T00:00:00.000Z`);
/** Wednesday 2 December 2026, 14:00 UTC. */
const NOW = Date.UTC(2026, 11, 2, 14);

describe('candle periods', () => {
  it('starts ISO weeks on Monday, across years and before 1970', () => {
    expect(periodStart('2021-01-03', WEEK)).toBe('2020-12-28'); // a Sunday: ISO week 53 of 2020
    expect(periodStart('2021-01-04', WEEK)).toBe('2021-01-04');
    expect(periodStart('1970-01-01', WEEK)).toBe('1969-12-29');
    expect(periodStart('1899-12-31', WEEK)).toBe('1899-12-25');
    expect(periodStart('2024-02-29', WEEK)).toBe('2024-02-26');
  });

  it('starts months, quarters and years on their first day, years below 100 included', () => {
    expect(periodStart('2024-02-29', MONTH)).toBe('2024-02-01');
    expect(periodStart('2024-12-31', QUARTER)).toBe('2024-10-01');
    expect(periodStart('2024-04-01', QUARTER)).toBe('2024-04-01');
    expect(periodStart('2024-03-31', QUARTER)).toBe('2024-01-01');
    expect(periodStart('2024-07-14', YEAR)).toBe('2024-01-01');
    expect(periodStart('0050-03-15', MONTH)).toBe('0050-03-01');
  });

  it('counts the intervals a range touches', () => {
    expect(periodCount('2024-12-30', '2025-01-05', WEEK)).toBe(1);
    expect(periodCount('2024-12-29', '2024-12-30', WEEK)).toBe(2);
    expect(periodCount('2024-01-31', '2024-04-01', QUARTER)).toBe(2);
    expect(periodCount('2023-12-31', '2024-01-01', YEAR)).toBe(2);
    expect(periodCount('2024-01-01', '2024-12-31', MONTH)).toBe(12);
  });
});

describe('candle range', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      return (error as GraphQLError).extensions;
    }
    throw new Error('expected a refusal');
  };

  it('serves at most 1000 candles, and refuses one more with BAD_USER_INPUT', () => {
    // 2000-01-03 is a Monday: 1000 weeks end on Sunday 2019-03-03.
    expect(candleRange(WEEK, day('2000-01-03'), day('2019-03-03'), NOW).count).toBe(MAX_CANDLES);
    expect(refusal(() => candleRange(WEEK, day('2000-01-03'), day('2019-03-04'), NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'from',
    });
  });

  it('refuses from after to', () => {
    expect(refusal(() => candleRange(MONTH, day('2025-03-02'), day('2025-03-01'), NOW))).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'from',
    });
    // Without to: nothing can be dated after tomorrow.
    expect(refusal(() => candleRange(MONTH, day('2026-12-04'), null, NOW))).toMatchObject({ argumentName: 'from' });
    expect(candleRange(MONTH, day('2026-12-03'), null, NOW)).toEqual({
      interval: MONTH,
      from: '2026-12-03',
      to: undefined,
      count: 1,
    });
  });

  it('without from, covers the newest 1000 intervals up to to, or up to tomorrow', () => {
    expect(candleRange(YEAR, null, null, NOW)).toEqual({
      interval: YEAR,
      from: '1027-01-01',
      to: undefined,
      count: 1000,
    });
    expect(candleRange(MONTH, undefined, day('2025-06-15'), NOW)).toMatchObject({ from: '1942-03-01', count: 1000 });
    const weeks = candleRange(WEEK, null, null, NOW);
    expect(periodStart(weeks.from, WEEK)).toBe(weeks.from);
    expect(weeks.count).toBe(1000);
  });
});
