/**
 * What a resolver can see of the fields selected under it, to start their reads early: the
 * arguments of each occurrence of one child field, through inline fragments and fragment
 * spreads, with variables and defaults applied as graphql-js would, and leaving out the
 * occurrences that @skip or @include turn off.
 */
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';

export function childArguments(info: GraphQLResolveInfo, child: string): Record<string, unknown>[] {
  const type = getNamedType(info.returnType);
  const field = isObjectType(type) ? type.getFields()[child] : undefined;
  if (!field || !isObjectType(type)) return [];
  const variables = info.variableValues;
  const included = (node: Parameters<typeof getDirectiveValues>[1]) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  const found: FieldNode[] = [];
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === child) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition?.name.value;
        if (on === undefined || on === type.name || type.getInterfaces().some((i) => i.name === on))
          visit(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        const on = fragment?.typeCondition.name.value;
        if (fragment && (on === type.name || type.getInterfaces().some((i) => i.name === on)))
          visit(fragment.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return found.map((node) => getArgumentValues(field, node, variables));
}
