/**
 * `npm run bench -- api`: what the public network API (listen/connect,
 * DtlsSession) costs over a bare driver: the sans-I/O DtlsConnection driven
 * over a plain node:dgram socket by this bench (one connection per peer
 * address, no admission, no router), its clients opened as
 * tests/support/udp-client.ts does. One process, loopback; the two run in alternating rounds so the machine's drift hits them alike, and each
 * figure is printed as a ratio to the driver's in the same round (median and
 * range over the rounds).
 *
 * - handshakes: sessions opened one after another, each with one message
 *   echoed and a close (P-256 ECDSA, AES-128-GCM; listen's cookie exchange on, a round trip the baseline, which
 *   answers the first ClientHello at once, does not make);
 * - round trips: messages of 100 bytes echoed one at a time on one session.
 */
import { performance } from 'node:perf_hooks';
import { openClientEndpoint } from '../tests/support/udp-client.js';
import { connect } from '../runtime/api/connect.js';
import { listen } from '../runtime/api/listener.js';
import type { DtlsSession } from '../runtime/api/session.js';
import { createSocket } from 'node:dgram';
import { DtlsConnection } from '../runtime/connection/connection.js';
import { serverConfigs } from '../runtime/connection/version-configs.js';
import { createSecureContext } from '../runtime/pki/secure-context.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';

const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'bench CA' });
const ROUNDS = 5;
const HANDSHAKES = 40;
const ROUND_TRIPS = 2000;
const MESSAGE = new Uint8Array(100).fill(0x61);

/** One way of running the two workloads: ms per handshake (with an echo and a close) and round trips per second. */
interface Contender {
  readonly name: string;
  handshakes(n: number): Promise<number>;
  roundTrips(n: number): Promise<number>;
  close(): Promise<void>;
}

/** The baseline server: each peer's sans-I/O connection, driven over one UDP socket here; it echoes every message. */
async function bareServer(): Promise<{ port: number; close: () => Promise<void> }> {
  // Its clients are this bench's own: no anti-amplification wait (runtime/shared/amplification-limit.ts) in the baseline.
  const options = { certificate: { chain: id.chain, privateKey: id.privateKey }, amplificationLimit: false };
  const configs = serverConfigs(options);
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const peers = new Map<string, { readonly c: DtlsConnection; timer: NodeJS.Timeout | undefined }>();
  const drive = (key: string, port: number, address: string): void => {
    const peer = peers.get(key);
    if (peer === undefined) return;
    const { c } = peer;
    for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) {
      if (e.type === 'data') c.send(e.data, Date.now());
      else if (e.type === 'closed') peers.delete(key);
    }
    for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) socket.send(d, port, address);
    clearTimeout(peer.timer);
    const at = c.pollTimeout();
    peer.timer =
      at === undefined || !peers.has(key)
        ? undefined
        : setTimeout(() => (c.handleTimeout(Date.now()), drive(key, port, address)), Math.max(0, at - Date.now()));
  };
  socket.on('message', (m, from) => {
    const key = `${from.address}:${from.port}`;
    let peer = peers.get(key);
    if (peer === undefined)
      peers.set(key, (peer = { c: DtlsConnection.serverSharing(configs, options), timer: undefined }));
    peer.c.receive(new Uint8Array(m), Date.now());
    drive(key, from.port, from.address);
  });
  return {
    port: socket.address().port,
    close: async () => {
      for (const p of peers.values()) clearTimeout(p.timer);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

async function driver(): Promise<Contender> {
  const server = await bareServer();
  const port = server.port;
  const open = async (): Promise<ReturnType<typeof openClientEndpoint>> => {
    const c = openClientEndpoint({ port, trustAnchors: [id.caDer], serverName: 'localhost' });
    await c.handshake;
    return c;
  };
  return {
    name: 'driver (DtlsConnection on node:dgram)',
    async handshakes(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const c = await open();
        c.send(MESSAGE);
        await c.receive();
        c.close();
        await c.closed;
      }
      return (performance.now() - t0) / n;
    },
    async roundTrips(n) {
      const c = await open();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        c.send(MESSAGE);
        await c.receive();
      }
      const rate = (n * 1000) / (performance.now() - t0);
      c.close();
      await c.closed;
      return rate;
    },
    close: () => server.close(),
  };
}

async function sessions(): Promise<Contender> {
  const endpoint = listen((s) => (s.onmessage = (d) => s.send(d)), {
    cert: [...id.chain],
    key: id.privateKey,
    host: '127.0.0.1',
  });
  const { port } = await endpoint.listening;
  const ca = createSecureContext({ ca: id.caDer }); // the trust anchor parsed once for every session, as an application opening many would
  const echo = (s: DtlsSession): Promise<Buffer> => new Promise((resolve) => (s.onmessage = resolve));
  return {
    name: 'listen / connect (DtlsSession)',
    async handshakes(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const s = connect('127.0.0.1', port, { secureContext: ca, servername: 'localhost' });
        await s.opened;
        const reply = echo(s);
        s.send(MESSAGE);
        await reply;
        await s.close();
      }
      return (performance.now() - t0) / n;
    },
    async roundTrips(n) {
      const s = connect('127.0.0.1', port, { secureContext: ca, servername: 'localhost' });
      await s.opened;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const reply = echo(s);
        s.send(MESSAGE);
        await reply;
      }
      const rate = (n * 1000) / (performance.now() - t0);
      await s.close();
      return rate;
    },
    close: () => endpoint.close(),
  };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: readonly number[], digits = 2): string =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

export async function benchApi(log: (line: string) => void): Promise<void> {
  const all = [await driver(), await sessions()];
  for (const c of all) {
    await c.handshakes(5); // warm-up
    await c.roundTrips(200);
  }
  const handshakeRatios = all.map(() => [] as number[]);
  const tripRatios = all.map(() => [] as number[]);
  const handshakeMs = all.map(() => [] as number[]);
  const tripRates = all.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    const ms: number[] = [];
    const rates: number[] = [];
    for (const c of r % 2 === 0 ? all : [...all].reverse()) {
      const i = all.indexOf(c);
      ms[i] = await c.handshakes(HANDSHAKES);
      rates[i] = await c.roundTrips(ROUND_TRIPS);
    }
    all.forEach((_, i) => {
      handshakeMs[i]!.push(ms[i]!);
      tripRates[i]!.push(rates[i]!);
      handshakeRatios[i]!.push(ms[i]! / ms[0]!);
      tripRatios[i]!.push(rates[i]! / rates[0]!);
    });
  }
  log(
    `api: ${ROUNDS} alternating rounds of ${HANDSHAKES} sessions (handshake, one 100-byte echo, close) and ${ROUND_TRIPS} echoes on one session; loopback, one process`,
  );
  log(
    '  contender                                   ms/session          × driver           round trips/s              × driver',
  );
  all.forEach((c, i) => {
    log(
      `  ${c.name.padEnd(42)}  ${fmt(handshakeMs[i]!).padEnd(18)} ${fmt(handshakeRatios[i]!).padEnd(18)} ${fmt(tripRates[i]!, 0).padEnd(26)} ${fmt(tripRatios[i]!)}`,
    );
  });
  for (const c of all) await c.close();
}
