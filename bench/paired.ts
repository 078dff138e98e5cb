/**
 * Ratios from paired rounds: each round measures both sides back to back, so that the slow drift
 * of a shared machine (a neighbour's burst, a noisy minute) falls on both sides of each round's
 * ratio instead of on one side measured minutes after the other. The sides swap order every
 * round (A B, B A, A B, ...), so that a trend within a round cancels too. The result is the
 * median of the rounds' ratios, with their spread; rounds that disagree by more than
 * DISAGREEMENT of the median flag the ratio as noisy.
 */
/** At least this many rounds back every ratio. */
export const MIN_ROUNDS = 5;
/** (max - min) / median of the rounds' ratios above which a ratio is flagged. */
export const DISAGREEMENT = 0.25;

export interface RatioRounds {
  /** Each round's ratio, in the order measured. */
  readonly ratios: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median. */
  readonly spread: number;
  /** spread > DISAGREEMENT: the machine was too noisy for this ratio to be trusted. */
  readonly disagrees: boolean;
}

export function summarizeRounds(ratios: readonly number[]): RatioRounds {
  const finite = ratios.filter((r) => Number.isFinite(r));
  if (finite.length === 0)
    return { ratios, median: Number.NaN, min: Number.NaN, max: Number.NaN, spread: Number.NaN, disagrees: true };
  const sorted = [...finite].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const spread = (max - min) / median;
  return { ratios, median, min, max, spread, disagrees: spread > DISAGREEMENT || finite.length < ratios.length };
}

/** Runs `first` and `second` once per round, swapping their order every round. */
export async function alternate<A, B>(
  rounds: number,
  first: () => Promise<A>,
  second: () => Promise<B>,
  onRound?: (round: number, a: A, b: B) => void,
): Promise<{ readonly first: A; readonly second: B }[]> {
  const results: { first: A; second: B }[] = [];
  for (let round = 1; round <= rounds; round++) {
    let a: A;
    let b: B;
    if (round % 2 === 1) {
      a = await first();
      b = await second();
    } else {
      b = await second();
      a = await first();
    }
    results.push({ first: a, second: b });
    onRound?.(round, a, b);
  }
  return results;
}
