/**
 * A page's reads after its cold read when a restore may have moved rows (stitched-page.ts,
 * rereadAfterRestore), over scripted sides: which reads it makes, in which order, and what it
 * returns, for each thing its statements can tell it.
 */
import { describe, expect, it } from 'vitest';
import {
  stitchedPage,
  type Entry,
  type StitchedSides,
  type StoreSide,
} from '../../src/graphql/pagination/stitched-page.js';
import type { PublishedBounds } from '../../src/stores/sql/select.js';

const ORDERING = { name: 'test:createdAt', direction: 'desc', keyKind: 'instant' } as const;
const COLD_BEFORE = new Date('2026-10-01T00:00:00.000Z');
const entry = (id: number): Entry<number> => ({ id, key: new Date(COLD_BEFORE.getTime() - id * 1000), node: id });

interface Read {
  readonly entries: number[];
  /** Hot: the bounds' restoredThrough; cold: the newest restore recorded. */
  readonly restore: number | null;
}

/** Sides answering scripted reads in turn, logging each ('hot' / 'cold'). */
function scripted(hot: Read[], cold: Read[]) {
  const log: string[] = [];
  const next = (script: Read[], store: string) => {
    log.push(store);
    const read = script.shift();
    if (!read) throw new Error(`no ${store} read scripted`);
    return read;
  };
  const bounds = (restoredThrough: number | null): PublishedBounds => ({
    coldBefore: COLD_BEFORE,
    hotFrom: COLD_BEFORE,
    restoredThrough,
  });
  const hotSide: StoreSide<number> = {
    fetch: async () => next(hot, 'hot').entries.map(entry),
    count: async () => 0,
    fetchWithBounds: async () => {
      const read = next(hot, 'hot');
      return { entries: read.entries.map(entry), bounds: bounds(read.restore) };
    },
  };
  const coldSide: StoreSide<number> = {
    fetch: async () => next(cold, 'cold').entries.map(entry),
    count: async () => 0,
    fetchWithLatestRestore: async () => {
      const read = next(cold, 'cold');
      return { entries: read.entries.map(entry), latestRestore: read.restore };
    },
  };
  const sides: StitchedSides<number> = { hot: hotSide, cold: coldSide };
  return { sides, log };
}

const page = (sides: StitchedSides<number>, cached: { hotFrom?: Date; restoredThrough?: number | null } = {}) =>
  stitchedPage({ first: 3 }, ORDERING, sides, { coldBefore: COLD_BEFORE, ...cached }, (b) => ({
    coldBefore: b.coldBefore,
    hotFrom: b.hotFrom,
  }));
const ids = async (connection: ReturnType<typeof page>) => (await connection).edges.map((edge) => edge.node);

describe('a page after a restore', () => {
  it('reads each store once when the cold store records no restore newer than its bounds', async () => {
    const { sides, log } = scripted([{ entries: [], restore: 7 }], [{ entries: [1, 2, 3, 4], restore: 7 }]);
    expect(await ids(page(sides))).toEqual([1, 2, 3]);
    expect(log).toEqual(['hot', 'cold']);
  });

  it('reads hot again when a newer restore is still in flight at that read, and keeps what it moved', async () => {
    const { sides, log } = scripted(
      [
        { entries: [], restore: 7 },
        { entries: [1, 2], restore: 7 },
      ],
      [{ entries: [3, 4], restore: 8 }],
    );
    expect(await ids(page(sides))).toEqual([1, 2, 3]);
    expect(log).toEqual(['hot', 'cold', 'hot']);
  });

  it('reads cold again when the restore had ended by the second hot read (a run may have moved rows back)', async () => {
    const { sides, log } = scripted(
      [
        { entries: [], restore: 7 },
        { entries: [2], restore: 8 },
      ],
      [
        { entries: [3, 4], restore: 8 },
        { entries: [1, 3, 4], restore: 8 },
      ],
    );
    expect(await ids(page(sides))).toEqual([1, 2, 3]);
    expect(log).toEqual(['hot', 'cold', 'hot', 'cold']);
  });

  it('reads hot after cold when its cached bounds skipped hot and a restore ran since', async () => {
    const { sides, log } = scripted([{ entries: [1, 2], restore: 7 }], [{ entries: [], restore: 8 }]);
    const skipped = stitchedPage(
      { first: 3 },
      ORDERING,
      sides,
      { coldBefore: COLD_BEFORE, hotFrom: COLD_BEFORE, restoredThrough: 7, range: { max: entry(1).key } },
      (b) => ({ coldBefore: b.coldBefore, hotFrom: b.hotFrom, range: { max: entry(1).key } }),
    );
    expect((await skipped).edges.map((edge) => edge.node)).toEqual([1, 2]);
    expect(log).toEqual(['cold', 'hot']);
  });

  it('fails rather than answer while restores keep ending between its reads', async () => {
    const rounds = Array.from({ length: 10 }, (_, i) => i);
    const { sides } = scripted(
      rounds.map((i) => ({ entries: [], restore: 7 + i })),
      rounds.map((i) => ({ entries: [], restore: 8 + i })),
    );
    await expect(page(sides)).rejects.toThrow(/restores kept moving rows/);
  });
});
