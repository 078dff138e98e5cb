import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay global object identification. */
@InterfaceType('Node', {
  description:
    'Relay global object identification. Ids are opaque and do not change when a record moves between stores.',
  resolveType: (value: { readonly __typename: string }) => value.__typename,
})
export abstract class NodeType {
  /** Computed from the type and databaseId when a query asks for it (schema.ts): most pages never do. */
  @Field(() => ID)
  id?: string;
}

/** Every object handed to GraphQL as a Node names its type, so `resolveType` needs no lookups. */
export interface NodeShape {
  readonly __typename: string;
  readonly databaseId: number;
}
