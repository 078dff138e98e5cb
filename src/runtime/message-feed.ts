/**
 * Each gateway process's live message feed (README "Live chat"): it follows the new messages
 * of the conversations its subscribers watch, in the hot store, by keyset, with one statement
 * per interval for all of them (stores/sql/feed.ts), and hands each conversation's new rows,
 * in (createdAt, id) order, to that conversation's listeners.
 *
 * Contract:
 * - A conversation's position is the key of the last row the feed read for it. Every message
 *   with a larger key reaches every listener registered at that position, once, in order.
 *   This holds because appends are serialised per conversation (stores/hot/append-message.ts):
 *   commit order is key order, so a keyset read never skips a row that commits later.
 * - `watch` resolves with the position the listener starts from; rows at or before it were
 *   committed before the feed's last read. Positions advance and rows are dispatched in the
 *   same synchronous step, so a listener registered between two reads misses nothing.
 * - A failed read (hot store unavailable) changes no position: the next interval reads again.
 * - At most `perConversation` rows per conversation per statement; a conversation that filled
 *   it is read again at once rather than after the interval.
 * - Nothing is polled while nothing is watched.
 */
import type { GatewayMetrics } from '../observability/metrics.js';
import { FEED_JOIN, feedStatement, type FeedPosition, type FeedRow } from '../stores/sql/feed.js';
import type { SqlReader } from '../stores/sql/reader.js';
import { hotTables } from '../stores/sql/tables.js';

export type { FeedPosition, FeedRow } from '../stores/sql/feed.js';

export type FeedListener = (rows: readonly FeedRow[]) => void;

export interface FeedWatch {
  /** Rows after this key reach the listener. */
  readonly position: FeedPosition;
  unwatch(): void;
}

export interface MessageFeed {
  watch(conversationId: number, listener: FeedListener): Promise<FeedWatch>;
  /** Conversations followed right now. */
  readonly watched: number;
  stop(): void;
}

export interface FeedOptions {
  readonly sql: SqlReader;
  readonly intervalMs: number;
  /** Rows per conversation per statement. */
  readonly perConversation?: number;
  /** Conversations per statement (more are read in further statements of the same interval). */
  readonly perStatement?: number;
  readonly metrics?: GatewayMetrics;
  readonly onError?: (error: unknown) => void;
}

/** Before every row: the position of a conversation whose hot store holds no message yet. */
const ORIGIN = new Date(0);

interface Entry {
  readonly conversationId: number;
  position: FeedPosition | undefined;
  readonly listeners: Set<FeedListener>;
  /** The first read of the conversation's newest key. */
  ready: Promise<void>;
}

export function createMessageFeed(options: FeedOptions): MessageFeed {
  const perConversation = options.perConversation ?? 100;
  const perStatement = options.perStatement ?? 1000;
  const entries = new Map<number, Entry>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let stopped = false;

  const schedule = (delayMs: number) => {
    if (stopped || timer || polling || entries.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void poll();
    }, delayMs);
  };

  async function poll(): Promise<void> {
    polling = true;
    let again = false;
    try {
      const ready = [...entries.values()].filter((entry) => entry.position !== undefined);
      for (let start = 0; start < ready.length; start += perStatement) {
        const chunk = ready.slice(start, start + perStatement);
        const rows = await options.sql.query<FeedRow>(
          feedStatement(
            options.sql.dialect,
            chunk.map((entry) => entry.position!),
            perConversation,
          ),
          FEED_JOIN,
        );
        options.metrics?.countFeedPoll(rows.length);
        again = dispatch(rows) || again;
      }
    } catch (error) {
      options.onError?.(error);
    } finally {
      polling = false;
      schedule(again ? 0 : options.intervalMs);
    }
  }

  /** Advances positions and hands the rows out; true when a conversation filled its share. */
  function dispatch(rows: readonly FeedRow[]): boolean {
    let full = false;
    let from = 0;
    while (from < rows.length) {
      const conversationId = rows[from]!.conversationId;
      let to = from;
      while (to < rows.length && rows[to]!.conversationId === conversationId) to += 1;
      const group = rows.slice(from, to);
      from = to;
      if (group.length >= perConversation) full = true;
      const entry = entries.get(conversationId);
      if (!entry) continue;
      const last = group.at(-1)!;
      entry.position = { conversationId, createdAt: last.createdAt, id: last.id };
      for (const listener of entry.listeners) listener(group);
    }
    return full;
  }

  async function newestKey(conversationId: number): Promise<FeedPosition> {
    const [row] = await options.sql.rows<{ id: number; createdAt: Date }>({
      table: hotTables.messages,
      where: [{ field: 'conversationId', op: '=', value: conversationId }],
      order: { key: 'createdAt', id: 'id', direction: 'desc' },
      take: 1,
    });
    return row
      ? { conversationId, createdAt: row.createdAt, id: row.id }
      : { conversationId, createdAt: ORIGIN, id: 0 };
  }

  return {
    get watched() {
      return entries.size;
    },
    async watch(conversationId, listener) {
      if (stopped) throw new Error('the message feed is stopped');
      let entry = entries.get(conversationId);
      if (!entry) {
        const created: Entry = { conversationId, position: undefined, listeners: new Set(), ready: Promise.resolve() };
        created.ready = newestKey(conversationId).then((position) => {
          created.position = position;
        });
        entries.set(conversationId, (entry = created));
        created.ready.catch(() => {
          if (entries.get(conversationId) === created && created.position === undefined) entries.delete(conversationId);
        });
      }
      const watched = entry;
      // A placeholder keeps the entry alive while its first read runs.
      const hold: FeedListener = () => {};
      watched.listeners.add(hold);
      try {
        await watched.ready;
      } finally {
        watched.listeners.delete(hold);
      }
      // Synchronously with reading the position: no dispatch can fall between the two.
      watched.listeners.add(listener);
      const position = watched.position!;
      schedule(options.intervalMs);
      let active = true;
      return {
        position,
        unwatch() {
          if (!active) return;
          active = false;
          watched.listeners.delete(listener);
          if (watched.listeners.size === 0 && entries.get(conversationId) === watched) entries.delete(conversationId);
        },
      };
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
