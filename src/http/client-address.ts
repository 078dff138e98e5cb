/**
 * The client's address, the key of the auth throttle and of the per-address concurrency share,
 * with proxy-addr's semantics: the hops are the socket's peer, then the X-Forwarded-For
 * entries from right to left (each proxy appends the address it received from); the walk
 * passes the hops that are trusted (config.ts TrustProxy) and stops at the first that is not,
 * which is the client. A client writes only the left of the header, behind the first untrusted
 * hop, so it cannot choose its own key.
 *
 * An entry that is not an IP address is never trusted and never a key: the walk stops before
 * it, and the hop that passed it on is the client. Addresses are normalised (IPv4-mapped IPv6
 * as IPv4, IPv6 in its canonical lower-case form), so one client has one key.
 */
import { BlockList, isIP, SocketAddress } from 'node:net';
import type { TrustProxy } from '../config.js';

export type ClientAddressOf = (
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
) => string;

/** What the socket of a closed or odd connection reports: one shared key rather than a crash. */
const UNKNOWN = 'unknown';

export function clientAddressResolver(trust: TrustProxy): ClientAddressOf {
  const trusted = trustPredicate(trust);
  return (socketAddress, forwardedFor) => {
    let client = normalise(socketAddress);
    if (client === undefined) return UNKNOWN;
    if (trust.kind === 'none') return client;
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
    const entries = header.split(',').reverse();
    for (let hop = 0; trusted(client, hop) && hop < entries.length; hop++) {
      const next = normalise(entries[hop].trim());
      if (next === undefined) break;
      client = next;
    }
    return client;
  };
}

/** Whether the `hop`-th hop (0: the socket's peer), at `address`, may name the one before it. */
function trustPredicate(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust.kind === 'none') return () => false;
  if (trust.kind === 'hops') return (_address, hop) => hop < trust.hops;
  const list = new BlockList();
  for (const range of trust.ranges) list.addSubnet(range.address, range.prefix, range.family);
  return (address) => list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/** The canonical form of an IP address; undefined for anything else. */
export function normalise(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  if (version === 4) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  try {
    return new SocketAddress({ address, family: 'ipv6' }).address;
  } catch {
    return undefined;
  }
}
