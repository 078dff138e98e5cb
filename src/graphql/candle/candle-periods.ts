/**
 * Calendar intervals over YYYY-MM-DD days in UTC, the same ones the stores compute in SQL
 * (stores/sql/candles.ts): ISO weeks from Monday, months, quarters, years. Pure arithmetic,
 * so the number of candles a range spans is known before any statement runs.
 */
import type { CandleUnit } from '../../stores/sql/candles.js';
import { CandleInterval } from '../enums.js';

const DAY_MS = 86_400_000;

export const UNITS: Readonly<Record<CandleInterval, CandleUnit>> = {
  [CandleInterval.WEEK]: 'week',
  [CandleInterval.MONTH]: 'month',
  [CandleInterval.QUARTER]: 'quarter',
  [CandleInterval.YEAR]: 'year',
};

const MONTHS: Readonly<Record<Exclude<CandleInterval, CandleInterval.WEEK>, number>> = {
  [CandleInterval.MONTH]: 1,
  [CandleInterval.QUARTER]: 3,
  [CandleInterval.YEAR]: 12,
};

/** The interval's index on a line that counts intervals: consecutive intervals differ by 1. */
export function periodIndex(day: string, interval: CandleInterval): number {
  const date = new Date(`${day}T00:00:00.000Z`);
  if (interval === CandleInterval.WEEK) {
    // 1970-01-05 was a Monday: week 0 starts there.
    return Math.floor((date.getTime() / DAY_MS - 4) / 7);
  }
  return Math.floor((date.getUTCFullYear() * 12 + date.getUTCMonth()) / MONTHS[interval]);
}

/** The first day (YYYY-MM-DD) of the interval with this index. */
export function periodOfIndex(index: number, interval: CandleInterval): string {
  if (interval === CandleInterval.WEEK) return new Date((index * 7 + 4) * DAY_MS).toISOString().slice(0, 10);
  const months = index * MONTHS[interval];
  // setUTCFullYear, not Date.UTC, which reads years 0 to 99 as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(Math.floor(months / 12), months % 12, 1);
  return date.toISOString().slice(0, 10);
}

/** The first day of the interval holding `day`. */
export function periodStart(day: string, interval: CandleInterval): string {
  return periodOfIndex(periodIndex(day, interval), interval);
}

/** How many intervals [from, to] touches (inclusive days, from <= to). */
export function periodCount(from: string, to: string, interval: CandleInterval): number {
  return periodIndex(to, interval) - periodIndex(from, interval) + 1;
}
