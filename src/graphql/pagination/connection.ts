/**
 * Connection and edge types, and the assembly of a page from rows fetched with limit+1.
 */
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { PageRequest } from './args.js';
import { PageInfo } from './page-info.js';

export interface Edge<TNode> {
  readonly cursor: string;
  readonly node: TNode;
}

export interface Connection<TNode> {
  readonly edges: readonly Edge<TNode>[];
  readonly pageInfo: PageInfo;
  /** Computed only when the client selects totalCount. */
  totalCount(): Promise<number>;
  /**
   * Set when a store could not be read: the edges are a correct but short start of the page,
   * and this error is reported on the connection's path (incomplete.ts).
   */
  readonly incomplete?: Error;
}

/** An edge whose cursor is encoded only if the client asks for it (most pages ask for endCursor alone). */
class LazyEdge<TRow, TNode> implements Edge<TNode> {
  constructor(
    private readonly row: TRow,
    readonly node: TNode,
    private readonly encode: (row: TRow) => string,
  ) {}

  get cursor(): string {
    return this.encode(this.row);
  }
}

/** Declares `<Name>Edge` and `<Name>Connection` for a node type. */
export function connectionTypes<TNode extends object>(name: string, nodeType: ClassType<TNode>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: TNode;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    /** Resolved by calling the source object's own totalCount (see `Connection`). */
    @Field(() => Int)
    totalCount(): Promise<number> {
      throw new Error('ConnectionType is a schema declaration; resolvers return Connection objects');
    }
  }
  return { EdgeType, ConnectionType };
}

/**
 * Builds a connection from up to size+1 rows in the requested direction's order (the extra
 * row only says that another page exists). Backward rows arrive reversed and are put back in
 * the connection's order.
 */
export function connectionFromRows<TRow, TNode>(
  rows: readonly TRow[],
  page: PageRequest,
  cursorOf: (row: TRow) => string,
  toNode: (row: TRow) => TNode,
  totalCount: () => Promise<number>,
  options: { readonly moreFollow?: boolean } = {},
): Connection<TNode> {
  // `moreFollow`: the rows are known to be a short page, so another page must be claimed.
  const hasMore = options.moreFollow === true || rows.length > page.size;
  const kept = rows.slice(0, page.size);
  if (page.direction === 'backward') kept.reverse();
  const edges = kept.map((row) => new LazyEdge(row, toNode(row), cursorOf));
  const pageInfo: PageInfo = {
    hasNextPage: page.direction === 'forward' ? hasMore : page.cursor !== undefined,
    hasPreviousPage: page.direction === 'backward' ? hasMore : page.cursor !== undefined,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
  let counted: Promise<number> | undefined;
  return { edges, pageInfo, totalCount: () => (counted ??= totalCount()) };
}
