/** The contract's scalars. */
import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

export { DateResolver as DateScalar, BigIntResolver as BigIntScalar } from 'graphql-scalars';

/**
 * graphql-scalars' DateTimeISO (which serialises to a string, `Date#toISOString()`: UTC with
 * milliseconds) under the contract's name. Its plain DateTime serialises to a Date object.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeISOResolver.toConfig(),
  name: 'DateTime',
  description: 'ISO-8601 in UTC with millisecond precision, e.g. 2026-01-02T03:04:05.678Z.',
});
