/** The contract's scalars. */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

export { DateResolver as DateScalar, BigIntResolver as BigIntScalar } from 'graphql-scalars';

const dateTimeISO = DateTimeISOResolver.toConfig();

/**
 * graphql-scalars' DateTimeISO (which serialises to a string, `Date#toISOString()`: UTC with
 * milliseconds) under the contract's name. Its plain DateTime serialises to a Date object.
 * A valid Date, what every resolver returns, is serialised directly: a page of messages
 * serialises hundreds of them.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...dateTimeISO,
  name: 'DateTime',
  description: 'ISO-8601 in UTC with millisecond precision, e.g. 2026-01-02T03:04:05.678Z.',
  serialize: (value) =>
    value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : dateTimeISO.serialize(value),
});

/** A Prisma Decimal, a decimal string, or a number. */
interface DecimalLike {
  toFixed(places: number): string;
  decimalPlaces(): number;
}

const DECIMAL_TEXT = /^-?\d{1,14}(\.\d{1,4})?$/;

/**
 * Exact decimals as strings with at least two decimal places ("612.50"), never through a
 * binary float. Input: a string (or integer literal) with at most 14 integer and 4 decimal
 * digits, the range of DECIMAL(18,4).
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'Exact decimal, serialised as a string such as "612.50".',
  serialize(value) {
    if (typeof value === 'object' && value !== null && 'decimalPlaces' in value) {
      const decimal = value as DecimalLike;
      return decimal.toFixed(Math.max(2, decimal.decimalPlaces()));
    }
    if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return padDecimal(value);
    throw new GraphQLError(`Decimal cannot represent ${String(value)}`);
  },
  parseValue(value) {
    if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return value;
    if (typeof value === 'number' && Number.isSafeInteger(value) && DECIMAL_TEXT.test(String(value)))
      return String(value);
    throw new GraphQLError('Decimal must be a string such as "612.50" (at most 14 integer and 4 decimal digits).', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  },
  parseLiteral(ast) {
    if ((ast.kind === Kind.STRING || ast.kind === Kind.INT) && DECIMAL_TEXT.test(ast.value)) return ast.value;
    throw new GraphQLError('Decimal must be a string such as "612.50" (at most 14 integer and 4 decimal digits).', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  },
});

function padDecimal(text: string): string {
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}
