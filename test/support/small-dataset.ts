/**
 * A small dataset written straight into fresh PostgreSQL stores, the way archival leaves them:
 * users 1..4 (ann, bob, eve, dan); conversation 1 (ann, bob) with 60 messages one second
 * apart, 1..30 archived (cold) and 31..60 hot, under a successful archival run whose cutoff is
 * message 31's instant; posts 1 (cold) and 2 (hot) with a comment each; stock 1 with 40 daily
 * prices, 20 of them cold.
 */
import pg from 'pg';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { freshStores, type FreshStores } from './databases.js';

export const SMALL_BASE = Date.UTC(2026, 9, 1, 8, 0, 0);
export const smallAt = (n: number) => new Date(SMALL_BASE + n * 1000);
export const SMALL_CUTOFF = smallAt(31);
export const SMALL_MESSAGES = { total: 60, cold: 30 } as const;

export async function seedSmallDataset(hot: pg.Client, cold: pg.Client): Promise<void> {
  await hot.query(
    `INSERT INTO users (id, username, display_name) VALUES (1, 'ann', 'Ann'), (2, 'bob', 'Bob'), (3, 'eve', 'Eve'), (4, 'dan', 'Dan')`,
  );
  await hot.query(`SELECT setval(pg_get_serial_sequence('users', 'id'), 100)`);
  await hot.query(`INSERT INTO conversations (id, title, created_at) VALUES (1, 'Chips', $1)`, [smallAt(0)]);
  await hot.query(`INSERT INTO conversation_participants (conversation_id, user_id) VALUES (1, 1), (1, 2)`);
  const rows = (from: number, to: number) => {
    const ids = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    return [
      ids,
      ids.map((id) => (id % 2) + 1),
      ids.map((id) => `note ${id}`),
      ids.map((id) => smallAt(id).toISOString()),
    ];
  };
  const insert = `SELECT id, 1, s, c, t FROM unnest($1::int[], $2::int[], $3::text[], $4::timestamptz[]) AS x(id, s, c, t)`;
  await cold.query(
    `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at) ${insert}`,
    rows(1, SMALL_MESSAGES.cold),
  );
  await hot.query(
    `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) ${insert}`,
    rows(SMALL_MESSAGES.cold + 1, SMALL_MESSAGES.total),
  );
  await hot.query(`SELECT setval(pg_get_serial_sequence('messages', 'id'), 1000)`);
  await cold.query(
    `INSERT INTO posts_archive (original_id, author_id, title, body, created_at) VALUES (1, 1, 'Old post', 'b', $1)`,
    [smallAt(5)],
  );
  await cold.query(
    `INSERT INTO comments_archive (original_id, post_id, author_id, body, created_at) VALUES (1, 1, 2, 'old comment', $1)`,
    [smallAt(6)],
  );
  await hot.query(`INSERT INTO posts (id, author_id, title, body, created_at) VALUES (2, 2, 'New post', 'b', $1)`, [
    smallAt(40),
  ]);
  await hot.query(
    `INSERT INTO comments (id, post_id, author_id, body, created_at) VALUES (2, 2, 1, 'new comment', $1)`,
    [smallAt(41)],
  );
  await hot.query(
    `SELECT setval(pg_get_serial_sequence('posts', 'id'), 100), setval(pg_get_serial_sequence('comments', 'id'), 100)`,
  );
  await hot.query(`INSERT INTO stocks (id, symbol, name) VALUES (1, '2330', 'TSMC')`);
  const day = (n: number) => new Date(Date.UTC(2026, 8, 11) + n * 86_400_000).toISOString().slice(0, 10);
  for (let n = 0; n < 40; n++) {
    const table = n < 20 ? 'stock_prices_history (original_id, ' : 'stock_prices (id, ';
    await (n < 20 ? cold : hot).query(
      `INSERT INTO ${table}stock_id, trade_date, close, volume, created_at) VALUES ($1, 1, $2, $3, $4, $5)`,
      [n + 1, day(n), (600 + n).toFixed(2), 1000 + n, smallAt(n)],
    );
  }
  await hot.query(`SELECT setval(pg_get_serial_sequence('stock_prices', 'id'), 100)`);
  await cold.query(
    `INSERT INTO archival_runs (status, cutoff, started_at, finished_at, messages) VALUES ('SUCCEEDED', $1, $1, $1, $2)`,
    [SMALL_CUTOFF, SMALL_MESSAGES.cold],
  );
}

/** Fresh stores holding the small dataset (both stores must be PostgreSQL). */
export async function freshSmallStores(): Promise<FreshStores> {
  const fresh = await freshStores();
  const hot = new pg.Client(pgConnectionConfig(fresh.hot));
  const cold = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hot.connect(), cold.connect()]);
  try {
    await seedSmallDataset(hot, cold);
  } finally {
    await Promise.all([hot.end(), cold.end()]);
  }
  return fresh;
}
