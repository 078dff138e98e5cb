import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type TrustProxy } from '../../src/config.js';
import { clientAddressResolver, normalise } from '../../src/http/client-address.js';

const trustOf = (value: string | undefined): TrustProxy =>
  loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy;
const resolve = (value: string | undefined, socket: string | undefined, forwardedFor?: string | string[]) =>
  clientAddressResolver(trustOf(value))(socket, forwardedFor);

describe('TRUST_PROXY', () => {
  it('reads false, true (one hop), a hop count, and a list of addresses, CIDRs and names', () => {
    expect(trustOf(undefined)).toEqual({ kind: 'none' });
    expect(trustOf('false')).toEqual({ kind: 'none' });
    expect(trustOf('0')).toEqual({ kind: 'none' });
    expect(trustOf('true')).toEqual({ kind: 'hops', hops: 1 });
    expect(trustOf('2')).toEqual({ kind: 'hops', hops: 2 });
    const list = trustOf('loopback, 10.0.0.0/8,2001:db8::/32 ,192.0.2.7');
    expect(list.kind === 'ranges' && list.ranges).toEqual([
      { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '2001:db8::', prefix: 32, family: 'ipv6' },
      { address: '192.0.2.7', prefix: 32, family: 'ipv4' },
    ]);
  });

  it('refuses anything else with one line naming the variable', () => {
    for (const bad of [
      'maybe',
      '10.0.0.0/33',
      '::1/129',
      '10.0.0/8',
      '10.0.0.0/8/1',
      '10.0.0.0/-1',
      'loopback,nonsense',
      '1000',
    ]) {
      let error: unknown;
      try {
        trustOf(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('TRUST_PROXY');
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('the client address', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolve(undefined, '203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(resolve('false', '::ffff:203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
  });

  it('is the rightmost entry a trusted proxy wrote, not the leftmost one the client wrote', () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the address it saw.
    expect(resolve('true', '10.0.0.2', '1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(resolve('1', '10.0.0.2', '1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
    // Two proxies: the second appended the first's address.
    expect(resolve('2', '10.0.0.2', '1.1.1.1, 203.0.113.9, 10.0.0.3')).toBe('203.0.113.9');
    expect(resolve('10.0.0.0/8', '10.0.0.2', '1.1.1.1, 203.0.113.9, 10.0.0.3')).toBe('203.0.113.9');
    // More hops trusted than there are: the leftmost entry is all there is.
    expect(resolve('5', '10.0.0.2', '203.0.113.9')).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(resolve('10.0.0.0/8', '203.0.113.9', '1.1.1.1')).toBe('203.0.113.9');
    expect(resolve('loopback', '::ffff:192.0.2.1', '1.1.1.1')).toBe('192.0.2.1');
  });

  it('matches IPv6 and IPv4-mapped peers against the list, and normalises what it returns', () => {
    expect(resolve('loopback', '::1', '2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(resolve('loopback', '::ffff:127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(resolve('fc00::/7', 'fd00::5', '::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalise('0:0:0:0:0:0:0:1')).toBe('::1');
  });

  it('never trusts or keys on garbage: the hop that passed it on is the client', () => {
    expect(resolve('2', '10.0.0.2', 'not-an-ip, 10.0.0.3')).toBe('10.0.0.3');
    expect(resolve('10.0.0.0/8', '10.0.0.2', '203.0.113.9, <script>')).toBe('10.0.0.2');
    expect(resolve('true', '10.0.0.2', '')).toBe('10.0.0.2');
    expect(resolve('true', '10.0.0.2', ',,,')).toBe('10.0.0.2');
    expect(resolve('true', '10.0.0.2', '1.2.3.4:80')).toBe('10.0.0.2');
    expect(resolve('true', '10.0.0.2', 'x'.repeat(10_000))).toBe('10.0.0.2');
    expect(resolve('true', '10.0.0.2', ['203.0.113.9', '198.51.100.1'])).toBe('198.51.100.1');
    expect(resolve('true', undefined, '203.0.113.9')).toBe('unknown');
    expect(resolve('true', 'garbage', '203.0.113.9')).toBe('unknown');
  });
});
