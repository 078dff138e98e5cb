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
 * - A new message can reach the cold store before the feed reads it only when archival runs
 *   with a cutoff above the feed's position (olderThanDays 0). The archive bounds
 *   (archival/bounds.ts) say so: every conversation whose position is below the highest cutoff
 *   is also read in the cold store, after the hot store (a row moving between the two reads
 *   is found in cold), once per position and cutoff. Its rows come with their senders from the
 *   hot store and `archivedAt` set.
 * - At most `perConversation` rows per conversation per statement; a conversation that filled
 *   it is read again at once rather than after the interval.
 * - Nothing is polled while nothing is watched.
 */
import type { ArchiveBounds } from '../archival/bounds.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { ColdModels } from '../stores/cold/index.js';
import type { HotModels } from '../stores/hot/index.js';
import { FEED_JOIN, feedStatement, type FeedPosition, type FeedRow } from '../stores/sql/feed.js';
import type { SqlReader } from '../stores/sql/reader.js';
import { coldTables, hotTables } from '../stores/sql/tables.js';

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
  /** With `bounds`: new messages archived before the feed read them are read from here. */
  readonly coldSql?: SqlReader | null;
  readonly bounds?: ArchiveBounds;
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
  /** The position and cutoff the cold store was last read for. */
  coldChecked: string | undefined;
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
      const coldBefore = options.coldSql && options.bounds ? (await options.bounds.get()).coldBefore : null;
      const ready = [...entries.values()].filter((entry) => entry.position !== undefined);
      for (let start = 0; start < ready.length; start += perStatement) {
        const chunk = ready.slice(start, start + perStatement).map((entry) => ({ entry, position: entry.position! }));
        const rows = await options.sql.query<FeedRow>(
          feedStatement(
            options.sql.dialect,
            chunk.map(({ position }) => position),
            perConversation,
          ),
          FEED_JOIN,
        );
        options.metrics?.countFeedPoll(rows.length);
        const groups = new Map<number, FeedRow[]>();
        for (const row of rows) {
          const group = groups.get(row.conversationId);
          if (group) group.push(row);
          else groups.set(row.conversationId, [row]);
        }
        for (const { entry, position } of chunk) {
          let group = groups.get(entry.conversationId) ?? [];
          let full = group.length >= perConversation;
          const checked = coldBefore && `${coldBefore.getTime()}|${position.createdAt.getTime()}|${position.id}`;
          if (checked && position.createdAt < coldBefore && entry.coldChecked !== checked) {
            const cold = await archivedAfter(position);
            if (cold.length < perConversation) entry.coldChecked = checked;
            ({ rows: group, full } = merge(group, cold));
          }
          again = full || again;
          if (group.length > 0) dispatch(entry, group);
        }
      }
    } catch (error) {
      options.onError?.(error);
    } finally {
      polling = false;
      schedule(again ? 0 : options.intervalMs);
    }
  }

  /** Advances the entry's position and hands the rows out, in the same synchronous step. */
  function dispatch(entry: Entry, rows: readonly FeedRow[]): void {
    if (entries.get(entry.conversationId) !== entry) return;
    const last = rows.at(-1)!;
    entry.position = { conversationId: entry.conversationId, createdAt: last.createdAt, id: last.id };
    for (const listener of entry.listeners) listener(rows);
  }

  /** The conversation's cold messages after `position`, with their senders (users live in hot). */
  async function archivedAfter(position: FeedPosition): Promise<FeedRow[]> {
    const cold = await options.coldSql!.rows<ColdModels.MessageArchiveModel>({
      table: coldTables.messages,
      where: [{ field: 'conversationId', op: '=', value: position.conversationId }],
      order: {
        key: 'createdAt',
        id: 'originalId',
        direction: 'asc',
        after: { value: position.createdAt, id: position.id },
      },
      take: perConversation,
    });
    if (cold.length === 0) return [];
    const users = await options.sql.rows<HotModels.UserModel>({
      table: hotTables.users,
      where: [{ field: 'id', op: 'in', values: [...new Set(cold.map((row) => row.senderId))] }],
    });
    const byId = new Map(users.map((user) => [user.id, user]));
    return cold.flatMap((row) => {
      const sender = byId.get(row.senderId);
      if (!sender) return [];
      const { originalId, conversationId, senderId, content, createdAt, archivedAt } = row;
      return [{ id: originalId, conversationId, senderId, content, createdAt, archivedAt, sender }];
    });
  }

  /**
   * Hot and cold rows of one conversation in key order, each id once. Each list is a prefix of
   * its store's rows; when one is full, only the rows up to its last key are certainly a prefix
   * of the union, so the rest waits for the next read (at once).
   */
  function merge(hot: FeedRow[], cold: FeedRow[]): { rows: FeedRow[]; full: boolean } {
    const byId = new Map<number, FeedRow>();
    for (const row of [...hot, ...cold]) if (!byId.has(row.id)) byId.set(row.id, row);
    let rows = [...byId.values()].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || x.id - y.id);
    const bounds = [hot, cold].filter((list) => list.length >= perConversation).map((list) => list.at(-1)!);
    for (const bound of bounds)
      rows = rows.filter(
        (row) =>
          row.createdAt.getTime() < bound.createdAt.getTime() ||
          (row.createdAt.getTime() === bound.createdAt.getTime() && row.id <= bound.id),
      );
    return { rows, full: bounds.length > 0 };
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
        const created: Entry = {
          conversationId,
          position: undefined,
          listeners: new Set(),
          ready: Promise.resolve(),
          coldChecked: undefined,
        };
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
