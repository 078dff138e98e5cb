/**
 * What one operation may ask for (config.ts OperationLimits), checked after validation and
 * before anything runs. Each limit refuses with its own code and says which setting it hit.
 *
 * Depth, aliases and cost are measured on the operation as it would execute: fragments
 * expanded where they are spread, inline fragments followed with their type condition.
 * - depth: nested field levels (introspection fields and __typename not counted);
 * - aliases: aliased fields, introspection included;
 * - cost: every field counts 1, multiplied by the page size of each connection whose edges it
 *   is under (`first`/`last`, or the default page size when neither is given), by the number
 *   of `ids` of `nodes`, by the number of candles `Stock.candles` may return (the intervals
 *   its `from`/`to` touch, at most MAX_CANDLES, the most when its arguments cannot be read:
 *   the resolver refuses those), and by LIST_FACTOR for a plain list field. It estimates the records
 *   an operation may touch: a conversation's 100-edge message page with sender names costs
 *   502; 50 posts with 50 comments each, 7,651 (refused by the default 5,000). A `totalCount`
 *   is a full count, one statement on each store its connection spans: it costs COUNT_PRICE
 *   per store (times the lists above it), so the default cost admits at most 20 counts per
 *   operation, and 15 aliased `posts { totalCount }` (30 counts) are refused.
 * - directives: counted over the whole document.
 * A fragment spread inside itself (refused by validation already) is not followed, and the
 * walk itself is bounded, so no document can make this check expensive.
 */
