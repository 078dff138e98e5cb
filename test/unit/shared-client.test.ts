/**
 * A request's Prisma client (shared-client.ts): a real Prisma client on the recording driver
 * adapter, whose statements the test holds until it lets them answer, so that what runs at
 * once is counted, never timed.
 */
import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../src/http/admission.js';
import { createHotClient } from '../../src/stores/hot/index.js';
import { sharedClient } from '../../src/stores/shared-client.js';
import { createSqlReader } from '../../src/stores/sql/reader.js';
import { hotTables } from '../../src/stores/sql/tables.js';
import { ShareClosedError } from '../../src/stores/statement-share.js';
import { createRecordingAdapter, type RecordedStatement } from '../support/recording-adapter.js';

/** A store whose statements wait until `answer` lets the oldest one through. */
function heldStore() {
  const held: { statement: RecordedStatement; release: () => void }[] = [];
  let answered = 0;
  let holding = false;
  const adapter = createRecordingAdapter({
    respond: (statement) =>
      !holding
        ? undefined
        : new Promise((resolve) => {
            held.push({
              statement,
              release: () => {
                answered += 1;
                resolve(undefined);
              },
            });
          }),
  });
  const client = createHotClient(adapter);
  return {
    adapter,
    client,
    /** One operation answered at once (Prisma loads its query compiler), then every statement is held. */
    async warm() {
      await client.user.findMany({ where: { id: 0 } });
      holding = true;
      adapter.log.splice(0);
    },
    /** Statements at the store and not answered yet. */
    waiting: () => held.length,
    answered: () => answered,
    answer: () => held.shift()?.release(),
  };
}

/** A warmed held store, and one request's ticket and Prisma client on it, with `requestStatements` slots. */
async function aRequest(requestStatements: number) {
  const store = heldStore();
  await store.warm();
  const ticket = createAdmission({ requestStatements, addressStatements: 10, addressRequests: 5 }).enter('a')!;
  return { store, ticket, client: sharedClient(store.client, ticket.share) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Waits until `n` statements are held at the store (Prisma compiles a query over a few turns
 * of the event loop), then 50 turns more, in which no other may arrive.
 */
async function heldAt(store: { waiting(): number }, n: number): Promise<void> {
  for (let i = 0; i < 1000 && store.waiting() < n; i++) await turn();
  for (let i = 0; i < 50; i++) await turn();
  expect(store.waiting()).toBe(n);
}

describe("a request's Prisma client", () => {
  it('runs at most requestStatements operations at once, the rest in order as slots come free', async () => {
    const { store, ticket, client } = await aRequest(2);
    const all = Array.from({ length: 5 }, (_, i) => client.user.findMany({ where: { id: i + 1 } }));
    await heldAt(store, 2);
    store.answer();
    await heldAt(store, 2);
    for (let i = 0; i < 4; i++) {
      store.answer();
      for (let i = 0; i < 50; i++) await turn();
    }
    await Promise.all(all);
    expect(store.answered()).toBe(5);
    ticket.leave();
  });

  it('holds one slot for a whole interactive transaction, whose own statements take none', async () => {
    const { store, ticket, client } = await aRequest(1);
    const transaction = client.$transaction(async (tx) => {
      await tx.user.findMany({ where: { id: 1 } });
      await tx.user.findMany({ where: { id: 2 } });
      return 'committed';
    });
    const beside = client.user.findMany({ where: { id: 3 } });
    // The transaction's first statement runs; the request's other operation waits for its slot.
    await heldAt(store, 1);
    expect(store.adapter.statements().at(-1)!.txId).not.toBeNull();
    store.answer();
    await heldAt(store, 1);
    expect(store.adapter.statements().at(-1)!.txId).not.toBeNull();
    store.answer();
    expect(await transaction).toBe('committed');
    await heldAt(store, 1);
    expect(store.adapter.statements().at(-1)!.txId).toBeNull();
    store.answer();
    await beside;
    ticket.leave();
  });

  it('drops the operations still waiting when the request ends, and refuses the array form of $transaction', async () => {
    const { store, ticket, client } = await aRequest(1);
    const first = client.user.findMany({ where: { id: 1 } });
    const second = client.$queryRawUnsafe('SELECT 1');
    await heldAt(store, 1);
    ticket.leave();
    await expect(second).rejects.toBeInstanceOf(ShareClosedError);
    store.answer();
    await first;
    expect(store.adapter.statements()).toHaveLength(1);
    await expect(client.$transaction([])).rejects.toThrow(/interactive transactions only/);
  });

  it("and a request's SQL reader take slots of the same share, per statement", async () => {
    const { store, ticket, client } = await aRequest(1);
    const reader = createSqlReader(store.adapter).forRequest(ticket.share);
    const read = reader.rows({ table: hotTables.users, where: [{ field: 'id', op: '=', value: 1 }] });
    const operation = client.user.findMany({ where: { id: 2 } });
    await heldAt(store, 1);
    store.answer();
    await heldAt(store, 1);
    store.answer();
    await Promise.all([read, operation]);
    ticket.leave();
  });
});
