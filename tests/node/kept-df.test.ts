/**
 * A socket's Don't Fragment mode around UDP GSO sends (runtime/node/kept-df.ts, native/src/udp.c), on the wire: a
 * sender in a network namespace (kept-df-sender.ts) whose link to the receiver's has an MTU of 1,000 bytes, tcpdump on
 * its end of the link (GSO cut there into its datagrams, as a NIC without segmentation offload would). Every segment of
 * every GSO send must carry DF, whether the socket stays in IP_PMTUDISC_DO between GSO sends (one the library made) or
 * is switched around each (the application's); and a datagram longer than the MTU sent otherwise must leave as IP
 * fragments, as under the socket's default mode, not be refused.
 */
import test, { type ExecutionContext } from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import { madeByLibrary } from '../../runtime/node/kept-df.js';
import { TestBed } from '../support/netns.js';
import { captureIn, ipPackets, type IpPacket } from '../network/path-bed.js';

const CHILD = fileURLToPath(new URL('./kept-df-sender.ts', import.meta.url));
const MTU = 1000;
/** Each burst's datagrams (one GSO send of eight), and what is sent after: longer than the MTU. */
const SEGMENT = 900;
const BIG = 1400;
const PORT = 9;

type Then = 'nothing' | 'sendmmsg' | 'dgram' | 'dgram-then-gso' | 'application';

/** Runs the sender; the UDP packets it put on the link, and what its sends heard. */
async function send(
  t: ExecutionContext,
  socket: 'library' | 'application',
  then: Then,
): Promise<{ readonly packets: IpPacket[]; readonly heard: string[]; readonly errors: string[] }> {
  const bed = new TestBed();
  t.teardown(() => bed.destroy());
  const receiver = bed.namespace('r');
  const sender = bed.namespace('s');
  const subnet = `10.231.${bed.octet}`;
  const ends = bed.link(receiver, sender, subnet, MTU);
  bed.exec(sender, 'ip', 'link', 'set', 'dev', ends.b, 'gso_max_segs', '1');
  // Linux's default (PMTU discovery on: IP_PMTUDISC_WANT), made sure of.
  bed.exec(sender, 'sysctl', '-q', '-w', 'net.ipv4.ip_no_pmtu_disc=0');
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-df-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'link.pcap');
  const capture = await captureIn(sender, file, ends.b);
  const from = `${subnet}.2`;
  const config = { from, to: `${subnet}.1`, port: PORT, socket, then, segment: SEGMENT, big: BIG };
  const { code, stdout, stderr } = await bed.nodeOutput(sender, CHILD, [JSON.stringify(config)]);
  await capture.stop();
  t.is(code, 0, stderr);
  const o = JSON.parse(stdout) as { heard: string[]; errors: string[] };
  const packets = ipPackets(file).filter((p) => p.src === from && p.protocol === 17);
  return { packets, heard: o.heard, errors: o.errors };
}

/** The GSO segments on the wire (whole datagrams of SEGMENT bytes): `bursts` of eight, every one with DF. */
function segmentsCarryDf(t: ExecutionContext, packets: readonly IpPacket[], bursts: number): void {
  const segments = packets.filter((p) => !p.fragment && p.udpPayload === SEGMENT);
  t.is(segments.length, 8 * bursts, 'every burst crossed, a datagram a packet');
  t.deepEqual(
    segments.filter((p) => !p.dontFragment).length,
    0,
    `every GSO segment carries DF (${segments.map((p) => (p.dontFragment ? 'DF' : '-')).join(' ')})`,
  );
}

/** The datagram longer than the MTU left as IP fragments (its first one names its UDP length), and no send failed. */
function bigCrossedFragmented(
  t: ExecutionContext,
  r: { packets: IpPacket[]; heard: string[]; errors: string[] },
): void {
  t.deepEqual(
    r.heard.filter((h) => h !== 'null'),
    [],
    'no send was refused',
  );
  t.deepEqual(r.errors, []);
  const first = r.packets.filter((p) => p.fragment && p.udpPayload === BIG);
  t.is(first.length, 1, 'the 1,400-byte datagram crossed the 1,000-byte link as IP fragments');
  t.true(r.packets.filter((p) => p.fragment).length >= 2, 'its fragments');
}

test('a socket the library made: every segment of every GSO send carries DF, the mode kept between them', async (t) => {
  const r = await send(t, 'library', 'nothing');
  segmentsCarryDf(t, r.packets, 3);
  t.deepEqual(r.heard, ['null', 'null', 'null', 'null']);
});

test('a socket the library made: after GSO sends, a datagram longer than the MTU sent by sendmmsg leaves fragmented', async (t) => {
  const r = await send(t, 'library', 'sendmmsg');
  segmentsCarryDf(t, r.packets, 3);
  bigCrossedFragmented(t, r);
});

test('a socket the library made: after GSO sends, one sent through node:dgram leaves fragmented', async (t) => {
  const r = await send(t, 'library', 'dgram');
  segmentsCarryDf(t, r.packets, 3);
  bigCrossedFragmented(t, r);
});

test('a socket the library made: a GSO send while node:dgram holds a datagram (written a tick later) does not leave DO for it', async (t) => {
  const r = await send(t, 'library', 'dgram-then-gso');
  segmentsCarryDf(t, r.packets, 4);
  bigCrossedFragmented(t, r);
});

test("an application's socket: its GSO segments carry DF, and its own send after them leaves fragmented (its mode never left changed)", async (t) => {
  const r = await send(t, 'application', 'application');
  segmentsCarryDf(t, r.packets, 3);
  bigCrossedFragmented(t, r);
});

test('a socket the library made, on loopback: GSO bursts, single datagrams and node:dgram sends between them all arrive, in order', async (t) => {
  const bound = async (s: Socket): Promise<Socket> => {
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return s;
  };
  const rx = await bound(createSocket('udp4'));
  const tx = await bound(madeByLibrary(createSocket('udp4')));
  t.teardown(() => {
    rx.close();
    tx.close();
  });
  const io = DatagramIo.of(tx);
  const port = rx.address().port;
  const got: number[] = [];
  const expected: number[] = [];
  let tag = 0;
  const datagram = (length: number): Uint8Array => {
    expected.push(tag);
    return new Uint8Array(length).fill(tag++);
  };
  const arrived = new Promise<void>((resolve) =>
    rx.on('message', (m) => {
      got.push(m[0]!);
      if (got.length === expected.length) resolve();
    }),
  );
  let heard = 0;
  const sent = (e?: Error | null): void => void (e ? t.fail(e.message) : heard++);
  for (let round = 0; round < 3; round++) {
    const burst = Array.from({ length: 8 }, () => datagram(1200));
    io.send(burst, 8, port, '127.0.0.1', false, sent); // one GSO send (DO kept after it)
    await turn();
    io.send([datagram(3000)], 1, port, '127.0.0.1', false, sent); // sendmmsg
    await turn();
    io.setBatching(false);
    io.send([datagram(1200)], 1, port, '127.0.0.1', false, sent); // node:dgram
    io.setBatching(true);
    await turn();
  }
  await arrived;
  t.is(heard, expected.length);
  t.deepEqual(got, expected);
});
