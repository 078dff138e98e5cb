/**
 * The data set's rows as SQL SELECTs evaluated inside PostgreSQL (generate_series), so
 * millions of rows are generated where they are stored instead of crossing the wire.
 *
 * Contract: each source is deterministic (a function of the plan only: no random(), no
 * now()), and the same source feeds the hot store, the cold store and the single-store
 * database, so every implementation serves exactly the same rows. Ids of time-ordered rows
 * increase with created_at, as in a live hot store; the hot id is the cold original_id.
 * Timestamps are whole milliseconds (timestamptz(3)). The plan's numbers are inlined as
 * literals (they are checked integers), the cutoff as an ISO literal.
 */
import { DAY_MS, totalMessages, type DatasetPlan } from './plan.js';

const PHRASES = [
  'TSMC guidance looks strong, watching the close',
  'Foxconn orders up again this quarter',
  'MediaTek earnings call at 2pm, anyone listening?',
  'Foreign investors net buyers for the fifth day',
  'The central bank kept rates unchanged',
  'Shipping names are moving, Evergreen up 4%',
  'Taking profits on half of my position',
  'Volume is thin today, no conviction either way',
  'New export figures beat expectations',
  'Anyone else watching the semiconductor index?',
];

/** A SQL text[] literal of the phrases; `pick(expr)` indexes it (1-based) by expr. */
const phrases = `(ARRAY[${PHRASES.map((p) => `'${p.replace(/'/g, "''")}'`).join(', ')}])`;
const pick = (expr: string) => `${phrases}[1 + ((${expr}) % ${PHRASES.length})]`;

function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return String(value);
}

const instant = (date: Date) => `timestamptz '${date.toISOString()}'`;
const start = (plan: DatasetPlan) => new Date(plan.anchor.getTime() - plan.spanDays * DAY_MS);

/** Row n of `count` rows spread evenly over the span: strictly increasing, whole ms. */
const spreadAt = (plan: DatasetPlan, n: string, count: number) =>
  `(${instant(start(plan))} + ((${n}) * ${int(plan.spanDays * DAY_MS)}::bigint / ${int(count + 1)}) * interval '1 millisecond')`;

/** The participants of conversation `c` (its `slot`-th, 0-based): consecutive user ids. */
const participant = (plan: DatasetPlan, c: string, slot: string) =>
  `(1 + (((${c}) - 1) * 37 + (${slot})) % ${int(plan.users)})::int`;

export function usersSource(plan: DatasetPlan): string {
  return `SELECT i AS id, 'user' || i AS username,
            (ARRAY['Chen','Lin','Huang','Chang','Lee','Wang','Wu','Liu','Tsai','Yang'])[1 + i % 10] || ' Trader ' || i AS display_name,
            ${instant(start(plan))} - interval '10 days' AS created_at
          FROM generate_series(1, ${int(plan.users)}) i`;
}

export function conversationsSource(plan: DatasetPlan): string {
  return `SELECT c AS id, CASE WHEN c = ${int(plan.big.id)} THEN 'The big room' ELSE 'Conversation ' || c END AS title,
            ${instant(start(plan))} - interval '1 day' AS created_at
          FROM generate_series(1, ${int(plan.big.id)}) c`;
}

/**
 * Each conversation's participants (consecutive user ids, see `participant`), plus the
 * sidebar's viewer (user `viewer.id`) in the first `viewer.conversations` regular
 * conversations, where the formula did not already put it: the sidebar needs a user with
 * more than one page of conversations. Senders are still drawn from the formula's
 * participants only, so adding the viewer changes no message.
 */
