/**
 * Deterministic demo data: the same anchor (and scale) always yields identical rows.
 *
 * Pure: no I/O, no clock, no Math.random. Every timestamp is relative to `anchor` and holds whole
 * milliseconds (the stores keep datetime2(3) / timestamptz(3)). Ids of time-ordered tables
 * (messages, posts, comments, likes, prices) increase with created_at, as they would in a live
 * hot store, so archival by age moves a prefix of each id range.
 */

export interface DemoUser {
  id: number;
  username: string;
  displayName: string;
  createdAt: Date;
}

export interface DemoStock {
  id: number;
  symbol: string;
  name: string;
  market: string;
  createdAt: Date;
}

export interface DemoConversation {
  id: number;
  title: string;
  createdAt: Date;
}

export interface DemoParticipant {
  conversationId: number;
  userId: number;
  joinedAt: Date;
}

export interface DemoMessage {
  id: number;
  conversationId: number;
  senderId: number;
  content: string;
  createdAt: Date;
}

export interface DemoPost {
  id: number;
  authorId: number;
  title: string;
  body: string;
  createdAt: Date;
}

export interface DemoComment {
  id: number;
  postId: number;
  authorId: number;
  body: string;
  createdAt: Date;
}

export interface DemoLike {
  id: number;
  postId: number;
  userId: number;
  createdAt: Date;
}

export interface DemoPrice {
  id: number;
  stockId: number;
  /** 'YYYY-MM-DD' (a weekday). */
  tradeDate: string;
  /** Decimal strings with 2 decimals. */
  open: string;
  high: string;
  low: string;
  close: string;
  /** close minus the previous trading day's close. */
  change: string;
  /** Shares; a safe integer (the column is BIGINT). */
  volume: number;
  /** ≈ volume × average price, integer (the column is BIGINT). */
  turnover: number;
  transactionCount: number;
  /** tradeDate at 13:30 Taipei time (05:30Z). */
  createdAt: Date;
}

export interface DemoData {
  anchor: Date;
  users: DemoUser[];
  stocks: DemoStock[];
  conversations: DemoConversation[];
  participants: DemoParticipant[];
  messages: DemoMessage[];
  posts: DemoPost[];
  comments: DemoComment[];
  likes: DemoLike[];
  prices: DemoPrice[];
}

/** The stable demo user (id 1): in at least 10 conversations and author of several posts. */
export const DEMO_USER = { id: 1, username: 'demo', displayName: 'Demo User' } as const;

const DAY_MS = 86_400_000;
const SEED = 0x5eed_2330;

const USER_COUNT = 200;
const CONVERSATION_COUNT = 300;
const MESSAGES_AT_SCALE_1 = 200_000;
const POSTS_AT_SCALE_1 = 5_000;
const ACTIVITY_DAYS = 120;
const PRICE_YEARS = 3;

