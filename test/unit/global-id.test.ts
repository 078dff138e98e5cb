import { describe, expect, it } from 'vitest';
import { fromGlobalId, toGlobalId } from '../../src/graphql/node/global-id.js';

describe('global ids', () => {
  it('round-trip type and database id', () => {
    expect(fromGlobalId(toGlobalId('Stock', 42), 'id')).toEqual({ type: 'Stock', databaseId: 42 });
    expect(toGlobalId('User', 1)).not.toContain('User');
  });

  it('refuse malformed ids, unknown types, out-of-range numbers and a wrong expected type', () => {
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    for (const bad of [
      '',
      'nope',
      encode('Planet:1'),
      encode('User:0'),
      encode('User:-1'),
      encode('User:1.5'),
      encode('User:99999999999'),
      encode('User:01'),
    ]) {
      expect(() => fromGlobalId(bad, 'id')).toThrowError(
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'id' } }),
      );
    }
    expect(() => fromGlobalId(toGlobalId('User', 1), 'id', 'Stock')).toThrow(/not a Stock id/);
  });
});
