import { parseIpAddress } from '../pki/ip-address.js';
import { bytesEqual } from '../wire/bytes.js';

/**
 * The client address a resumption ticket is bound to (RFC 9147 §5.1: a server may skip the cookie exchange on
 * resumption only "if the client's address matches one associated with the PSK"). The server records, inside the sealed
 * ticket, the address the handshake that issued it came from, and takes 0-RTT early data (which skips the cookie) only
 * from that address.
 *
 * The binding is the whole IP address: 4 bytes for IPv4, 16 for IPv6, an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, a
 * dual-stack socket's view of an IPv4 client) as its IPv4 address, and a zone (`%eth0`) ignored. No prefix: a forger in
 * the same /64 or NAT pool could otherwise aim the server's answer at a neighbour. A client whose address changed (a
 * new privacy address, another network) still resumes, after one cookie round trip and without early data. An empty
 * binding (a ticket from before this field, or a sans-I/O connection told no address) matches only another empty one.
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