/** mulberry32: small, fast, good enough for demo data. Returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Poisson(lambda) by Knuth's method (small lambdas only), capped at max. */
  poisson(lambda: number, max: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return Math.min(k, max);
  }
  /** `count` distinct integers from [1, n] (partial Fisher–Yates over a scratch array). */
  distinct(n: number, count: number, scratch: Int32Array): number[] {
    for (let i = 0; i < n; i++) scratch[i] = i + 1;
    const out: number[] = [];
    for (let i = 0; i < count && i < n; i++) {
      const j = i + Math.floor(this.next() * (n - i));
      const tmp = scratch[i];
      scratch[i] = scratch[j];
      scratch[j] = tmp;
      out.push(scratch[i]);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Reference data

const FIRST_NAMES = [
  'Alice',
  'Brian',
  'Chloe',
  'Daniel',
  'Emily',
  'Frank',
  'Grace',
  'Henry',
  'Iris',
  'Jason',
  'Karen',
  'Leo',
  'Mia',
  'Nathan',
  'Olivia',
  'Peter',
  'Queenie',
  'Ryan',
  'Sophia',
  'Tony',
  'Ursula',
  'Vincent',
  'Wendy',
  'Xavier',
  'Yvonne',
  'Zack',
  'Amber',
  'Ben',
  'Cindy',
  'David',
  'Eva',
  'Felix',
  'Gina',
  'Howard',
  'Ivy',
  'Jerry',
  'Kevin',
  'Lily',
  'Michael',
  'Nina',
] as const;

const LAST_NAMES = [
  'Chen',
  'Lin',
  'Huang',
  'Chang',
  'Lee',
  'Wang',
  'Wu',
  'Liu',
  'Tsai',
  'Yang',
  'Hsu',
  'Cheng',
  'Hsieh',
  'Kuo',
  'Hung',
  'Tseng',
  'Chiu',
  'Liao',
  'Lai',
  'Chou',
  'Yeh',
  'Su',
  'Chuang',
  'Lu',
  'Chiang',
  'Ho',
  'Lo',
  'Kao',
  'Hsiao',
  'Pan',
] as const;

/** [symbol, English name, short name used in chat, approximate starting price]. */
const TWSE_STOCKS: readonly (readonly [string, string, string, number])[] = [
  ['2330', 'Taiwan Semiconductor Manufacturing (TSMC)', 'TSMC', 520],
  ['2317', 'Hon Hai Precision Industry', 'Foxconn', 105],
  ['2454', 'MediaTek', 'MediaTek', 780],
  ['2308', 'Delta Electronics', 'Delta', 290],
  ['2412', 'Chunghwa Telecom', 'Chunghwa', 118],
  ['2881', 'Fubon Financial Holding', 'Fubon', 62],
  ['2882', 'Cathay Financial Holding', 'Cathay', 44],
  ['1301', 'Formosa Plastics', 'Formosa', 88],
  ['2303', 'United Microelectronics (UMC)', 'UMC', 48],
  ['2002', 'China Steel', 'CSC', 30],
  ['2891', 'CTBC Financial Holding', 'CTBC', 24],
  ['1303', 'Nan Ya Plastics', 'NanYa', 68],
  ['2886', 'Mega Financial Holding', 'Mega', 36],
  ['3711', 'ASE Technology Holding', 'ASE', 110],
  ['2884', 'E.Sun Financial Holding', 'E.Sun', 26],
  ['1216', 'Uni-President Enterprises', 'Uni-President', 72],
  ['2885', 'Yuanta Financial Holding', 'Yuanta', 22],
  ['2382', 'Quanta Computer', 'Quanta', 95],
  ['2357', 'Asustek Computer', 'Asus', 310],
  ['2892', 'First Financial Holding', 'FirstFin', 26],
  ['3008', 'Largan Precision', 'Largan', 2100],
  ['1326', 'Formosa Chemicals & Fibre', 'FCFC', 70],
  ['6505', 'Formosa Petrochemical', 'FPCC', 85],
  ['2207', 'Hotai Motor', 'Hotai', 620],
  ['2379', 'Realtek Semiconductor', 'Realtek', 390],
  ['5880', 'Taiwan Cooperative Financial Holding', 'TCFHC', 27],
  ['2880', 'Hua Nan Financial Holding', 'HuaNan', 21],
  ['2887', 'Taishin Financial Holding', 'Taishin', 17],
  ['2395', 'Advantech', 'Advantech', 360],
  ['3045', 'Taiwan Mobile', 'TWM', 98],
  ['4904', 'Far EasTone Telecommunications', 'FarEasTone', 72],
  ['2912', 'President Chain Store', 'PCSC', 270],
  ['1101', 'Taiwan Cement', 'TCC', 40],
  ['2603', 'Evergreen Marine', 'Evergreen', 140],
  ['2609', 'Yang Ming Marine Transport', 'YangMing', 65],
  ['2615', 'Wan Hai Lines', 'WanHai', 55],
  ['3034', 'Novatek Microelectronics', 'Novatek', 420],
  ['2327', 'Yageo', 'Yageo', 480],
  ['3231', 'Wistron', 'Wistron', 45],
  ['2301', 'Lite-On Technology', 'LiteOn', 70],
  ['2345', 'Accton Technology', 'Accton', 260],
  ['3037', 'Unimicron Technology', 'Unimicron', 160],
  ['2408', 'Nanya Technology', 'NanyaTech', 65],
  ['4938', 'Pegatron', 'Pegatron', 70],
  ['2801', 'Chang Hwa Commercial Bank', 'ChangHwa', 18],
  ['5871', 'Chailease Holding', 'Chailease', 210],
  ['2105', 'Cheng Shin Rubber Industry', 'Maxxis', 40],
  ['1402', 'Far Eastern New Century', 'FENC', 31],
  ['9910', 'Feng Tay Enterprises', 'FengTay', 180],
  ['2376', 'Gigabyte Technology', 'Gigabyte', 120],
];

const CHAT_WORDS = [
  'buy',
  'sell',
  'hold',
  'dip',
  'rally',
  'breakout',
  'support',
  'resistance',
  'volume',
  'earnings',
  'guidance',
  'dividend',
  'yield',
  'margin',
  'revenue',
  'forecast',
  'foreign',
  'investors',
  'futures',
  'options',
  'today',
  'tomorrow',
  'this',
  'week',
  'opened',
  'closed',
  'higher',
  'lower',
  'flat',
  'gap',
  'up',
  'down',
  'again',
  'finally',
  'maybe',
  'really',
  'think',
  'looks',
  'strong',
  'weak',
  'target',
  'price',
  'chart',
  'trend',
  'moving',
  'average',
  'the',
  'a',
  'is',
  'on',
  'at',
  'for',
  'and',
  'but',
  'so',
  'I',
  'we',
  'you',
  'still',
  'just',
  'added',
  'trimmed',
  'position',
  'shares',
  'lots',
  'AI',
  'servers',
  'chips',
  'wafer',
  'capex',
  'demand',
  'inventory',
  'export',
  'orders',
  'Fed',
  'rates',
  'TAIEX',
  'index',
  'ETF',
  '0050',
  'market',
  'close',
  'morning',
  'session',
  'red',
  'green',
  'bullish',
  'bearish',
  'oversold',
  'overbought',
  'news',
  'report',
  'quarter',
  'monthly',
  'sales',
  'beat',
  'miss',
  'expectations',
  'conference',
  'call',
  'ex-dividend',
  'date',
  'payout',
] as const;

const CONVERSATION_TITLES: readonly ((symbol: string, short: string, n: number) => string)[] = [
  (symbol) => `${symbol} earnings watch`,
  (_s, _short, n) => `Dividend hunters #${n}`,
  (_s, short) => `${short} bulls`,
  (symbol, short) => `${short} (${symbol}) long-term holders`,
  (_s, _short, n) => `Semiconductor chat #${n}`,
  (_s, _short, n) => `ETF lounge #${n}`,
  (_s, _short, n) => `Day traders club #${n}`,
  (symbol) => `${symbol} technical analysis`,
  (_s, short) => `${short} news and rumours`,
  (_s, _short, n) => `Shipping stocks #${n}`,
  (_s, _short, n) => `Financials & banks #${n}`,
  (_s, _short, n) => `Value investing circle #${n}`,
];

const POST_TITLES: readonly ((symbol: string, short: string) => string)[] = [
  (symbol, short) => `Why I am bullish on ${short} (${symbol})`,
  (symbol) => `${symbol} quarterly earnings recap`,
  (symbol, short) => `${short} ${symbol}: is the dip a buying opportunity?`,
  (symbol, short) => `Dividend outlook for ${short} (${symbol})`,
  (symbol, short) => `My ${short} position after this week`,
  (symbol) => `Chart check: ${symbol} near resistance`,
  (symbol, short) => `${short} monthly revenue beats expectations (${symbol})`,
  (symbol, short) => `Thoughts on ${short} valuation, ${symbol}`,
];

// ---------------------------------------------------------------------------------------------

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function cents(value: number): string {
  // Integers only; toFixed(2) on an integer/100 is exact to two places.
  return (value / 100).toFixed(2);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Random times in the open interval (end - spanMs, end), sorted ascending, whole milliseconds. */
function sortedTimes(rng: Random, count: number, endMs: number, spanMs: number): Float64Array {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = endMs - spanMs + 1 + Math.floor(rng.float() * (spanMs - 1));
  return times.sort();
}

export function generateDemoData(anchor: Date, scale = 1): DemoData {
  const anchorMs = anchor.getTime();
  if (!Number.isFinite(anchorMs)) throw new RangeError('generateDemoData: invalid anchor date');
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RangeError('generateDemoData: scale must be a positive number');
  // Each section draws from its own stream, so that the length of one (the number of trading
  // days depends on the anchor; message and post counts on the scale) does not shift the others:
  // users, conversations and participants are the same for every anchor and scale.
  let rng = new Random(SEED);
  const stream = (section: number): Random => (rng = new Random(SEED + section * 0x9e3779b9));

  // Stock references used inside text, weighted towards the popular names.
  const stockWeights = TWSE_STOCKS.map((_, i) => 1 / Math.pow(i + 1, 0.9));
  const stockCumulative = cumulative(stockWeights);
  const pickStockIndex = (): number =>
    bisect(stockCumulative, rng.float() * stockCumulative[stockCumulative.length - 1]);
  const stockWord = (): string => {
    const [symbol, , short] = TWSE_STOCKS[pickStockIndex()];
    return rng.chance(0.5) ? symbol : short;
  };
  const sentence = (minWords: number, maxWords: number): string => {
    const count = rng.int(minWords, maxWords);
    const words: string[] = [];
    for (let i = 0; i < count; i++) words.push(rng.chance(0.07) ? stockWord() : rng.pick(CHAT_WORDS));
    const ending = rng.float();
    return capitalize(words.join(' ')) + (ending < 0.7 ? '.' : ending < 0.85 ? '!' : '?');
  };

  // Users ---------------------------------------------------------------------------------------
  stream(1);
  const userTimes = sortedTimes(rng, USER_COUNT, anchorMs - 185 * DAY_MS, 545 * DAY_MS);
  const users: DemoUser[] = [
    {
      id: DEMO_USER.id,
      username: DEMO_USER.username,
      displayName: DEMO_USER.displayName,
      createdAt: new Date(userTimes[0]),
    },
  ];
  const usedNames = new Set<string>([DEMO_USER.username]);
  for (let id = 2; id <= USER_COUNT; id++) {
    let first: string;
    let last: string;
    let username: string;
    do {
      first = rng.pick(FIRST_NAMES);
      last = rng.pick(LAST_NAMES);
      username = `${first}.${last}`.toLowerCase();
    } while (usedNames.has(username));
    usedNames.add(username);
    users.push({ id, username, displayName: `${first} ${last}`, createdAt: new Date(userTimes[id - 1]) });
  }
  const scratch = new Int32Array(USER_COUNT);

  // Trading days ---------------------------------------------------------------------------------
  const anchorDay = Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate());
  const startDay = Date.UTC(anchor.getUTCFullYear() - PRICE_YEARS, anchor.getUTCMonth(), anchor.getUTCDate());
  const tradeDays: number[] = [];
  for (let day = startDay + DAY_MS; day <= anchorDay; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) tradeDays.push(day);
  }

  // Stocks --------------------------------------------------------------------------------------
  const stocks: DemoStock[] = TWSE_STOCKS.map(([symbol, name], i) => ({
    id: i + 1,
    symbol,
    name,
    market: 'TWSE',
    createdAt: new Date(startDay),
  }));

  // Prices: a random walk per stock, in integer cents; ids in (tradeDate, stockId) order --------
  stream(2);
  const prevClose = TWSE_STOCKS.map(([, , , base]) => Math.round(base * 100 * (0.85 + 0.3 * rng.float())));
  const volatility = TWSE_STOCKS.map(() => 0.01 + 0.015 * rng.float());
  const baseVolume = TWSE_STOCKS.map((_, i) => Math.round((3_000_000 + 40_000_000 * rng.float()) / Math.sqrt(i + 1)));
  const prices: DemoPrice[] = [];
  let priceId = 0;
  for (const day of tradeDays) {
    const tradeDate = isoDate(day);
    const createdAt = day + 5.5 * 3_600_000;
    for (let s = 0; s < stocks.length; s++) {
      const previous = prevClose[s];
      const open = Math.max(1, Math.round(previous * (1 + 0.004 * rng.normal())));
      // A slight upward drift keeps the walk away from zero.
      const close = Math.max(1, Math.round(previous * (1 + 0.0003 + volatility[s] * rng.normal())));
      const high = Math.max(open, close) + Math.floor(Math.max(open, close) * 0.012 * rng.float());
      const low = Math.max(1, Math.min(open, close) - Math.floor(Math.min(open, close) * 0.012 * rng.float()));
      const volume = Math.max(1000, Math.round(baseVolume[s] * Math.exp(0.45 * rng.normal())));
      const averageCents = (open + high + low + close) / 4;
      prices.push({
        id: ++priceId,
        stockId: s + 1,
        tradeDate,
        open: cents(open),
        high: cents(high),
        low: cents(low),
        close: cents(close),
        change: cents(close - previous),
        volume,
        turnover: Math.round((volume * averageCents) / 100),
        transactionCount: Math.max(1, Math.round(volume / (600 + 2400 * rng.float()))),
        createdAt: new Date(createdAt),
      });
      prevClose[s] = close;
    }
  }

  // Conversations and participants --------------------------------------------------------------
  stream(3);
  const conversationTimes = sortedTimes(rng, CONVERSATION_COUNT, anchorMs - 120 * DAY_MS, 60 * DAY_MS);
  const conversations: DemoConversation[] = [];
  const participants: DemoParticipant[] = [];
  const members: number[][] = [];
  const titleCounters = new Map<number, number>();
  for (let id = 1; id <= CONVERSATION_COUNT; id++) {
    const template = rng.int(0, CONVERSATION_TITLES.length - 1);
    const n = (titleCounters.get(template) ?? 0) + 1;
    titleCounters.set(template, n);
    const [symbol, , short] = TWSE_STOCKS[pickStockIndex()];
    const createdAt = new Date(conversationTimes[id - 1]);
    conversations.push({ id, title: CONVERSATION_TITLES[template](symbol, short, n), createdAt });

    const size = rng.int(3, 8);
    // The demo user is in every 20th conversation (15 of them) and, rarely, elsewhere.
    const withDemo = id % 20 === 1 || rng.chance(0.02);
    let chosen = rng.distinct(USER_COUNT - 1, withDemo ? size - 1 : size, scratch).map((u) => u + 1);
    if (withDemo) chosen = [DEMO_USER.id, ...chosen];
    chosen.sort((a, b) => a - b);
    members.push(chosen);
    for (const userId of chosen) participants.push({ conversationId: id, userId, joinedAt: createdAt });
  }

  // Messages: uneven over conversations (a few busy ones), ids ascending with time -------------
  const messageCount = Math.round(MESSAGES_AT_SCALE_1 * scale);
  stream(4);
  const conversationWeights = conversations.map((c) => {
    const w = -Math.log(1 - rng.float());
    // Heavy tail; the demo user's conversations are lively.
    return w * w + (members[c.id - 1][0] === DEMO_USER.id ? 2 : 0.1);
  });
  const conversationCumulative = cumulative(conversationWeights);
  const conversationTotal = conversationCumulative[conversationCumulative.length - 1];
  const messageTimes = sortedTimes(rng, messageCount, anchorMs, ACTIVITY_DAYS * DAY_MS);
  const messages: DemoMessage[] = new Array<DemoMessage>(messageCount);
  for (let i = 0; i < messageCount; i++) {
    const c = bisect(conversationCumulative, rng.float() * conversationTotal);
    const group = members[c];
    messages[i] = {
      id: i + 1,
      conversationId: c + 1,
      senderId: rng.pick(group),
      content: sentence(3, 30),
      createdAt: new Date(messageTimes[i]),
    };
  }

  // Posts ---------------------------------------------------------------------------------------
  stream(5);
  const postCount = Math.round(POSTS_AT_SCALE_1 * scale);
  const postTimes = sortedTimes(rng, postCount, anchorMs, ACTIVITY_DAYS * DAY_MS);
  const posts: DemoPost[] = new Array<DemoPost>(postCount);
  for (let i = 0; i < postCount; i++) {
    const [symbol, , short] = TWSE_STOCKS[pickStockIndex()];
    const paragraphs = rng.int(2, 6);
    const body: string[] = [];
    for (let p = 0; p < paragraphs; p++) body.push(sentence(8, 30));
    posts[i] = {
      id: i + 1,
      authorId: rng.chance(0.03) ? DEMO_USER.id : rng.int(1, USER_COUNT),
      title: rng.pick(POST_TITLES)(symbol, short),
      body: body.join(' '),
      createdAt: new Date(postTimes[i]),
    };
  }

  // Comments and likes: after their post, within 10 days, before the anchor ---------------------
  stream(6);
  type Pending<T> = { at: number; row: Omit<T, 'id' | 'createdAt'> };
  const pendingComments: Pending<DemoComment>[] = [];
  const pendingLikes: Pending<DemoLike>[] = [];
  const reactionTime = (postMs: number): number | undefined => {
    const end = Math.min(postMs + 10 * DAY_MS, anchorMs);
    if (end - postMs < 2) return undefined;
    // Most reactions come soon after the post.
    const f = rng.float();
    return postMs + 1 + Math.floor(f * f * (end - postMs - 1));
  };
  for (const post of posts) {
    const postMs = post.createdAt.getTime();
    const commentCount = rng.poisson(3, 8);
    for (let k = 0; k < commentCount; k++) {
      const at = reactionTime(postMs);
      if (at === undefined) break;
      pendingComments.push({ at, row: { postId: post.id, authorId: rng.int(1, USER_COUNT), body: sentence(3, 25) } });
    }
    const likeCount = rng.poisson(6, 15);
    for (const userId of rng.distinct(USER_COUNT, likeCount, scratch)) {
      const at = reactionTime(postMs);
      if (at === undefined) break;
      pendingLikes.push({ at, row: { postId: post.id, userId } });
    }
  }
  // Array.prototype.sort is stable: equal times keep generation order.
  pendingComments.sort((a, b) => a.at - b.at);
  pendingLikes.sort((a, b) => a.at - b.at);
  const comments: DemoComment[] = pendingComments.map((p, i) => ({ id: i + 1, ...p.row, createdAt: new Date(p.at) }));
  const likes: DemoLike[] = pendingLikes.map((p, i) => ({ id: i + 1, ...p.row, createdAt: new Date(p.at) }));

  return {
    anchor: new Date(anchorMs),
    users,
    stocks,
    conversations,
    participants,
    messages,
    posts,
    comments,
    likes,
    prices,
  };
}

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) out[i] = sum += weights[i];
  return out;
}

/** The first index whose cumulative weight exceeds x. */
function bisect(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
