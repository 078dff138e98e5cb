import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signToken, viewerFromAuthorization } from '../../src/auth/viewer.js';

const secrets = { adminToken: 'admin-token-0123456789', jwtSecret: 'j'.repeat(40) };
const key = new TextEncoder().encode(secrets.jwtSecret);

async function rejects(header: string, message: RegExp) {
  await expect(viewerFromAuthorization(header, secrets)).rejects.toMatchObject({
    message: expect.stringMatching(message),
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

describe('viewerFromAuthorization', () => {
  it('is anonymous without a header', async () => {
    expect(await viewerFromAuthorization(undefined, secrets)).toEqual({ kind: 'anonymous' });
    expect(await viewerFromAuthorization('', secrets)).toEqual({ kind: 'anonymous' });
  });

  it('recognises the admin token, a viewer JWT and an analyst JWT', async () => {
    expect(await viewerFromAuthorization(`Bearer ${secrets.adminToken}`, secrets)).toEqual({ kind: 'admin' });
    expect(await viewerFromAuthorization(`Bearer ${await signToken(secrets.jwtSecret, { sub: 7 })}`, secrets)).toEqual({
      kind: 'user',
      userId: 7,
    });
    expect(
      await viewerFromAuthorization(
        `bearer ${await signToken(secrets.jwtSecret, { sub: 3, role: 'analyst' })}`,
        secrets,
      ),
    ).toEqual({ kind: 'analyst', userId: 3 });
  });

  it('refuses what it cannot trust, never downgrading to anonymous', async () => {
    await rejects('Basic abc', /Bearer/);
    await rejects('Bearer admin-token-0123456788', /neither/);
    await rejects(`Bearer ${await signToken('x'.repeat(40), { sub: 7 })}`, /not valid/);
    await rejects(`Bearer ${await signToken(secrets.jwtSecret, { sub: 7 }, '-1m')}`, /expired/);
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('7').sign(key);
    await rejects(`Bearer ${noExp}`, /not valid/);
    const hs512 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('7')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('j'.repeat(64)));
    await rejects(`Bearer ${hs512}`, /not valid/);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"7","exp":9999999999}').toString('base64url')}.`;
    await rejects(`Bearer ${unsigned}`, /not valid/);
    const noSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);
    await rejects(`Bearer ${noSub}`, /sub/);
    const otherRole = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('7')
      .setExpirationTime('1h')
      .sign(key);
    await rejects(`Bearer ${otherRole}`, /role/);
  });
});
