import { describe, expect, it } from 'vitest';
import { alternate, DISAGREEMENT, summarizeRounds } from '../../bench/paired.js';

describe('paired rounds (bench/paired.ts)', () => {
  it('swaps the order of the two sides every round', async () => {
    const order: string[] = [];
    const rounds = await alternate(
      5,
      async () => (order.push('a'), 'a'),
      async () => (order.push('b'), 'b'),
    );
    expect(order.join('')).toBe('abbaabbaab');
    expect(rounds).toHaveLength(5);
    expect(rounds.every((r) => r.first === 'a' && r.second === 'b')).toBe(true);
  });

  it('reports the median with its range and spread', () => {
    const summary = summarizeRounds([1.1, 0.9, 1.0, 1.05, 0.95]);
    expect(summary.median).toBe(1.0);
    expect(summary.min).toBe(0.9);
    expect(summary.max).toBe(1.1);
    expect(summary.spread).toBeCloseTo(0.2, 10);
    expect(summary.disagrees).toBe(false);
  });

  it(`flags rounds that disagree by more than ${DISAGREEMENT * 100}% of the median`, () => {
    expect(summarizeRounds([1.0, 1.3, 1.0, 1.0, 1.0]).disagrees).toBe(true);
    expect(summarizeRounds([1.0, 1.2, 1.0, 1.0, 1.0]).disagrees).toBe(false);
  });

  it('flags a ratio with a failed round, and one with no rounds at all', () => {
    expect(summarizeRounds([1.0, Number.NaN, 1.0, 1.0, 1.0]).disagrees).toBe(true);
    const none = summarizeRounds([]);
    expect(Number.isNaN(none.median)).toBe(true);
    expect(none.disagrees).toBe(true);
  });
});
