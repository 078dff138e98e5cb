/**
 * The arguments of `Stock.candles`, validated and bounded before any statement runs.
 *
 * - `from`/`to` are inclusive trade dates; `from` after `to` is BAD_USER_INPUT.
 * - At most MAX_CANDLES intervals per request: a range touching more is BAD_USER_INPUT.
 * - Without `to`, the range is open upwards; it is counted up to tomorrow (UTC), the latest
 *   trade date a write accepts (price-mutations.ts).
 * - Without `from`, the range starts MAX_CANDLES - 1 intervals before the interval of `to`
 *   (or of tomorrow): like a connection's default page, the newest MAX_CANDLES intervals.
 */
import { utcDay } from '../../archival/bounds.js';
import { UserInputError } from '../../errors.js';
import { periodCount, periodIndex, periodOfIndex } from './candle-periods.js';
import type { CandleInterval } from '../enums.js';

export const MAX_CANDLES = 1000;

export interface CandleRange {
  readonly interval: CandleInterval;
  /** Inclusive YYYY-MM-DD bounds; `to` absent: open upwards. */
  readonly from: string;
  readonly to?: string;
}

/** The latest trade date that can exist at `now`. */
export function latestTradeDate(now: number): string {
  return utcDay(new Date(now + 86_400_000));
}

/**
 * The number of candles the arguments may produce (at most MAX_CANDLES once valid), or
 * throws the argument's BAD_USER_INPUT.
 */
export function candleRange(
  interval: CandleInterval,
  from: Date | null | undefined,
  to: Date | null | undefined,
  now: number = Date.now(),
): CandleRange & { readonly count: number } {
  const toDay = to ? utcDay(to) : undefined;
  const upper = toDay ?? latestTradeDate(now);
  const fromDay = from ? utcDay(from) : periodOfIndex(periodIndex(upper, interval) - (MAX_CANDLES - 1), interval);
  if (fromDay > upper) {
    throw new UserInputError(
      toDay ? '"from" must not be after "to".' : '"from" must not be after tomorrow (UTC).',
      'from',
    );
  }
  const count = periodCount(fromDay, upper, interval);
  if (count > MAX_CANDLES) {
    throw new UserInputError(
      `The range spans ${count} ${interval.toLowerCase()} candles; at most ${MAX_CANDLES} are served per request: narrow "from"/"to".`,
      from ? 'from' : 'to',
    );
  }
  return { interval, from: fromDay, to: toDay, count };
}
