import { parseIpAddress } from '../pki/ip-address.js';
import { bytesEqual } from '../wire/bytes.js';

/**
 * The client address a ticket is bound to: 0-RTT (which skips the cookie) is taken only from it (RFC 9147 §5.1). The
 * whole address (IPv4-mapped as IPv4, zone ignored), no prefix: a forger in the same /64 could aim answers at a
 * neighbour. An empty binding matches only another empty one.
 */
export type TicketAddress = Uint8Array;

/** The binding of `address` (an IPv4 or IPv6 literal as node:dgram reports it); empty for `undefined` or anything that does not parse. */
export function ticketAddressOf(address: string | undefined): TicketAddress {
  if (address === undefined) return new Uint8Array(0);
  const zone = address.indexOf('%');
  const ip = zone < 0 ? address : address.slice(0, zone);
  const octets = parseIpAddress(ip);
  if (octets === undefined) return new Uint8Array(0);
  if (octets.length === 4) return octets;
  const v6 = octets;
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

/** Whether a ticket bound to `bound` names the client at `from` (both bindings; two empty ones match). */
export function ticketNamesAddress(bound: TicketAddress, from: TicketAddress): boolean {
  return bytesEqual(bound, from);
}