export function participantsSource(plan: DatasetPlan): string {
  const joinedAt = `${instant(start(plan))} - interval '1 day'`;
  return `SELECT DISTINCT ON (conversation_id, user_id) conversation_id, user_id, joined_at FROM (
            SELECT c AS conversation_id, ${participant(plan, 'c', 'j')} AS user_id, ${joinedAt} AS joined_at
            FROM generate_series(1, ${int(plan.big.id)}) c,
                 generate_series(0, CASE WHEN c = ${int(plan.big.id)} THEN ${int(plan.big.participants - 1)} ELSE ${int(plan.participantsPerConversation - 1)} END) j
            UNION ALL
            SELECT c, ${int(plan.viewer.id)}, ${joinedAt} + interval '1 hour'
            FROM generate_series(1, ${int(plan.viewer.conversations)}) c
          ) p ORDER BY conversation_id, user_id, joined_at`;
}

/**
 * Messages 1..N in time order. Exactly `big.messages` of them, evenly interleaved, belong
 * to the big conversation; the others go round-robin to the regular ones. The sender is one
 * of the conversation's participants.
 */
export function messagesSource(plan: DatasetPlan): string {
  const total = totalMessages(plan);
  const big = plan.big.messages;
  return `SELECT n::int AS id, conv::int AS conversation_id,
            ${participant(plan, 'conv', `n * 2654435761 % parts`)} AS sender_id,
            ${pick('n')} || ' #' || n AS content,
            ${spreadAt(plan, 'n', total)} AS created_at
          FROM (
            SELECT n,
                   CASE WHEN is_big THEN ${int(plan.big.id)} ELSE 1 + (k - 1) % ${int(plan.conversations)} END AS conv,
                   CASE WHEN is_big THEN ${int(plan.big.participants)} ELSE ${int(plan.participantsPerConversation)} END AS parts
            FROM (
              SELECT n, (n * ${int(big)} / ${int(total)}) - ((n - 1) * ${int(big)} / ${int(total)}) = 1 AS is_big,
                     n - (n * ${int(big)} / ${int(total)}) AS k
              FROM generate_series(1::bigint, ${int(total)}::bigint) n
            ) s
          ) m`;
}

export function postsSource(plan: DatasetPlan): string {
  return `SELECT n::int AS id, (1 + (n * 7) % ${int(plan.users)})::int AS author_id,
            'Post ' || n || ': ' || ${pick('n * 3')} AS title,
            ${pick('n')} || '. ' || ${pick('n + 3')} || '. ' || ${pick('n + 7')} || '.' AS body,
            ${spreadAt(plan, 'n', plan.posts)} AS created_at
          FROM generate_series(1::bigint, ${int(plan.posts)}::bigint) n`;
}

/**
 * Comments of post n: (n % (commentsPerPost + 1)) of them, so counts vary from 0 to
 * commentsPerPost and some posts have fewer than a page of 3. Comment j of post n has id
 * (n - 1) * commentsPerPost + j + 1 and is created a fraction of the posts' spacing after its
 * post (before the next post), so ids increase with created_at; its author is spread over
 * all users. Comments live in the store of their post (they move with it).
 */
export function commentsSource(plan: DatasetPlan): string {
  const per = plan.commentsPerPost;
  return `SELECT ((n - 1) * ${int(per)} + j + 1)::int AS id, n::int AS post_id,
            (1 + (n * 11 + j * 101) % ${int(plan.users)})::int AS author_id,
            'Re #' || n || '.' || (j + 1) || ': ' || ${pick('n + j * 3')} AS body,
            (${instant(start(plan))} + ((n * ${int(per + 2)} + j + 1) * ${int(plan.spanDays * DAY_MS)}::bigint / ${int((plan.posts + 1) * (per + 2))}) * interval '1 millisecond') AS created_at
          FROM generate_series(1::bigint, ${int(plan.posts)}::bigint) n,
               generate_series(0::bigint, ${int(per - 1)}::bigint) j
          WHERE j < n % ${int(per + 1)}`;
}

/**
 * Likes of post n: (n % (likesPerPost + 1)) of them, by distinct users (user steps of 17,
 * fewer than the users), created just after their post like its comments; id (n - 1) *
 * likesPerPost + j + 1. Likes live in the store of their post.
 */
