/**
 * The shape of the benchmark's data set, as a pure function of the scale: how many rows of
 * each kind, where the hot/cold cutoff lies, how deep the deep page is. No I/O and no clock:
 * the same scale always describes the same rows (the anchor is a constant), so runs on
 * different days and machines measure identical data.
 *
 * At scale 1 (the full size): 10,000 users; 1,000,000 messages over 2,000
 * conversations plus one conversation of 502,000 messages (so a page 500,000 rows deep still
 * has 50 edges, and a few pages more); 100,000 posts; 2,000 stocks with 5 years of daily
 * prices. Messages and posts spread evenly over 120 days; the last 30 days are hot, the rest
 * cold, exactly as archival would leave them. Smaller scales shrink every count (the number
 * of conversations, not the messages per conversation, so each conversation keeps ~125 hot
 * messages and every scenario keeps its shape) and the depth proportionally.
 */
export const DAY_MS = 86_400_000;

export interface DatasetPlan {
  readonly scale: number;
  /** The data set's "now": every row is older. */
  readonly anchor: Date;
  /** anchor - hotDays: older rows are in the cold store. */
  readonly cutoff: Date;
  readonly hotDays: number;
  /** Messages and posts spread evenly over this many days before the anchor. */
  readonly spanDays: number;
  readonly users: number;
  /** Regular conversations (ids 1..conversations); the big one is conversations + 1. */
  readonly conversations: number;
  readonly participantsPerConversation: number;
  /** Messages spread round-robin over the regular conversations. */
  readonly regularMessages: number;
  readonly big: {
    readonly id: number;
    readonly messages: number;
    readonly participants: number;
    /** Scenario 3's depth: its page starts this many rows from the newest message. */
    readonly depth: number;
  };
  readonly posts: number;
  /** Post n has n % (commentsPerPost + 1) comments and n % (likesPerPost + 1) likes. */
  readonly commentsPerPost: number;
  readonly likesPerPost: number;
  /** The sidebar's viewer: a participant of the first `conversations` regular conversations. */
  readonly viewer: { readonly id: number; readonly conversations: number };
  readonly stocks: number;
  readonly priceYears: number;
}

export const ANCHOR = new Date('2026-11-01T00:00:00.000Z');

export function planDataset(scale: number): DatasetPlan {
  if (!(scale > 0 && scale <= 10)) throw new RangeError(`--scale must be in (0, 10], got ${scale}`);
  const conversations = Math.max(20, Math.round(2_000 * scale));
  const depth = Math.max(10_000, Math.round(500_000 * scale));
  const hotDays = 30;
  return {
    scale,
    anchor: ANCHOR,
    cutoff: new Date(ANCHOR.getTime() - hotDays * DAY_MS),
    hotDays,
    spanDays: 120,
    users: Math.max(500, Math.round(10_000 * scale)),
    conversations,
    participantsPerConversation: 8,
    // 500 per conversation: ~125 hot (30 of 120 days), enough for a hot-only first page and
    // a boundary page 25 rows above the newest cold message.
    regularMessages: conversations * 500,
    // A little more than `depth`, so the deep page and the pages after it are full.
    big: { id: conversations + 1, messages: depth + 2_000, participants: 200, depth },
    posts: Math.max(2_000, Math.round(100_000 * scale)),
    // About 3 comments and 5 likes per post on average: 300,000 and 500,000 at full scale.
    commentsPerPost: 6,
    likesPerPost: 10,
    // Two pages of 20 conversations (the minimum scale has 20 conversations: one page).
    viewer: { id: 1, conversations: Math.min(conversations, 40) },
    stocks: Math.max(20, Math.round(2_000 * scale)),
    priceYears: 5,
  };
}

/** All messages, regular and big: message ids are 1..totalMessages, in created_at order. */
export function totalMessages(plan: DatasetPlan): number {
  return plan.regularMessages + plan.big.messages;
}
