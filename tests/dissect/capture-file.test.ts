/**
 * The capture reader on the layouts tcpdump and tshark/dumpcap write,
 * built here byte by byte from the format descriptions (pcap: the
 * libpcap file format; pcapng: its Section Header, Interface Description
 * with if_tsresol, Enhanced Packet Blocks, in either byte order), and the
 * link layers down to a UDP payload (Ethernet, Linux cooked v1, IPv6).
 * The tcpdump captures of real exchanges are in capture.test.ts.
 */
import test from 'ava';
import { CaptureFormatError, readCapture } from '../../cli/dissect/capture-file.js';
import { udpDatagram } from '../../cli/dissect/udp-datagram.js';

function u16(n: number, little: boolean): number[] {
  return little ? [n & 0xff, n >>> 8] : [n >>> 8, n & 0xff];
}
function u32(n: number, little: boolean): number[] {
  const b = [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return little ? b.reverse() : b;
}
const pad4 = (b: number[]): number[] => [...b, ...new Array<number>((4 - (b.length % 4)) % 4).fill(0)];

/** An IPv4/UDP packet from 10.0.0.1:5000 to 10.0.0.2:4433 carrying `payload`. */
function ipv4Udp(payload: number[]): number[] {
  const udp = [...u16(5000, false), ...u16(4433, false), ...u16(8 + payload.length, false), 0, 0, ...payload];
  return [0x45, 0, ...u16(20 + udp.length, false), 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, ...udp];
}

/** An IPv6/UDP packet from ::1 port 5000 to ::1 port 4433. */
function ipv6Udp(payload: number[]): number[] {
  const udp = [...u16(5000, false), ...u16(4433, false), ...u16(8 + payload.length, false), 0, 0, ...payload];
  const one = [...new Array<number>(15).fill(0), 1];
  return [0x60, 0, 0, 0, ...u16(udp.length, false), 17, 64, ...one, ...one, ...udp];
}

const ethernet = (ip: number[], type: number): number[] => [
  ...new Array<number>(12).fill(0),
  ...u16(type, false),
  ...ip,
];
const cooked = (ip: number[]): number[] => [0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, ...u16(0x0800, false), ...ip];
const PAYLOAD = [0x16, 0xfe, 0xfd, 1, 2, 3];

function pcap(linkType: number, frames: number[][], little: boolean, nano: boolean): Uint8Array {
  const out = [
    ...u32(nano ? 0xa1b23c4d : 0xa1b2c3d4, little),
    ...u16(2, little),
    ...u16(4, little),
    ...u32(0, little),
    ...u32(0, little),
  ];
  out.push(...u32(65535, little), ...u32(linkType, little));
  frames.forEach((f, i) =>
    out.push(
      ...u32(1000 + i, little),
      ...u32(nano ? 500_000_000 : 500_000, little),
      ...u32(f.length, little),
      ...u32(f.length, little),
      ...f,
    ),
  );
  return Uint8Array.from(out);
}

function pcapng(linkType: number, frames: number[][], little: boolean): Uint8Array {
  const block = (type: number, body: number[]): number[] => {
    const b = pad4(body);
    const len = 12 + b.length;
    return [...u32(type, little), ...u32(len, little), ...b, ...u32(len, little)];
  };
  const shb = block(0x0a0d0d0a, [
    ...u32(0x1a2b3c4d, little),
    ...u16(1, little),
    ...u16(0, little),
    ...u32(0xffffffff, little),
    ...u32(0xffffffff, little),
  ]);
  // if_tsresol = 9 (nanoseconds), then opt_endofopt.
  const idb = block(1, [
    ...u16(linkType, little),
    0,
    0,
    ...u32(0, little),
    ...u16(9, little),
    ...u16(1, little),
    9,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  const epbs = frames.map((f) => {
    const ts = 1_700_000_000_250_000_000n; // ns
    return block(6, [
      ...u32(0, little),
      ...u32(Number(ts >> 32n), little),
      ...u32(Number(ts & 0xffffffffn), little),
      ...u32(f.length, little),
      ...u32(f.length, little),
      ...f,
    ]);
  });
  return Uint8Array.from([...shb, ...idb, ...epbs.flat()]);
}

test('classic pcap in both byte orders, micro- and nanosecond: time, link type and bytes', (t) => {
  for (const little of [true, false]) {
    for (const nano of [false, true]) {
      const packets = readCapture(pcap(1, [ethernet(ipv4Udp(PAYLOAD), 0x0800)], little, nano));
      t.is(packets.length, 1);
      t.is(packets[0]!.linkType, 1);
      t.true(Math.abs(packets[0]!.time - 1000.5) < 1e-6, `${little} ${nano}: ${packets[0]!.time}`);
      const udp = udpDatagram(packets[0]!);
      t.deepEqual(udp && { ...udp, payload: [...udp.payload] }, {
        time: packets[0]!.time,
        source: { address: '10.0.0.1', port: 5000 },
        destination: { address: '10.0.0.2', port: 4433 },
        payload: PAYLOAD,
      });
    }
  }
});

test('pcapng in both byte orders with a nanosecond interface: Linux cooked v1 and IPv6', (t) => {
  for (const little of [true, false]) {
    const [p] = readCapture(pcapng(113, [cooked(ipv4Udp(PAYLOAD))], little));
    t.is(p!.linkType, 113);
    t.true(Math.abs(p!.time - 1_700_000_000.25) < 1e-3);
    t.deepEqual([...(udpDatagram(p!)?.payload ?? [])], PAYLOAD);
    const [q] = readCapture(pcapng(1, [ethernet(ipv6Udp(PAYLOAD), 0x86dd)], little));
    const udp = udpDatagram(q!);
    t.deepEqual(udp?.source, { address: '::1', port: 5000 });
    t.deepEqual([...(udp?.payload ?? [])], PAYLOAD);
  }
});

test('a file that is neither, or cut short, is a CaptureFormatError with the offset', (t) => {
  t.throws(() => readCapture(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])), {
    instanceOf: CaptureFormatError,
    message: /neither pcap nor pcapng \(at byte 0\)/,
  });
  const whole = pcap(1, [ethernet(ipv4Udp(PAYLOAD), 0x0800)], true, false);
  t.throws(() => readCapture(whole.subarray(0, whole.length - 3)), {
    instanceOf: CaptureFormatError,
    message: /cut short \(at byte 32\)/,
  });
});
