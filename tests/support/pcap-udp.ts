/** The UDP datagrams of a pcap file (Ethernet or Linux cooked capture, IPv4), for tests that measure what crossed an interface. */
import { readFileSync } from 'node:fs';

export interface CapturedDatagram {
  readonly from: string;
  readonly to: string;
  /** UDP payload bytes. */
  readonly length: number;
  /** The IP header's time to live. */
  readonly ttl: number;
}

export function udpDatagrams(file: string): CapturedDatagram[] {
  const b = readFileSync(file);
  if (b.length < 24) return [];
  const little = b.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number): number => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const linkType = u32(20);
  const linkHeader = linkType === 1 ? 14 : linkType === 113 ? 16 : linkType === 276 ? 20 : -1;
  if (linkHeader < 0) throw new Error(`pcap link type ${linkType} is not Ethernet or Linux cooked`);
  const out: CapturedDatagram[] = [];
  for (let o = 24; o + 16 <= b.length;) {
    const captured = u32(o + 8);
    const ip = o + 16 + linkHeader;
    o += 16 + captured;
    if (ip + 28 > o || b[ip]! >> 4 !== 4 || b[ip + 9] !== 17) continue;
    const ihl = (b[ip]! & 0x0f) * 4;
    const addr = (p: number): string => `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
    const udp = ip + ihl;
    out.push({
      from: `${addr(ip + 12)}:${b.readUInt16BE(udp)}`,
      to: `${addr(ip + 16)}:${b.readUInt16BE(udp + 2)}`,
      length: b.readUInt16BE(udp + 4) - 8,
      ttl: b[ip + 8]!,
    });
  }
  return out;
}
