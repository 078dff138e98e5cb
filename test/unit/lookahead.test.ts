/**
 * childArguments (src/graphql/lookahead.ts): what a resolver sees of one child field's
 * occurrences below it, as graphql-js would resolve them.
 */
import { graphql, buildSchema, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { childArguments } from '../../src/graphql/lookahead.js';

const schema = buildSchema(`
  interface Node { id: ID! }
  type Conversation implements Node { id: ID! title: String messages(first: Int, after: String, last: Int = 7): [String] }
  type Stock implements Node { id: ID! messages(first: Int): [String] }
  type Query { conversation: Conversation }
`);

async function seen(source: string, variableValues?: Record<string, unknown>) {
  let found: Record<string, unknown>[] = [];
  const result = await graphql({
    schema,
    source,
    variableValues,
    rootValue: {
      conversation: (_: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        found = childArguments(info, 'messages');
        return { id: '1', title: 't', messages: () => [] };
      },
    },
  });
  expect(result.errors).toBeUndefined();
  return found;
}

describe('childArguments', () => {
  it('gives every occurrence, aliased, with variables and defaults applied', async () => {
    expect(
      await seen('query ($n: Int) { conversation { a: messages(first: $n) b: messages(after: "x") title } }', { n: 3 }),
    ).toEqual([
      { first: 3, last: 7 },
      { after: 'x', last: 7 },
    ]);
  });

  it('looks through inline fragments and spreads on the type or its interfaces', async () => {
    const source = `{ conversation { ... on Conversation { m1: messages(first: 1) } ... on Node { ...F } ...G } }
      fragment F on Conversation { m2: messages(first: 2) }
      fragment G on Conversation { m3: messages(first: 3) }`;
    expect((await seen(source)).map((args) => args.first)).toEqual([1, 2, 3]);
  });

  it('leaves out what @skip and @include turn off', async () => {
    const source =
      'query ($off: Boolean!) { conversation { m1: messages(first: 1) @skip(if: $off) ... @include(if: false) { m2: messages(first: 2) } m3: messages(first: 3) @include(if: true) } }';
    expect((await seen(source, { off: true })).map((args) => args.first)).toEqual([3]);
    expect((await seen(source, { off: false })).map((args) => args.first)).toEqual([1, 3]);
  });

  it('finds nothing when the field is not selected', async () => {
    expect(await seen('{ conversation { title } }')).toEqual([]);
  });
});
