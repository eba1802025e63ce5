/**
 * Small MTUs on a real routed path (tests/network/path-bed.ts):
 *
 *     client ──(1500)── r1 ──(576 or 1280)── r2 ──(1500)── server
 *
 * Client and server are separate processes in namespaces of their own,
 * using the public API (`connect`, `listen`; tests/network/peer.ts). The
 * small link is in the middle, so an oversize datagram leaves its sender
 * whole with DF set (Linux's default PMTU discovery for UDP) and the router
 * answers with ICMP fragmentation-needed. tcpdump on the bottleneck and in
 * both routers shows what crossed.
 *
 * With `mtu` set to the path's (its IP MTU less 28 bytes of IPv4 and UDP
 * headers) both big handshakes, an RSA-2048 chain and the X25519MLKEM768
 * key share (a 1,184-byte client share), complete with every datagram
 * whole and within the path MTU. With the default `mtu` (1,200) on a
 * 576-byte path the client takes ICMP fragmentation-needed (EMSGSIZE on its
 * connected socket) as a path MTU signal and cuts its flights smaller; the
 * server, whose socket is not connected, hears nothing and relies on IP
 * fragmentation: a test marked `failing` shows it (docs/networks.md).
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MTU } from '../../runtime/api/options.js';
import { Lines } from '../support/netns.js';
import { captureIn, ipPackets, PathBed, rsaChain, type Capture, type IpPacket } from './path-bed.js';
import type { PeerConfig } from './peer.js';

const PEER = fileURLToPath(new URL('./peer.ts', import.meta.url));
/** IPv4 (20) and UDP (8) headers: the most UDP payload a datagram of an IP MTU carries. */
const HEADERS = 28;
const chain = rsaChain();

type Kind = 'RSA-2048 chain' | 'X25519MLKEM768';

interface Run {
  /** The client's output: `opened GROUP SIGNATURE` and `echo N`, or `error CODE MESSAGE`. */
  readonly client: string;
  /** Every IPv4 packet that crossed the bottleneck (captured on r1's end of it, both directions). */
  readonly bottleneck: IpPacket[];
  /** Every IPv4 packet seen in r1 and in r2, all interfaces. */
  readonly routers: IpPacket[];
  readonly bed: PathBed;
}

/** One handshake and one echoed message across a path whose bottleneck is `pathMtu`, with `mtu` on both ends (undefined: the default). */
async function handshake(
  t: ExecutionContext,
  pathMtu: number,
  kind: Kind,
  mtu: number | undefined,
  dropFragments = false,
  dtls12ClientAuth = false,
): Promise<Run> {
  const bed = new PathBed(pathMtu);
  t.teardown(() => bed.destroy());
  if (dropFragments) {
    // A firewall on r1 that forwards no IP fragment (the first one has More Fragments set, the rest an offset).
    bed.bed.exec(bed.r1, 'nft', 'add table ip nofrag');
    bed.bed.exec(bed.r1, 'nft', 'add chain ip nofrag forward { type filter hook forward priority 0 ; }');
    bed.bed.exec(bed.r1, 'nft', 'add rule ip nofrag forward ip frag-off & 0x3fff != 0 drop');
  }
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-mtu-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, pem] of Object.entries(chain)) writeFileSync(join(dir, `${name}.pem`), pem);
  const files = { core: join(dir, 'core.pcap'), r1: join(dir, 'r1.pcap'), r2: join(dir, 'r2.pcap') };
  const captures: Capture[] = [];
  t.teardown(async () => void (await Promise.all(captures.map((c) => c.stop()))));
  for (const [ns, file, device] of [
    [bed.r1, files.core, bed.bottleneckDevice],
    [bed.r1, files.r1, 'any'],
    [bed.r2, files.r2, 'any'],
  ] as const)
    captures.push(await captureIn(ns, file, device));
  const groups = kind === 'X25519MLKEM768' ? (['x25519mlkem768'] as const) : undefined;
  const serverConfig: PeerConfig = {
    host: bed.serverAddress,
    cert: join(dir, 'cert.pem'),
    key: join(dir, 'key.pem'),
    ...(mtu === undefined ? {} : { mtu }),
    ...(groups === undefined ? {} : { groups: [...groups, 'x25519'] }),
    ...(dtls12ClientAuth ? { maxVersion: 'DTLSv1.2', ca: join(dir, 'ca.pem') } : {}),
  };
  const server = bed.bed.node(bed.server, PEER, ['server', JSON.stringify(serverConfig)]);
  const serverOut = new Lines(server.stdout);
  const serverErr = new Lines(server.stderr);
  const port = Number(
    (
      await serverOut.wait(/listening (\d+)/, 30_000).catch((e: unknown) => {
        throw new Error(`the server did not start: ${String(e)}; its stderr: ${serverErr.all}`);
      })
    )[1],
  );
  const clientConfig: PeerConfig = {
    host: bed.serverAddress,
    port,
    ca: join(dir, 'ca.pem'),
    ...(mtu === undefined ? {} : { mtu }),
    ...(groups ? { groups } : {}),
    ...(dtls12ClientAuth ? { clientCert: join(dir, 'cert.pem'), clientKey: join(dir, 'key.pem') } : {}),
  };
  const client = bed.bed.node(bed.client, PEER, ['client', JSON.stringify(clientConfig)]);
  const clientOut = new Lines(client.stdout);
  const clientErr = new Lines(client.stderr);
  // The client ends itself (handshakeTimeout 20 s, the echo's 10 s); the bound is for a process that hangs.
  const limit = setTimeout(() => client.kill('SIGKILL'), 90_000);
  await new Promise((r) => client.on('close', r));
  clearTimeout(limit);
  for (const c of captures) await c.stop();
  server.stdin.end();
  if (clientErr.all.trim() !== '') t.log(`client stderr: ${clientErr.all.trim().slice(-1000)}`);
  return {
    client: clientOut.all,
    bottleneck: ipPackets(files.core),
    routers: [...ipPackets(files.r1), ...ipPackets(files.r2)],
    bed,
  };
}

