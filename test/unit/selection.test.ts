import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectsAny } from '../../src/graphql/selection.js';

const SENDER = [['edges', 'node', 'sender']] as const;

/** The resolve info of the first field under `conversation` (its `messages`). */
function infoOf(document: string) {
  const parsed = parse(document);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const conversation = operation.selectionSet.selections[0] as FieldNode;
  const messages = conversation.selectionSet!.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  return { fieldNodes: messages, fragments };
}

describe('selectsAny', () => {
  it('finds a field by its name, whatever its alias', () => {
    expect(selectsAny(infoOf(`{ conversation { messages { edges { node { who: sender { username } } } } } }`), SENDER)).toBe(true);
  });

  it('is false when the path is not selected', () => {
    expect(selectsAny(infoOf(`{ conversation { messages { edges { node { databaseId } } pageInfo { hasNextPage } } } }`), SENDER)).toBe(false);
    expect(selectsAny(infoOf(`{ conversation { messages { totalCount } } }`), SENDER)).toBe(false);
  });

  it('looks through named and inline fragments at any depth', () => {
    const named = `{ conversation { messages { ...Page } } } fragment Page on MessageConnection { edges { ...Edge } } fragment Edge on MessageEdge { node { sender { id } } }`;
    expect(selectsAny(infoOf(named), SENDER)).toBe(true);
    const inline = `{ conversation { messages { edges { node { ... on Message { sender { id } } } } } } }`;
    expect(selectsAny(infoOf(inline), SENDER)).toBe(true);
  });

  it('merges every node of the field (a field selected twice)', () => {
    expect(selectsAny(infoOf(`{ conversation { messages { totalCount } messages { edges { node { sender { id } } } } } }`), SENDER)).toBe(true);
  });

  it('counts a field under @skip or @include as selected: a prefetch only needs a likely answer', () => {
    expect(selectsAny(infoOf(`query ($s: Boolean!) { conversation { messages { edges { node { sender @include(if: $s) { id } } } } } }`), SENDER)).toBe(true);
  });

  it('terminates on a fragment that spreads itself (an unvalidated document)', () => {
    const cyclic = `{ conversation { messages { ...Loop } } } fragment Loop on MessageConnection { ...Loop totalCount }`;
    expect(selectsAny(infoOf(cyclic), SENDER)).toBe(false);
  });
});
