/**
 * The floor's feed and sidebar (scenarios 6 and 7): the least SQL that answers each nested
 * page over the two stores, one statement per store, every level of the page in it
 * (LATERAL per-parent windows and correlated counts), then one users lookup in the hot
 * store for names of rows that came from the cold store. Answers in the gateway's JSON shape.
 *
 * The feed: the hot statement reads the 20 newest hot posts with their authors' names, like
 * and comment counts and first 3 comments (with their authors' names); only when hot posts
 * do not fill the page, the cold statement reads the rest from the archive (posts with their
 * comments and likes, which move with their post), and their names come from the hot users.
 *
 * The sidebar: the hot statement reads the viewer's 20 newest conversations with their
 * participants' names (joining order) and each one's newest hot message with its sender's
 * name; only for conversations without a hot message, the cold statement reads the newest
 * archived one of each (unnest + LATERAL), and its senders' names come from the hot users.
 *
 * Like the floor's page, it trusts this static data set: every hot row is newer than every
 * cold row, and a hot post's comments and likes are all hot (no archive bounds, no
 * participant check, no GraphQL).
 */
import type pg from 'pg';

const FEED_POSTS = 20;
const FEED_COMMENTS = 3;
const SIDEBAR_CONVERSATIONS = 20;

const feedSql = (store: 'hot' | 'cold') => {
  const [posts, comments, likes, id] =
    store === 'hot'
      ? ['posts', 'comments', 'post_likes', 'id']
      : ['posts_archive', 'comments_archive', 'post_likes_archive', 'original_id'];
  // Hot rows carry names (users live in hot); cold rows carry user ids, named afterwards.
  const who = (alias: string, column: string) =>
    store === 'hot' ? `(SELECT display_name FROM users WHERE id = ${alias}.${column})` : `${alias}.${column}`;
  return `SELECT p.${id} AS id, p.title, ${who('p', 'author_id')} AS author,
      (SELECT count(*) FROM ${likes} l WHERE l.post_id = p.${id})::int AS likes,
      (SELECT count(*) FROM ${comments} c WHERE c.post_id = p.${id})::int AS comments,
      COALESCE(fc.page, '[]'::json) AS first_comments
    FROM (SELECT ${id}, title, author_id, created_at FROM ${posts} ORDER BY created_at DESC, ${id} DESC LIMIT $1) p
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_array(c.body, ${who('c', 'author_id')}) ORDER BY c.created_at, c.${id}) AS page
      FROM (SELECT body, author_id, created_at, ${id} FROM ${comments} WHERE post_id = p.${id} ORDER BY created_at, ${id} LIMIT ${FEED_COMMENTS}) c
    ) fc ON true
    ORDER BY p.created_at DESC, p.${id} DESC`;
};

const SIDEBAR_HOT = `SELECT c.id, c.title,
    (SELECT json_agg(u.display_name ORDER BY p.joined_at, p.user_id)
       FROM conversation_participants p JOIN users u ON u.id = p.user_id WHERE p.conversation_id = c.id) AS participants,
    m.content, m.created_at, (SELECT display_name FROM users WHERE id = m.sender_id) AS sender
  FROM (SELECT c.id, c.title, c.created_at FROM conversation_participants vp JOIN conversations c ON c.id = vp.conversation_id
        WHERE vp.user_id = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $2) c
  LEFT JOIN LATERAL (SELECT content, created_at, sender_id FROM messages WHERE conversation_id = c.id
                     ORDER BY created_at DESC, id DESC LIMIT 1) m ON true
  ORDER BY c.created_at DESC, c.id DESC`;

const SIDEBAR_COLD = `SELECT i.id, m.content, m.created_at, m.sender_id
  FROM unnest($1::int[]) AS i(id)
  CROSS JOIN LATERAL (SELECT content, created_at, sender_id FROM messages_archive WHERE conversation_id = i.id
                      ORDER BY created_at DESC, original_id DESC LIMIT 1) m`;

const USERS = 'SELECT id, display_name FROM users WHERE id = ANY($1::int[])';

async function names(hot: pg.Pool, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await hot.query<{ id: number; display_name: string }>({
    name: 'users',
    text: USERS,
    values: [[...new Set(ids)]],
  });
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

type FeedRow = {
  id: number;
  title: string;
  author: string | number;
  likes: number;
  comments: number;
  first_comments: [string, string | number][];
};

export async function feedJson(hot: pg.Pool, cold: pg.Pool): Promise<string> {
  const hotRows = (await hot.query<FeedRow>({ name: 'feed-hot', text: feedSql('hot'), values: [FEED_POSTS] })).rows;
  let coldRows: FeedRow[] = [];
  let coldNames = new Map<number, string>();
  if (hotRows.length < FEED_POSTS) {
    coldRows = (
      await cold.query<FeedRow>({ name: 'feed-cold', text: feedSql('cold'), values: [FEED_POSTS - hotRows.length] })
    ).rows;
    coldNames = await names(
      hot,
      coldRows.flatMap((row) => [Number(row.author), ...row.first_comments.map((c) => Number(c[1]))]),
    );
  }
  const nameOf = (value: string | number) => (typeof value === 'number' ? (coldNames.get(value) ?? null) : value);
  const edges = [...hotRows, ...coldRows].map((row) => ({
    node: {
      title: row.title,
      author: { displayName: nameOf(row.author) },
      likeCount: row.likes,
      commentCount: row.comments,
      comments: {
        edges: row.first_comments.map(([body, author]) => ({
          node: { body, author: { displayName: nameOf(author) } },
        })),
      },
    },
  }));
  return JSON.stringify({ data: { posts: { edges } } });
}

type SidebarRow = {
  id: number;
  title: string;
  participants: string[] | null;
  content: string | null;
  created_at: Date | null;
  sender: string | null;
};

export async function sidebarJson(hot: pg.Pool, cold: pg.Pool, viewer: number): Promise<string> {
  const rows = (
    await hot.query<SidebarRow>({ name: 'sidebar-hot', text: SIDEBAR_HOT, values: [viewer, SIDEBAR_CONVERSATIONS] })
  ).rows;
  const missing = rows.filter((row) => row.created_at === null).map((row) => row.id);
  const older = new Map<number, { content: string; created_at: Date; sender: string | null }>();
  if (missing.length > 0) {
    const coldRows = (
      await cold.query<{ id: number; content: string; created_at: Date; sender_id: number }>({
        name: 'sidebar-cold',
        text: SIDEBAR_COLD,
        values: [missing],
      })
    ).rows;
    const senders = await names(
      hot,
      coldRows.map((row) => row.sender_id),
    );
    for (const row of coldRows)
      older.set(row.id, {
        content: row.content,
        created_at: row.created_at,
        sender: senders.get(row.sender_id) ?? null,
      });
  }
  const edges = rows.map((row) => {
    const newest = row.created_at
      ? { content: row.content!, created_at: row.created_at, sender: row.sender }
      : older.get(row.id);
    return {
      node: {
        title: row.title,
        participants: (row.participants ?? []).map((displayName) => ({ displayName })),
        messages: {
          edges: newest
            ? [
                {
                  node: {
                    content: newest.content,
                    createdAt: newest.created_at.toISOString(),
                    sender: { displayName: newest.sender },
                  },
                },
              ]
            : [],
        },
      },
    };
  });
  return JSON.stringify({ data: { viewer: { conversations: { edges } } } });
}