const udp = (packets: readonly IpPacket[]): IpPacket[] => packets.filter((p) => p.protocol === 17);
const fragmentationNeeded = (packets: readonly IpPacket[]): IpPacket[] =>
  packets.filter((p) => p.fragmentationNeeded !== undefined);
const summary = (packets: readonly IpPacket[]): string =>
  packets
    .map(
      (p) =>
        `${p.src}>${p.dst} ${p.protocol === 1 ? `ICMP${p.fragmentationNeeded ?? ''}` : p.length}${p.fragment ? ' frag' : ''}`,
    )
    .join(', ');

// The path's own size, and at 1,280 (IPv6's minimum MTU) also the default: 1,200 bytes of UDP payload fit it.
for (const [pathMtu, mtu] of [
  [576, 576 - HEADERS],
  [1280, 1280 - HEADERS],
  [1280, undefined],
] as const) {
  for (const kind of ['RSA-2048 chain', 'X25519MLKEM768'] as const) {
    const budget = mtu ?? DEFAULT_MTU;
    test.serial(
      `path MTU ${pathMtu} (mtu: ${mtu ?? 'default, 1,200'}), ${kind}: the handshake completes; every datagram crosses whole, none larger than the path MTU, no ICMP fragmentation-needed`,
      async (t) => {
        const run = await handshake(t, pathMtu, kind, mtu);
        const expected = kind === 'X25519MLKEM768' ? 'x25519mlkem768' : 'x25519';
        t.regex(
          run.client,
          new RegExp(`^opened ${expected} rsa_pss_rsae_sha256\\necho 100\\n`),
          'handshake, RSA signature, one message echoed',
        );
        const crossed = udp(run.bottleneck);
        t.true(crossed.length >= 8, `${crossed.length} UDP datagrams crossed the bottleneck`);
        const largest = Math.max(...crossed.map((p) => p.length));
        t.true(largest <= pathMtu, `largest IP packet ${largest} bytes, path MTU ${pathMtu}`);
        // The flights needed cutting: some datagram was filled to within a record's overhead of the budget.
        t.true(
          largest > budget + HEADERS - 36,
          `largest IP packet ${largest} bytes: the flights were cut to fill the ${budget}-byte budget`,
        );
        t.true(largest <= budget + HEADERS, `largest IP packet ${largest} bytes: within the ${budget}-byte budget`);
        t.deepEqual(
          crossed.filter((p) => p.fragment),
          [],
          'no IP fragments',
        );
        t.deepEqual(fragmentationNeeded(run.routers), [], 'no router had to send ICMP fragmentation-needed');
        t.log(`largest ${largest} bytes; bottleneck: ${summary(crossed)}`);
      },
    );
  }
}

test.serial(
  'path MTU 576, default mtu (1,200), RSA-2048 chain: the server flight is refused by r2 with ICMP fragmentation-needed (576), the server kernel learns the path MTU, and the handshake completes with the retransmission',
  async (t) => {
    const run = await handshake(t, 576, 'RSA-2048 chain', undefined);
    t.regex(run.client, /^opened x25519 rsa_pss_rsae_sha256\necho 100\n/);
    const icmp = fragmentationNeeded(run.routers);
    t.true(
      icmp.some((p) => p.dst === run.bed.serverAddress && p.fragmentationNeeded === 576),
      `ICMP fragmentation-needed to the server: ${summary(icmp)}`,
    );
    t.is(run.bed.learnedMtu(run.bed.server, run.bed.clientAddress), 576, "the server's kernel took the router's word");
    t.true(
      udp(run.bottleneck).every((p) => p.length <= 576),
      'nothing larger than the path MTU crossed it',
    );
    t.log(`bottleneck: ${summary(run.bottleneck)}`);
  },
);