export function likesSource(plan: DatasetPlan): string {
  const per = plan.likesPerPost;
  if (per * 17 >= plan.users) throw new RangeError('likesPerPost * 17 must stay below the number of users');
  return `SELECT ((n - 1) * ${int(per)} + j + 1)::int AS id, n::int AS post_id,
            (1 + (n * 13 + j * 17) % ${int(plan.users)})::int AS user_id,
            (${instant(start(plan))} + ((n * ${int(per + 2)} + j + 1) * ${int(plan.spanDays * DAY_MS)}::bigint / ${int((plan.posts + 1) * (per + 2))}) * interval '1 millisecond') AS created_at
          FROM generate_series(1::bigint, ${int(plan.posts)}::bigint) n,
               generate_series(0::bigint, ${int(per - 1)}::bigint) j
          WHERE j < n % ${int(per + 1)}`;
}

/** Rows of `source` whose post is older than the cutoff (cold) or not (hot): they move with their post. */
export function byPostAge(plan: DatasetPlan, source: string, side: 'hot' | 'cold'): string {
  return `SELECT s.* FROM (${source}) s JOIN (${postsSource(plan)}) p ON p.id = s.post_id
          WHERE p.created_at ${side === 'hot' ? '>=' : '<'} ${cutoffLiteral(plan)}`;
}

export function stocksSource(plan: DatasetPlan): string {
  return `SELECT s AS id, 'S' || lpad(s::text, 5, '0') AS symbol, 'Stock ' || s || ' Corp.' AS name,
            CASE WHEN s % 3 = 0 THEN 'TPEx' ELSE 'TWSE' END AS market, ${instant(start(plan))} - interval '10 days' AS created_at
          FROM generate_series(1, ${int(plan.stocks)}) s`;
}

/** The first and last trading day of the price history (weekdays only in between). */
export function priceDays(plan: DatasetPlan): { first: string; last: string } {
  const last = new Date(plan.anchor.getTime() - DAY_MS);
  const first = new Date(plan.anchor);
  first.setUTCFullYear(first.getUTCFullYear() - plan.priceYears);
  return { first: first.toISOString().slice(0, 10), last: last.toISOString().slice(0, 10) };
}

/**
 * Daily prices of every stock on every weekday of `priceYears` years; id = (stock - 1) * D + k
 * where k numbers the days (1 = oldest) and D is their count, so ids increase with the date
 * within a stock. Prices follow a smooth deterministic curve per stock.
 */
export function pricesSource(plan: DatasetPlan): string {
  const { first, last } = priceDays(plan);
  const curve = (k: string) => `(100 + (s % 400) + 40 * sin((${k}) / 30.0 + s))`;
  return `WITH days AS (
            SELECT d::date AS trade_date, row_number() OVER (ORDER BY d) AS k
            FROM generate_series(date '${first}', date '${last}', interval '1 day') d
            WHERE extract(isodow FROM d) < 6
          ), span AS (SELECT count(*) AS days FROM days)
          SELECT ((s - 1) * span.days + k)::int AS id, s AS stock_id, trade_date,
            round((${curve('k')} - 0.8)::numeric, 2) AS open, round((${curve('k')} + 1.1)::numeric, 2) AS high,
            round((${curve('k')} - 1.3)::numeric, 2) AS low, round(${curve('k')}::numeric, 2) AS close,
            round(${curve('k')}::numeric, 2) - round(${curve('k - 1')}::numeric, 2) AS change,
            (100000 + (k * s * 7919) % 9000000)::bigint AS volume,
            ((100000 + (k * s * 7919) % 9000000) * round(${curve('k')}::numeric))::bigint AS turnover,
            (1000 + (k + s) % 900)::int AS transaction_count,
            (trade_date + time '13:30') AT TIME ZONE 'UTC' AS created_at
          FROM generate_series(1, ${int(plan.stocks)}) s CROSS JOIN days CROSS JOIN span`;
}

export const cutoffLiteral = (plan: DatasetPlan) => instant(plan.cutoff);
export const cutoffDay = (plan: DatasetPlan) => `date '${plan.cutoff.toISOString().slice(0, 10)}'`;
