import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, PROJECT_ROOT, type OperationLimits } from '../../src/config.js';
import { checkOperationLimits, COUNT_PRICE, type OperationMeasure } from '../../src/graphql/limits/operation-limits.js';

const schema = buildSchema(readFileSync(path.join(PROJECT_ROOT, 'schema.graphql'), 'utf8'));

function measure(
  source: string,
  options: { variables?: Record<string, unknown>; limits?: Partial<OperationLimits>; introspection?: boolean } = {},
): OperationMeasure {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return checkOperationLimits({
    schema,
    document,
    operation,
    variables: options.variables,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    introspection: options.introspection ?? true,
  });
}

function refusal(source: string, options: Parameters<typeof measure>[1] = {}): { code: unknown; message: string } {
  try {
    measure(source, options);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return { code: (error as GraphQLError).extensions.code, message: (error as GraphQLError).message };
  }
  throw new Error('expected a refusal');
}

const MESSAGE_PAGE =
  '{ conversation(id: "x") { messages(first: 100) { edges { node { content sender { displayName } } } pageInfo { hasNextPage endCursor } } } }';

describe('operation limits', () => {
  it("lets the contract's everyday queries through, with the costs its docs state", () => {
    // conversation 1, messages 1, pageInfo 3, and 100 × (edges, node, content, sender, displayName).
    expect(measure(MESSAGE_PAGE)).toEqual({ depth: 6, aliases: 0, cost: 505, directives: 0, readVariables: false });
    expect(measure('{ stocks(first: 5) { edges { node { symbol name } } } }').cost).toBe(1 + 5 * 4);
    // A viewer's conversations with their messages and senders: 9 levels.
    expect(
      measure(
        '{ viewer { conversations(first: 10) { edges { node { messages(first: 20) { edges { node { sender { displayName } } } } } } } } }',
      ).depth,
    ).toBe(9);
  });

  it('counts a connection without first/last at the default page size, and only its edges', () => {
    expect(measure('{ stocks { totalCount pageInfo { hasNextPage } edges { node { symbol } } } }').cost).toBe(
      1 + COUNT_PRICE + 2 + 20 * 3,
    );
  });

  it('multiplies nested connections, and refuses what would touch too many records', () => {
    const nested = (n: number) =>
      `{ posts(first: ${n}) { edges { node { comments(first: ${n}) { edges { node { body } } } } } } }`;
    expect(measure(nested(20)).cost).toBe(1 + 20 * 3 + 20 * 20 * 3);
    expect(refusal(nested(50))).toMatchObject({
      code: 'MAX_COST_EXCEEDED',
      message: expect.stringContaining('QUERY_MAX_COST'),
    });
  });

  it('counts candles like a connection: by the candles their range may return', () => {
    // stock 1, candles 1, and 8 weekly candles (Monday 5 January to Sunday 1 March) × (period, close).
    expect(
      measure(
        '{ stock(symbol: "2330") { candles(interval: WEEK, from: "2026-01-05", to: "2026-03-01") { period close } } }',
      ).cost,
    ).toBe(2 + 8 * 2);
    // The same from variables; 3 stocks × 12 months × 1 field.
    const byVariables = measure(
      'query ($i: CandleInterval!, $f: Date) { stocks(first: 3) { edges { node { candles(interval: $i, from: $f, to: "2025-12-31") { close } } } } }',
      { variables: { i: 'MONTH', f: '2025-01-15' } },
    );
    expect(byVariables.cost).toBe(1 + 3 * 3 + 3 * 12);
    expect(byVariables.readVariables).toBe(true);
    // No `from`: the newest 1000 intervals, the most a request may have.
    expect(measure('{ stock(symbol: "2330") { candles(interval: YEAR) { close } } }').cost).toBe(2 + 1000);
    // A range the resolver refuses (too long, or reversed) counts as the most it could serve.
    expect(
      measure('{ stock(symbol: "2330") { candles(interval: WEEK, from: "1900-01-01", to: "2026-01-01") { close } } }')
        .cost,
    ).toBe(2 + 1000);
    expect(
      measure('{ stock(symbol: "2330") { candles(interval: WEEK, from: "2026-01-02", to: "2026-01-01") { close } } }')
        .cost,
    ).toBe(2 + 1000);
    expect(
      refusal(
        '{ stocks(first: 10) { edges { node { candles(interval: MONTH, from: "2000-01-01", to: "2025-12-31") { open close } } } } }',
      ).code,
    ).toBe('MAX_COST_EXCEEDED');
  });

  it('reads page sizes and ids from variables', () => {
    const query =
      'query($n: Int, $ids: [ID!]!) { stocks(first: $n) { edges { node { symbol } } } nodes(ids: $ids) { id } }';
    expect(measure(query, { variables: { n: 3, ids: Array.from({ length: 100 }, (_, i) => `id${i}`) } }).cost).toBe(
      1 + 3 * 3 + 1 + 100,
    );
    expect(refusal(query, { variables: { n: 1_000_000, ids: [] } }).code).toBe('MAX_COST_EXCEEDED');
    // A measure that read variables is not valid for other values: the plugin checks it anew each time.
    expect(measure(query, { variables: { n: 3, ids: [] } }).readVariables).toBe(true);
  });

  it('refuses depth past the limit, counting through fragments', () => {
    const deep =
      '{ viewer { conversations(first: 1) { edges { node { messages(first: 1) { edges { node { sender { posts(first: 1) { edges { node { title } } } } } } } } } } } }';
    expect(refusal(deep)).toMatchObject({ code: 'MAX_DEPTH_EXCEEDED', message: expect.stringContaining('10 levels') });
    expect(measure(deep, { limits: { maxDepth: 12 } }).depth).toBe(12);
    const viaFragment =
      '{ viewer { ...F } } fragment F on User { posts(first: 1) { edges { node { comments(first: 1) { edges { node { author { posts(first: 1) { edges { node { title } } } } } } } } } } }';
    expect(refusal(viaFragment).code).toBe('MAX_DEPTH_EXCEEDED');
  });

  it('counts aliases, fragments expanded, and refuses one past the limit', () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(measure(aliased(15)).aliases).toBe(15);
    expect(refusal(aliased(16)).code).toBe('MAX_ALIASES_EXCEEDED');
    expect(
      refusal(
        '{ ...F ...F ...F } fragment F on Query { a: __typename b: __typename c: __typename d: __typename e: __typename f: __typename }',
      ).code,
    ).toBe('MAX_ALIASES_EXCEEDED');
  });

  it('refuses more directives than allowed', () => {
    const directed = (n: number) => `{ __typename ${'@include(if: true) '.repeat(n)} }`;
    expect(measure(directed(50)).directives).toBe(50);
    expect(refusal(directed(51)).code).toBe('MAX_DIRECTIVES_EXCEEDED');
  });

  it('stays cheap on a fragment bomb: doubling fragments are refused, not expanded', () => {
    const fragments = Array.from(
      { length: 30 },
      (_, i) =>
        `fragment F${i} on Stock { ${i === 29 ? 'symbol' : `latestPrice { stock { ...F${i + 1} } } a${i}: latestPrice { stock { ...F${i + 1} } }`} }`,
    );
    const bomb = `{ stocks(first: 1) { edges { node { ...F0 } } } } ${fragments.join(' ')}`;
    // Expanded, it would hold 2^30 selections; the walk stops at the first limit it crosses.
    expect(refusal(bomb, { limits: { maxAliases: 1_000_000, maxDepth: 100 } }).code).toBe('MAX_COST_EXCEEDED');
    // With no cost limit to stop it, the walk's own bound does.
    expect(
      refusal(bomb, { limits: { maxAliases: 1_000_000, maxDepth: 100, maxCost: Number.MAX_SAFE_INTEGER } }).code,
    ).toBe('MAX_COST_EXCEEDED');
  });

  it('refuses introspection when it is off, but never __typename; introspection costs nothing', () => {
    expect(refusal('{ __schema { types { name } } }', { introspection: false })).toMatchObject({
      code: 'INTROSPECTION_DISABLED',
    });
    expect(refusal('{ __type(name: "User") { name } }', { introspection: false }).code).toBe('INTROSPECTION_DISABLED');
    expect(measure('{ __typename }', { introspection: false }).cost).toBe(0);
    expect(
      measure(
        '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }',
      ),
    ).toMatchObject({ depth: 0, cost: 0 });
  });

  it('prices a totalCount as one statement per store it counts on, so aliased counts cannot fan out', () => {
    expect(COUNT_PRICE).toBe(250);
    // stocks: the hot store alone; posts: both stores.
    expect(measure('{ stocks { totalCount } }').cost).toBe(1 + COUNT_PRICE);
    expect(measure('{ posts { totalCount } }').cost).toBe(1 + 2 * COUNT_PRICE);
    expect(measure('{ archivalRuns { totalCount } }').cost).toBe(1 + COUNT_PRICE);
    const aliased = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `p${i}: posts { totalCount }`).join(' ')} }`;
    // 15 aliased counts over both stores would be 30 full counts.
    expect(refusal(aliased(15))).toMatchObject({
      code: 'MAX_COST_EXCEEDED',
      message: expect.stringContaining('QUERY_MAX_COST'),
    });
    expect(refusal(aliased(10)).code).toBe('MAX_COST_EXCEEDED');
    expect(measure(aliased(9)).cost).toBe(9 * (1 + 2 * COUNT_PRICE));
    // A count under a list runs once per item: 10 conversations' message counts are 20 statements.
    const perItem = (n: number) =>
      `{ viewer { conversations(first: ${n}) { edges { node { messages { totalCount } } } } } }`;
    expect(measure(perItem(5)).cost).toBe(1 + 1 + 5 * 3 + 5 * 2 * COUNT_PRICE);
    expect(refusal(perItem(10)).code).toBe('MAX_COST_EXCEEDED');
    // The contract's everyday counts still pass.
    expect(measure('{ stocks(first: 100) { totalCount } users(first: 1) { totalCount } }').cost).toBe(
      2 * (1 + COUNT_PRICE),
    );
    expect(
      measure(
        '{ conversation(id: "x") { messages(first: 100) { totalCount edges { node { tier } } pageInfo { hasNextPage } } } }',
      ).cost,
    ).toBe(1 + 1 + 2 * COUNT_PRICE + 300 + 2);
  });
});
