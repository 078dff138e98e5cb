/**
 * The design the seeds describe (seeds/000_*: DualDatabaseService.get_messages_unified and
 * the chat blueprint), behind node:http, answering the gateway's JSON shape:
 *
 *   1. hot: ORDER BY created_at DESC LIMIT 50 OFFSET <offset>;
 *   2. when the hot rows do not fill the page: the cold rows with LIMIT <the rest>. The seed
 *      passes no offset to the cold query (its known flaw: every deeper page repeats the
 *      newest cold rows); here the cold query gets OFFSET <offset - hot count>, with the
 *      count it needs, so that the design returns the same page as the others and the
 *      comparison is of equal answers;
 *   3. both lists merged and sorted in memory by created_at;
 *   4. one sender query per message, one after another (what the ORM's lazy relationship
 *      does inside to_dict()).
 *
 * Request body: {"conversationId": <int>, "offset": <int>} (the seed pages by offset).
 * Plain (unprepared) statements, pools of the seed's pool_size (hot 20, cold 10).
 */
import pg from 'pg';
import { pageJson, requiredEnv, serveJson, type PageRow } from './common.js';

const PAGE_SIZE = 50;
const hot = new pg.Pool({
  connectionString: requiredEnv('HOT_DATABASE_URL'),
  max: 20,
  application_name: 'bench-seed-style',
});
const cold = new pg.Pool({
  connectionString: requiredEnv('COLD_DATABASE_URL'),
  max: 10,
  application_name: 'bench-seed-style',
});

type Row = { id: number; sender_id: number; content: string; created_at: Date };

async function answer(body: unknown): Promise<string> {
  const { conversationId, offset } = body as { conversationId: number; offset: number };
  if (!Number.isSafeInteger(conversationId) || !Number.isSafeInteger(offset) || offset < 0)
    throw new Error('conversationId and offset must be integers');
  const hotRows = (
    await hot.query<Row>(
      'SELECT id, sender_id, content, created_at FROM messages WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3',
      [conversationId, PAGE_SIZE, offset],
    )
  ).rows;
  let coldRows: Row[] = [];
  if (hotRows.length < PAGE_SIZE) {
    const hotCount = Number(
      (
        await hot.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE conversation_id = $1', [
          conversationId,
        ])
      ).rows[0].n,
    );
    coldRows = (
      await cold.query<Row>(
        'SELECT original_id AS id, sender_id, content, created_at FROM messages_archive WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3',
        [conversationId, PAGE_SIZE - hotRows.length, Math.max(0, offset - hotCount)],
      )
    ).rows;
  }
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
  ].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const names = new Map<number, string>();
  for (const row of rows) {
    const user = (
      await hot.query<{ id: number; username: string; display_name: string }>(
        'SELECT id, username, display_name FROM users WHERE id = $1',
        [row.senderId],
      )
    ).rows[0];
    if (user) names.set(row.senderId, user.display_name);
  }
  return pageJson(rows, names, rows.length === PAGE_SIZE, String(offset + rows.length));
}

serveJson('/messages', answer, async () => {
  await Promise.all([hot.end(), cold.end()]);
});
