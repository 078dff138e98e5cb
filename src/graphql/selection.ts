/**
 * Whether an operation selects a field below the one being resolved, so that a resolver can
 * fetch ahead what a child will need. Conservative by contract: fragments (named and inline,
 * of any type condition) count as selected, and so do fields under @skip or @include, whose
 * variables are not evaluated here. A false answer is therefore certain; a true one only
 * likely, which is all a prefetch needs.
 */
import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/** True when any of `paths` (field names below this field, e.g. ['edges', 'node', 'sender'], whatever their aliases) may be selected. */
export function selectsAny(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, paths: readonly (readonly string[])[]): boolean {
  const sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  return paths.some((path) => sets.some((set) => selects(set, path, 0, info.fragments, new Set())));
}

function selects(set: SelectionSetNode, path: readonly string[], depth: number, fragments: Fragments, visited: Set<string>): boolean {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== path[depth]) continue;
      if (depth === path.length - 1) return true;
      if (selection.selectionSet && selects(selection.selectionSet, path, depth + 1, fragments, visited)) return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selects(selection.selectionSet, path, depth, fragments, visited)) return true;
    } else {
      // Validation forbids cycles; `visited` keeps an unvalidated document from looping (a
      // spread can only loop at the depth it started from: a field in between goes deeper).
      const fragment = fragments[selection.name.value];
      const key = `${selection.name.value}@${depth}`;
      if (!fragment || visited.has(key)) continue;
      visited.add(key);
      if (selects(fragment.selectionSet, path, depth, fragments, visited)) return true;
    }
  }
  return false;
}
