/**
 * The floor: the least a server can do to answer the gateway's 50-edge message page over the
 * two stores (and the feed and the sidebar: pg-floor-nested.ts, chosen by operation name). It accepts the gateway's own request body (variables `id` and `after`, the
 * GraphQL text is ignored) and answers the gateway's JSON shape, with the same SQL the
 * gateway's page needs and nothing else:
 *
 *   1. the hot page: keyset predicate with the redundant range bound, LIMIT 51;
 *   2. the cold page, only when the hot rows do not fill it (LIMIT the rows still missing);
 *   3. one users lookup for the page's senders, `id = ANY($1)`.
 *
 * What it leaves out, and the gateway must pay for: GraphQL parsing, validation and
 * execution, authentication, the conversation's existence check, the archive bounds (it
 * trusts that every hot row is newer than every cold row, true of this static data set).
 * Named prepared statements, pg pools of the gateway's default sizes (hot 20, cold 10), the
 * JSON built as one string.
 */
import pg from 'pg';
import type { IncomingHttpHeaders } from 'node:http';
import {
  bearerSubject,
  conversationIdOf,
  messageCursors,
  pageJson,
  requiredEnv,
  serveJson,
  type PageRow,
} from './common.js';
import { feedJson, sidebarJson } from './pg-floor-nested.js';

const PAGE_SIZE = 50;
const TAKE = PAGE_SIZE + 1;
const hot = new pg.Pool({
  connectionString: requiredEnv('HOT_DATABASE_URL'),
  max: 20,
  application_name: 'bench-pg-floor',
});
const cold = new pg.Pool({
  connectionString: requiredEnv('COLD_DATABASE_URL'),
  max: 10,
  application_name: 'bench-pg-floor',
});
const cursors = messageCursors();

const columns = (idColumn: string) => `${idColumn} AS id, sender_id, content, created_at`;
const pageSql = (table: string, idColumn: string, keyset: boolean) =>
  `SELECT ${columns(idColumn)} FROM ${table} WHERE conversation_id = $1` +
  (keyset ? ` AND created_at <= $2 AND (created_at < $2 OR ${idColumn} < $3)` : '') +
  ` ORDER BY created_at DESC, ${idColumn} DESC LIMIT $${keyset ? 4 : 2}`;
const statements = {
  hotFirst: pageSql('messages', 'id', false),
  hotAfter: pageSql('messages', 'id', true),
  coldFirst: pageSql('messages_archive', 'original_id', false),
  coldAfter: pageSql('messages_archive', 'original_id', true),
  users: 'SELECT id, display_name FROM users WHERE id = ANY($1::int[])',
};

type Row = { id: number; sender_id: number; content: string; created_at: Date };

async function page(
  pool: pg.Pool,
  name: 'hot' | 'cold',
  conversationId: number,
  after: { createdAt: Date; id: number } | undefined,
  take: number,
) {
  const query = after
    ? {
        name: `${name}-after`,
        text: name === 'hot' ? statements.hotAfter : statements.coldAfter,
        values: [conversationId, after.createdAt, after.id, take],
      }
    : {
        name: `${name}-first`,
        text: name === 'hot' ? statements.hotFirst : statements.coldFirst,
        values: [conversationId, take],
      };
  return (await pool.query<Row>(query)).rows;
}

/** Scenarios 6 and 7 by their operation name (pg-floor-nested.ts); the message page otherwise. */
async function answer(body: unknown, headers: IncomingHttpHeaders): Promise<string> {
  const operation = (body as { operationName?: unknown }).operationName;
  if (operation === 'Feed') return feedJson(hot, cold);
  if (operation === 'Sidebar') return sidebarJson(hot, cold, bearerSubject(headers));
  return messagePage(body);
}

async function messagePage(body: unknown): Promise<string> {
  const variables = (body as { variables?: { id?: string; after?: string | null } }).variables ?? {};
  const conversationId = conversationIdOf(String(variables.id));
  const after = variables.after ? cursors.decode(variables.after) : undefined;
  const hotRows = await page(hot, 'hot', conversationId, after, TAKE);
  const coldRows = hotRows.length < TAKE ? await page(cold, 'cold', conversationId, after, TAKE - hotRows.length) : [];
  const rows: PageRow[] = [
    ...hotRows.map((r) => ({
      id: r.id,
      senderId: r.sender_id,
      content: r.content,
      createdAt: r.created_at,
      tier: 'HOT' as const,
    })),
    ...coldRows.map((r) => ({
      id: r.id,
      senderId: r.sender_id,
      content: r.content,
      createdAt: r.created_at,
      tier: 'COLD' as const,
    })),
  ];
  const edges = rows.slice(0, PAGE_SIZE);
  const senderIds = [...new Set(edges.map((row) => row.senderId))];
  const users = await hot.query<{ id: number; display_name: string }>({
    name: 'users',
    text: statements.users,
    values: [senderIds],
  });
  const names = new Map(users.rows.map((user) => [user.id, user.display_name]));
  const last = edges.at(-1);
  return pageJson(edges, names, rows.length > PAGE_SIZE, last ? cursors.encode(last.createdAt, last.id) : null);
}

serveJson('/graphql', answer, async () => {
  await Promise.all([hot.end(), cold.end()]);
});