import {
  getNamedType,
  isListType,
  isNonNullType,
  Kind,
  OperationTypeNode,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { OperationLimits } from '../../config.js';
import { ErrorCode, RequestRejectedError } from '../../errors.js';
import { candleRange, MAX_CANDLES } from '../candle/candle-range.js';
import { CandleInterval } from '../enums.js';
import { DEFAULT_PAGE_SIZE } from '../pagination/args.js';

/** The multiplier for a list field with no page size (participants, activity days). */
export const LIST_FACTOR = 10;
/**
 * What one count statement costs: a COUNT(*) reads every row of its range in an index, far more
 * than a page does, and holds a pooled connection meanwhile. 250 keeps 20 counts within the
 * default QUERY_MAX_COST of 5,000.
 */
export const COUNT_PRICE = 250;
/**
 * Connections whose count runs on one store only (hot: stocks, users, a user's conversations;
 * cold: archival runs); every other connection is stitched and counts on both.
 */
const SINGLE_STORE_CONNECTIONS = new Set([
  'StockConnection',
  'UserConnection',
  'ConversationConnection',
  'ArchivalRunConnection',
]);
/** Selections visited at most, whatever the limits: a bound on this check's own work. */
const MAX_VISITS = 100_000;

export interface OperationMeasure {
  readonly depth: number;
  readonly aliases: number;
  readonly cost: number;
  readonly directives: number;
  /** Whether a variable's value counted (a page size or an id list given as a variable). */
  readonly readVariables: boolean;
}

export interface LimitCheck {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  readonly limits: OperationLimits;
  /** False in production without ENABLE_SANDBOX: __schema and __type are refused. */
  readonly introspection: boolean;
}

/** Throws a RequestRejectedError for the first limit exceeded; returns the measure otherwise. */
export function checkOperationLimits(check: LimitCheck): OperationMeasure {
  const { limits } = check;
  let directives = 0;
  visit(check.document, {
    Directive() {
      directives += 1;
    },
  });
  if (directives > limits.maxDirectives) {
    throw reject(
      ErrorCode.MAX_DIRECTIVES_EXCEEDED,
      `The document has ${directives} directives; at most ${limits.maxDirectives} are allowed (QUERY_MAX_DIRECTIVES).`,
    );
  }
  const measure = new Walk(check).run();
  return { ...measure, directives };
}

class Walk {
  private readonly fragments: Map<string, FragmentDefinitionNode>;
  private depth = 0;
  private aliases = 0;
  private cost = 0;
  private visits = 0;
  private readVariables = false;

  constructor(private readonly check: LimitCheck) {
    this.fragments = new Map(
      check.document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
  }

  run(): Omit<OperationMeasure, 'directives'> {
    const { schema, operation } = this.check;
    const root =
      operation.operation === OperationTypeNode.MUTATION
        ? schema.getMutationType()
        : operation.operation === OperationTypeNode.SUBSCRIPTION
          ? schema.getSubscriptionType()
          : schema.getQueryType();
    this.selections(operation.selectionSet, root ?? undefined, 0, 1, 1, [], false);
    return { depth: this.depth, aliases: this.aliases, cost: this.cost, readVariables: this.readVariables };
  }

  /** `pageSize`: when `parent` is a connection, how many times its `edges` may resolve. */
  private selections(
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    depth: number,
    outer: number,
    pageSize: number,
    spreads: readonly string[],
    introspective: boolean,
  ): void {
    const { limits } = this.check;
    for (const selection of set.selections) {
      if (++this.visits > MAX_VISITS) throw this.tooCostly();
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.check.schema.getType(selection.typeCondition.name.value) : parent;
        this.selections(selection.selectionSet, type ?? undefined, depth, outer, pageSize, spreads, introspective);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || spreads.includes(name)) continue;
        this.selections(
          fragment.selectionSet,
          this.check.schema.getType(fragment.typeCondition.name.value) ?? undefined,
          depth,
          outer,
          pageSize,
          [...spreads, name],
          introspective,
        );
        continue;
      }
      const name = selection.name.value;
      if (selection.alias && ++this.aliases > limits.maxAliases) {
        throw reject(
          ErrorCode.MAX_ALIASES_EXCEEDED,
          `The operation has more than ${limits.maxAliases} aliased fields (QUERY_MAX_ALIASES).`,
        );
      }
      if ((name === '__schema' || name === '__type') && !this.check.introspection) {
        throw reject(
          ErrorCode.INTROSPECTION_DISABLED,
          'Introspection is disabled on this gateway (production without ENABLE_SANDBOX=true).',
        );
      }
      const field =
        parent && 'getFields' in parent
          ? (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name]
          : undefined;
      const inIntrospection = introspective || name.startsWith('__');
      const edges = name === 'edges' && isConnection(parent);
      const multiplier = edges ? Math.min(outer * pageSize, Number.MAX_SAFE_INTEGER) : outer;
      if (!inIntrospection) {
        if (depth + 1 > limits.maxDepth) {
          throw reject(
            ErrorCode.MAX_DEPTH_EXCEEDED,
            `The operation nests fields more than ${limits.maxDepth} levels deep (QUERY_MAX_DEPTH).`,
          );
        }
        this.depth = Math.max(this.depth, depth + 1);
        this.cost +=
          name === 'totalCount' && isConnection(parent)
            ? Math.min(multiplier * countStatements(parent) * COUNT_PRICE, Number.MAX_SAFE_INTEGER)
            : multiplier;
        if (this.cost > limits.maxCost) throw this.tooCostly();
      }
      if (selection.selectionSet) {
        const type = field ? getNamedType(field.type) : undefined;
        // A connection's edges are already counted per edge (`multiplier`).
        const factor = inIntrospection || !field || edges ? 1 : this.factor(field, selection.arguments ?? []);
        // A connection's page size applies to its edges only, not to pageInfo or totalCount.
        const [childOuter, childPage] = isConnection(type)
          ? [multiplier, factor]
          : [Math.min(multiplier * factor, Number.MAX_SAFE_INTEGER), 1];
        this.selections(selection.selectionSet, type, depth + 1, childOuter, childPage, spreads, inIntrospection);
      }
    }
  }

  /** How many times a field's selection may be resolved per resolution of the field. */
  private factor(
    field: GraphQLField<unknown, unknown>,
    args: readonly { name: { value: string }; value: ValueNode }[],
  ): number {
    const argument = (name: string) => args.find((a) => a.name.value === name)?.value;
    if (field.args.some((a) => a.name === 'first' || a.name === 'last')) {
      const sizes = ['first', 'last']
        .map((name) => this.number(argument(name)))
        .filter((n): n is number => n !== undefined);
      return sizes.length > 0 ? Math.max(...sizes) : DEFAULT_PAGE_SIZE;
    }
    if (field.args.some((a) => a.name === 'ids')) return Math.max(1, this.listLength(argument('ids')) ?? 1);
    if (field.name === 'candles' && field.args.some((a) => a.name === 'interval')) {
      return candleCount(this.value(argument('interval')), this.value(argument('from')), this.value(argument('to')));
    }
    return isList(field.type) ? LIST_FACTOR : 1;
  }

  private value(node: ValueNode | undefined): unknown {
    if (!node) return undefined;
    if (node.kind === Kind.VARIABLE) {
      this.readVariables = true;
      return this.check.variables?.[node.name.value];
    }
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.LIST) return node.values;
    if (node.kind === Kind.ENUM || node.kind === Kind.STRING) return node.value;
    if (node.kind === Kind.NULL) return null;
    return undefined;
  }

  private number(node: ValueNode | undefined): number | undefined {
    const value = this.value(node);
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.min(value, 1e9)) : undefined;
  }

  private listLength(node: ValueNode | undefined): number | undefined {
    const value = this.value(node);
    return Array.isArray(value) ? value.length : undefined;
  }

  private tooCostly(): RequestRejectedError {
    return reject(
      ErrorCode.MAX_COST_EXCEEDED,
      `The operation may touch more than ${this.check.limits.maxCost} records (QUERY_MAX_COST): ask for smaller pages (first/last) or fewer nested connections.`,
    );
  }
}

/** The candles `Stock.candles(interval, from, to)` may return: as the resolver counts them, at most MAX_CANDLES. */
function candleCount(interval: unknown, from: unknown, to: unknown): number {
  const day = (value: unknown): Date | null | undefined => {
    if (value === null || value === undefined) return value;
    const date =
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new RangeError('not a date');
    return date;
  };
  if (!Object.values<unknown>(CandleInterval).includes(interval)) return MAX_CANDLES;
  try {
    return Math.min(candleRange(interval as CandleInterval, day(from), day(to)).count, MAX_CANDLES);
  } catch {
    return MAX_CANDLES;
  }
}

function isConnection(type: GraphQLNamedType | undefined): boolean {
  return type !== undefined && type.name.endsWith('Connection');
}

/** The stores a connection's totalCount counts on (conservatively both for any not listed). */
function countStatements(connection: GraphQLNamedType | undefined): number {
  return connection !== undefined && SINGLE_STORE_CONNECTIONS.has(connection.name) ? 1 : 2;
}

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function reject(code: ErrorCode, message: string): RequestRejectedError {
  return new RequestRejectedError(code, message, 400);
}
