/** The contract's scalars: DateTime (ISO-8601 UTC, milliseconds), Date, BigInt (graphql-scalars). */
export { DateResolver as DateScalar, DateTimeResolver as DateTimeScalar, BigIntResolver as BigIntScalar } from 'graphql-scalars';
