/**
 * From a captured frame to its UDP datagram: the link layers tcpdump writes
 * on Linux and elsewhere (Ethernet with VLAN tags, Linux cooked v1 and v2,
 * BSD loopback, raw IP), then IPv4 (unfragmented) or IPv6, then UDP.
 */
import type { CapturedPacket } from './capture-file.js';

export interface UdpDatagram {
  readonly time: number;
  readonly source: { readonly address: string; readonly port: number };
  readonly destination: { readonly address: string; readonly port: number };
  readonly payload: Uint8Array;
}

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LOOP = 108;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const LINKTYPE_LINUX_SLL2 = 276;

/** The UDP datagram a frame carries, or undefined for anything else (ARP, TCP, an IP fragment, a link type not known). */
export function udpDatagram(packet: CapturedPacket): UdpDatagram | undefined {
  const ip = ipPacket(packet.linkType, packet.data);
  if (!ip) return undefined;
  const d = ip.data;
  const version = d[0]! >> 4;
  let source: string;
  let destination: string;
  let udp: Uint8Array;
  if (version === 4) {
    const headerLength = (d[0]! & 0x0f) * 4;
    const fragment = ((d[6]! & 0x1f) << 8) | d[7]!;
    const moreFragments = (d[6]! & 0x20) !== 0;
    if (d[9] !== 17 || fragment !== 0 || moreFragments || d.length < headerLength + 8) return undefined;
    const total = (d[2]! << 8) | d[3]!;
    source = d.subarray(12, 16).join('.');
    destination = d.subarray(16, 20).join('.');
    udp = d.subarray(headerLength, Math.min(total, d.length));
  } else if (version === 6) {
    if (d.length < 48) return undefined;
    let next = d[6]!;
    let at = 40;
    while (next === 0 || next === 43 || next === 60) {
      next = d[at]!;
      at += (d[at + 1]! + 1) * 8;
    }
    if (next !== 17) return undefined;
    source = ipv6Text(d.subarray(8, 24));
    destination = ipv6Text(d.subarray(24, 40));
    const payloadLength = (d[4]! << 8) | d[5]!;
    udp = d.subarray(at, Math.min(40 + payloadLength, d.length));
  } else return undefined;
  if (udp.length < 8) return undefined;
  const udpLength = (udp[4]! << 8) | udp[5]!;
  return {
    time: packet.time,
    source: { address: source, port: (udp[0]! << 8) | udp[1]! },
    destination: { address: destination, port: (udp[2]! << 8) | udp[3]! },
    payload: udp.subarray(8, Math.min(udpLength, udp.length)),
  };
}

function ipPacket(linkType: number, frame: Uint8Array): { data: Uint8Array } | undefined {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      let at = 12;
      let etherType = (frame[at]! << 8) | frame[at + 1]!;
      while (etherType === 0x8100 || etherType === 0x88a8) {
        at += 4;
        etherType = (frame[at]! << 8) | frame[at + 1]!;
      }
      return etherType === 0x0800 || etherType === 0x86dd ? { data: frame.subarray(at + 2) } : undefined;
    }
    case LINKTYPE_LINUX_SLL:
      return { data: frame.subarray(16) };
    case LINKTYPE_LINUX_SLL2:
      return { data: frame.subarray(20) };
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
      return { data: frame.subarray(4) };
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return { data: frame };
    default:
      return undefined;
  }
}

/** An IPv6 address in RFC 5952 text (longest run of zero groups as ::). */
function ipv6Text(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLength).join(':')}`;
}

/** `address:port`, with an IPv6 address in brackets. */
export function endpointText(e: { readonly address: string; readonly port: number }): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
