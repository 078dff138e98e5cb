/**
 * Connection arguments and their validation: first/after page forward, last/before page
 * backward; 20 rows by default, at most 100.
 */
import { ArgsType, Field, Int } from 'type-graphql';
import { UserInputError } from '../../errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}

export interface PageRequest {
  readonly direction: 'forward' | 'backward';
  readonly size: number;
  /** The cursor to start after (forward) or before (backward). */
  readonly cursor: string | undefined;
  /** Which argument the cursor came from, for error messages. */
  readonly cursorArgument: 'after' | 'before';
}

export function pageRequest(args: ConnectionArgs): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) {
    throw new UserInputError('Pass either "first" (with "after") or "last" (with "before"), not both.', 'last');
  }
  checkSize('first', first);
  checkSize('last', last);
  if (last != null || (before != null && first == null)) {
    if (after != null)
      throw new UserInputError('"after" cannot be combined with "last"; page backward with "before".', 'after');
    return {
      direction: 'backward',
      size: last ?? DEFAULT_PAGE_SIZE,
      cursor: before ?? undefined,
      cursorArgument: 'before',
    };
  }
  if (before != null)
    throw new UserInputError('"before" cannot be combined with "first"; page forward with "after".', 'before');
  return {
    direction: 'forward',
    size: first ?? DEFAULT_PAGE_SIZE,
    cursor: after ?? undefined,
    cursorArgument: 'after',
  };
}

function checkSize(name: 'first' | 'last', value: number | null | undefined): void {
  if (value == null) return;
  if (value < 0) throw new UserInputError(`"${name}" must not be negative (got ${value}).`, name);
  if (value > MAX_PAGE_SIZE)
    throw new UserInputError(`"${name}" must be at most ${MAX_PAGE_SIZE} (got ${value}).`, name);
}