// What the path MTU test above relies on, taken away: a firewall that drops IP fragments. The server's flight is refused
// by r2 (ICMP, which its unconnected socket never hears), its kernel then cuts the retransmission into IP fragments, and
// r1 drops them. Nothing of the flight is acknowledged, so the next transmission is cut to 548-byte datagrams (RFC 9147
// §4.4's back-off, runtime/shared/handshake-outbox.ts), which cross whole.
test.serial(
  'path MTU 576 behind a firewall that drops IP fragments, default mtu, RSA-2048 chain: the unanswered server flight is retransmitted in 548-byte datagrams and the handshake completes',
  async (t) => {
    const run = await handshake(t, 576, 'RSA-2048 chain', undefined, true);
    t.log(`bottleneck: ${summary(run.bottleneck)}`);
    t.regex(run.client, /^opened x25519 rsa_pss_rsae_sha256\necho 100\n/);
    const crossed = udp(run.bottleneck);
    t.true(
      crossed.some((p) => p.fragment),
      'the retransmission the kernel fragmented reached the firewall (precondition)',
    );
    t.true(
      crossed.some((p) => !p.fragment && p.length === 576 && p.src === run.bed.serverAddress),
      'the server sent whole 576-byte IP packets (548 bytes of UDP payload)',
    );
  },
);

// RFC 9147 §4.4: when a transport indication says the PMTU was exceeded, the handshake layer SHOULD retransmit with
// smaller records. The server's unconnected node:dgram socket hears no such indication: after ICMP fragmentation-needed
// its retransmitted flight is still 1,228-byte IP packets, cut into IP fragments by its kernel. Where fragments get
// through (here), part of the flight is acknowledged, so the silent-path back-off above does not start; where they are
// dropped, it does (the firewall test). Hearing the ICMP needs IP_RECVERR or IP_PMTUDISC_DO on the server's socket.
test.serial.failing(
  'path MTU 576, default mtu, RSA-2048 chain: after ICMP fragmentation-needed the retransmitted flight fits the path MTU without IP fragmentation (known failing: the unconnected server socket hears no ICMP, and a flight answered in part keeps its datagram size)',
  async (t) => {
    const run = await handshake(t, 576, 'RSA-2048 chain', undefined);
    t.regex(run.client, /^opened x25519 rsa_pss_rsae_sha256\necho 100\n/, 'the handshake completes (precondition)');
    t.true(fragmentationNeeded(run.routers).length > 0, 'a router sent ICMP fragmentation-needed (precondition)');
    const fragments = udp(run.bottleneck).filter((p) => p.fragment);
    t.log(`bottleneck: ${summary(run.bottleneck)}`);
    t.deepEqual(fragments, [], 'no IP fragments crossed the bottleneck');
  },
);

// The client's socket is connected (runtime/api/connect.ts). Linux reports ICMP fragmentation-needed on a
// connected UDP socket as a pending EMSGSIZE error (it is also how the kernel learns the path MTU), which node:dgram emits
// as the socket's 'error' ("recvmsg EMSGSIZE"). That ended the session, as ECONNREFUSED does; now it is a path MTU signal
// (RFC 9147 §4.4): the client cuts its flights to 548-byte datagrams, and the retransmitted ClientHello gets through.
test.serial(
  'path MTU 576, default mtu, X25519MLKEM768: the handshake completes after r1 answers the oversize ClientHello with ICMP fragmentation-needed',
  async (t) => {
    const run = await handshake(t, 576, 'X25519MLKEM768', undefined);
    const icmp = fragmentationNeeded(run.routers);
    t.true(
      icmp.some((p) => p.dst === run.bed.clientAddress && p.fragmentationNeeded === 576),
      `ICMP fragmentation-needed to the client (precondition): ${summary(icmp)}`,
    );
    t.log(`client: ${run.client.trim()}`);
    t.regex(run.client, /^opened x25519mlkem768 rsa_pss_rsae_sha256\necho 100\n/);
  },
);

// DTLS 1.2 the same way (runtime/dtls12/endpoint12.ts pathMtuExceeded). With client authentication the client's second
// flight carries the RSA chain in two datagrams (1,200 and 934 bytes). Sent as one UDP GSO call it left without DF
// (Linux sets DF only when the whole send fits the route's MTU), so r1 fragmented it and no ICMP came back; the
// addon now sends short runs by sendmmsg and long ones with DF forced (native/src/udp.c). r1 answers with ICMP
// fragmentation-needed, the client cuts its flights to 548-byte datagrams, and the retransmission crosses whole.
test.serial(
  'path MTU 576, default mtu, DTLS 1.2 with an RSA-2048 client chain: the client flight leaves with DF, r1 answers with ICMP fragmentation-needed, the client resends it in datagrams that cross whole',
  async (t) => {
    const run = await handshake(t, 576, 'RSA-2048 chain', undefined, false, true);
    const icmp = fragmentationNeeded(run.routers);
    t.log(`client: ${run.client.trim()}`);
    t.regex(run.client, /^opened \S+ \S+ DTLSv1\.2\necho 100\n/);
    t.true(
      icmp.some((p) => p.dst === run.bed.clientAddress && p.fragmentationNeeded === 576),
      `ICMP fragmentation-needed to the client: ${summary(icmp)}`,
    );
    const fromClient = udp(run.bottleneck).filter((p) => p.src === run.bed.clientAddress);
    t.log(`bottleneck, from the client: ${summary(fromClient)}`);
    t.deepEqual(
      fromClient.filter((p) => p.fragment),
      [],
      'no IP fragment of the client crossed the bottleneck',
    );
  },
);
