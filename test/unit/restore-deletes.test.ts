/**
 * The restore's cold delete queue (src/archival/restore-deletes.ts) on a connection whose every
 * statement the test answers by hand: deletes run in order, one at a time, while the restore
 * copies on; the queue holds at most two batches, so a stalled cold store stalls the restore
 * instead of growing its memory; the first failure stops the queue and reaches the restore.
 */
import { describe, expect, it } from 'vitest';
import { ColdDeletes, type DeleteConnection } from '../../src/archival/restore-deletes.js';
import type { RunCounts } from '../../src/archival/recorded-run.js';

/** A connection whose statements wait until the test settles them, in the order sent. */
function heldConnection() {
  const sent: { sql: string; answer: (n: number) => void; fail: (error: Error) => void }[] = [];
  const connection: DeleteConnection = {
    query: <Row>(sql: string) =>
      new Promise<{ rows: Row[] }>((resolve, reject) => {
        sent.push({ sql, answer: (n) => resolve({ rows: [{ n } as Row] }), fail: reject });
      }),
    end: async () => undefined,
  };
  return { connection, sent };
}

/** Lets every callback already due run (promise jobs and I/O-free timers). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Whether `promise` has settled once the due callbacks ran. */
async function isDone(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await settle();
  return done;
}

const counts = (): RunCounts => ({ messages: 0, posts: 0, comments: 0, likes: 0, stockPrices: 0 });
const remove = (name: string) => ({ sql: name, params: [] });

describe('the restore cold delete queue', () => {
  it('runs deletes in order, one at a time, and holds at most two batches while one is stalled', async () => {
    const { connection, sent } = heldConnection();
    const runCounts = counts();
    const queue = new ColdDeletes(connection, runCounts);
    // The first delete starts at once; the restore goes on copying.
    expect(await isDone(queue.add('messages', remove('d1')))).toBe(true);
    await settle();
    expect(sent.map((s) => s.sql)).toEqual(['d1']);
    // A second batch waits behind it without holding up the restore.
    expect(await isDone(queue.add('messages', remove('d2')))).toBe(true);
    expect(sent.map((s) => s.sql)).toEqual(['d1']);
    // A third would make three batches held: the restore waits.
    const third = queue.add('messages', remove('d3'));
    expect(await isDone(third)).toBe(false);
    sent[0].answer(1000);
    expect(await isDone(third)).toBe(true);
    expect(sent.map((s) => s.sql)).toEqual(['d1', 'd2']);
    sent[1].answer(1000);
    await settle();
    expect(sent.map((s) => s.sql)).toEqual(['d1', 'd2', 'd3']);
    const drained = queue.drain();
    expect(await isDone(drained)).toBe(false);
    sent[2].answer(7);
    await drained;
    expect(runCounts.messages).toBe(2007);
  });

  it('stops at the first failure: nothing after it runs, and the restore gets the error', async () => {
    const { connection, sent } = heldConnection();
    const queue = new ColdDeletes(connection, counts());
    await queue.add('messages', remove('d1'));
    await queue.add('messages', remove('d2'));
    sent[0].fail(new Error('cold store gone'));
    await settle();
    expect(sent.map((s) => s.sql)).toEqual(['d1']);
    await expect(queue.add('messages', remove('d3'))).rejects.toThrow('cold store gone');
    await expect(queue.drain()).rejects.toThrow('cold store gone');
    expect(sent.map((s) => s.sql)).toEqual(['d1']);
  });

  it('stop waits for the delete running and drops the queued ones, without throwing', async () => {
    const { connection, sent } = heldConnection();
    const runCounts = counts();
    const queue = new ColdDeletes(connection, runCounts);
    await queue.add('posts', remove('d1'));
    await queue.add('posts', remove('d2'));
    const stopped = queue.stop();
    expect(await isDone(stopped)).toBe(false);
    sent[0].answer(5);
    await stopped;
    await settle();
    expect(sent.map((s) => s.sql)).toEqual(['d1']);
    expect(runCounts.posts).toBe(5);
  });
});
