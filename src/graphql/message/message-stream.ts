/**
 * The event stream behind `Subscription.messageAdded` (README "Live chat").
 *
 * Contract: the stream yields the conversation's messages with a key (createdAt, id) above its
 * start, each once, in key order, until it is returned, ended, or its subscriber falls behind:
 * - With `after`, the start is that cursor's key: every message newer than it is read first,
 *   page by page from both stores (stitched-page.ts, so an archival run moving rows meanwhile
 *   loses none), then the live rows. Without it, the start is the feed's position when the
 *   subscription registered (the newest message the process has seen).
 * - The stream registers with the process's feed before it reads anything, and skips every
 *   row at or below the last key it yielded: the pages and the live rows overlap, never leave
 *   a gap (message-feed.ts states why the feed misses nothing after its position).
 * - Live rows wait in a queue of at most `queueLimit`. While catching up, an overflow only
 *   drops the queue (those rows are in the stores, and the catch-up ends only with a short
 *   page read after the last overflow). Once live, an overflow ends the stream with
 *   SLOW_CONSUMER: memory per subscriber stays bounded.
 * - `end('expired')` ends it with UNAUTHENTICATED; `end('shutdown')` after the rows already
 *   queued (the in-flight deliveries; while still catching up, at once: the queued rows may
 *   not follow the last one sent); `signal` (the subscriber left) at once.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode, UnauthenticatedError } from '../../errors.js';
import type { FeedRow, MessageFeed } from '../../runtime/message-feed.js';
import type { HotModels } from '../../stores/hot/index.js';
import { createContext, type GatewayContext } from '../context.js';
import { Tier } from '../enums.js';
import { messageFromHot } from './message-map.js';
import { MESSAGES_ORDERING, messageSides } from './message-sides.js';
import type { MessageType } from './message-type.js';
import { encodeCursor } from '../pagination/cursor.js';
import { instantLimits, stitchedPage } from '../pagination/stitched-page.js';

/** Rows per catch-up page. */
export const CATCH_UP_PAGE = 100;

export type EndReason = 'expired' | 'shutdown';

/** What one socket's subscriptions share: the feed, the queue bound, and a way to end them all. */
export interface LiveSession {
  readonly feed: MessageFeed;
  readonly queueLimit: number;
  /** Registers a stream's ending function; returns its unregistration. */
  track(end: (reason: EndReason) => void): () => void;
  /** A live subscription's queue overflowed. */
  dropped(): void;
}

/** A subscription's context: its socket's session, and a signal aborted when it ends. */
export interface LiveContext extends GatewayContext {
  readonly live: LiveSession;
  readonly liveSignal: AbortSignal;
}

/** One message for the subscriber, with what its event's execution needs. */
export interface MessageEvent {
  readonly kind: 'message';
  readonly edge: { readonly cursor: string; readonly node: MessageType };
  readonly sender: HotModels.UserModel | null;
  readonly conversation: HotModels.ConversationModel;
  /** Delivered live (its delivery lag is measured), not read while catching up. */
  readonly live: boolean;
}

/** The stream's last event: an error for the subscriber, after which it completes. */
export interface EndEvent {
  readonly kind: 'end';
  readonly error: GraphQLError;
}

export type StreamEvent = MessageEvent | EndEvent;

interface Key {
  readonly createdAt: Date;
  readonly id: number;
}

const above = (row: Key, key: Key) =>
  row.createdAt.getTime() > key.createdAt.getTime() ||
  (row.createdAt.getTime() === key.createdAt.getTime() && row.id > key.id);

const cursorOf = (key: Key) => encodeCursor(MESSAGES_ORDERING.name, [key.createdAt.getTime(), key.id]);

export async function* messageStream(
  context: LiveContext,
  conversation: HotModels.ConversationModel,
  after: Key | undefined,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent, void, undefined> {
  const { live } = context;
  const queue: FeedRow[] = [];
  let catchingUp = after !== undefined;
  let overflows = 0;
  let slow = false;
  let ended: EndReason | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const untrack = live.track((reason) => {
    ended ??= reason;
    notify();
  });
  // An async generator waiting in an await cannot be returned: the abort wakes it instead.
  signal.addEventListener('abort', notify, { once: true });
  const watch = await live.feed
    .watch(conversation.id, (rows) => {
      if (slow || ended) return;
      if (queue.length + rows.length > live.queueLimit) {
        queue.length = 0;
        overflows += 1;
        if (!catchingUp) slow = true;
      } else queue.push(...rows);
      notify();
    })
    .catch((error: unknown) => {
      untrack();
      throw error;
    });
  let last: Key = after ?? watch.position;
  try {
    while (catchingUp && !ended && !signal.aborted) {
      const overflowsBefore = overflows;
      const pageContext = createContext(context, context.viewer);
      const page = await stitchedPage(
        { last: CATCH_UP_PAGE, before: cursorOf(last) },
        MESSAGES_ORDERING,
        messageSides(pageContext, conversation.id),
        await context.bounds.get(),
        // Skip decisions from the bounds read with the hot page, as the messages connection
        // does: archival deletes without a delay, so a cached bound can be older than the rows.
        instantLimits,
      );
      const nodes = page.edges.map((edge) => edge.node).reverse();
      const senders = await pageContext.loaders.userById.loadMany(nodes.map((node) => node.senderId));
      for (const [i, node] of nodes.entries()) {
        const key = { createdAt: node.createdAt, id: node.databaseId };
        if (!above(key, last)) continue;
        const sender = senders[i];
        yield {
          kind: 'message',
          edge: { cursor: cursorOf(key), node },
          sender: sender instanceof Error ? null : (sender ?? null),
          conversation,
          live: false,
        };
        last = key;
        if (ended || signal.aborted) break;
      }
      if (!page.pageInfo.hasPreviousPage && overflows === overflowsBefore) catchingUp = false;
    }
    for (;;) {
      // Ended while catching up: the queued live rows may lie beyond a gap; the subscriber
      // resumes from its last cursor instead.
      if (signal.aborted || (ended === 'shutdown' && catchingUp)) return;
      if (ended === 'expired') {
        yield { kind: 'end', error: new UnauthenticatedError('The token has expired; reconnect with a new one.') };
        return;
      }
      if (slow) {
        live.dropped();
        yield {
          kind: 'end',
          error: new GraphQLError(
            `More than ${live.queueLimit} messages waited for this subscriber; resubscribe with the last cursor received.`,
            { extensions: { code: ErrorCode.SLOW_CONSUMER } },
          ),
        };
        return;
      }
      const row = queue.shift();
      if (row) {
        if (!above(row, last)) continue;
        const node: MessageType = row.archivedAt
          ? { ...messageFromHot(row), tier: Tier.COLD, archivedAt: row.archivedAt }
          : messageFromHot(row);
        yield { kind: 'message', edge: { cursor: cursorOf(row), node }, sender: row.sender, conversation, live: true };
        last = row;
        continue;
      }
      if (ended === 'shutdown') return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal.removeEventListener('abort', notify);
    watch.unwatch();
    untrack();
  }
}
