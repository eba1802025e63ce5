import { createSocket, type Socket } from 'node:dgram';
import { DtlsConnection, type ConnectionOptions } from '../runtime/connection/connection.js';
import { connect } from '../runtime/api/connect.js';
import { DtlsListener, listen } from '../runtime/api/listener.js';
import type { ListenOptions } from '../runtime/api/options.js';
import { DEFAULT_ANTI_REPLAY_WAIT, type AntiReplayWaitStats } from '../runtime/node/anti-replay-wait.js';
import { MemoryAntiReplay, type AntiReplayStore } from '../runtime/session/anti-replay.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { bytesFrom, forgedCiphertext } from '../tests/support/attacker.js';
import { rawSocket, sendAll, sleep, until } from '../tests/node/support.js';

/**
 * What a listen() server holds per peer and in total under the two 0-RTT
 * attacks of issue 33, over real loopback UDP (127.0.0.x source addresses,
 * the attacker in the bench process):
 *
 * - a 0-RTT flood from forged addresses: one ticket obtained legitimately
 *   from 127.0.0.1, then from each of 96 other addresses and 4 ports a fresh 0-RTT
 *   ClientHello (valid binder) with its early data, followed by 8
 *   early-data-sized datagrams (1,200-byte epoch-1 records). Measured: the
 *   handshake slots and store-wait bytes the server holds (peak), the heap
 *   growth after gc per forged ClientHello, next to baselines from the same
 *   run in alternating rounds: the same flood of plain ClientHellos (no
 *   ticket, no early data), which the cookie exchange answers alike, and the
 *   0-RTT flood into a bare node:dgram socket (the process's own share: the
 *   heap shrinks across a flood even there, so all three can be below 0); the
 *   reflection ratio (bytes sent to the forged addresses / bytes from them).
 * - an anti-replay store that never answers (caps DEFAULT_ANTI_REPLAY_WAIT,
 *   its timeout raised to 60 s so nothing is let go while measured): from
 *   the ticket's own address over many ports, then from many hosts (each
 *   with a ticket of its own), each 0-RTT ClientHello followed by 8
 *   datagrams of 8 KiB. Measured: the peak bytes held per host and in total
 *   (held().bytes) against the caps, and the process's
 *   array buffers growth after gc, next to a baseline from the same run in
 *   alternating rounds: the same datagrams without the ClientHellos (dropped
 *   by the server, so only the process's own churn).
 */

const NOW = Date.UTC(2026, 10, 21);
const KiB = 1024;
const wallClock = (): number => NOW;

type Gc = () => void;
type Raw = Socket & { received: Uint8Array[] };

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sum = (ds: readonly Uint8Array[]): number => ds.reduce((n, d) => n + d.length, 0);
const kib = (bytes: number): string => `${(bytes / KiB).toFixed(Math.abs(bytes) < 10 * KiB ? 2 : 1)} KiB`;

function collected(gc: Gc): { heap: number; arrayBuffers: number } {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.arrayBuffers, arrayBuffers: m.arrayBuffers };
}

interface Setup {
  readonly server: Pick<ListenOptions, 'cert' | 'key' | 'host' | 'wallClock' | 'ticketKeys' | 'maxEarlyData'>;
  readonly client: ConnectionOptions;
}

function setup(): Setup {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  return {
    server: {
      cert: [...id.chain],
      key: id.privateKey,
      host: '127.0.0.1',
      wallClock,
      ticketKeys: new Uint8Array(32).fill(0x33),
      maxEarlyData: 16 * KiB,
    },
    client: { trustAnchors: [id.caDer], serverName: 'bench.test', wallClock },
  };
}

/** A listen() server with the setup's options and `extra`, listening; its sessions are left to themselves. */
async function serve(s: Setup, extra: ListenOptions): Promise<DtlsListener> {
  const server = listen(() => {}, { ...s.server, ...extra });
  await server.listening;
  return server;
}

/** What a server without an anti-replay store holds for one (nothing). */
const NO_WAIT: AntiReplayWaitStats = { waiting: 0, bytes: 0, overflowed: 0, dropped: 0, refused: 0, timedOut: 0 };

/** The port a listening server is bound to. */
const portOf = (server: DtlsListener): number => server.address!.port;

/** A ticket issued to `address` by a server with the setup's ticket keys and a store that admits. */
async function ticketFor(s: Setup, address: string): Promise<Uint8Array> {
  const issuer = await serve(s, { antiReplay: { admit: () => true } });
  try {
    const client = connect('127.0.0.1', portOf(issuer), {
      ca: s.client.trustAnchors ?? [],
      servername: 'bench.test',
      wallClock,
      bindHost: address,
    });
    await client.opened;
    const ticket = await client.ticket;
    await client.close();
    if (ticket === undefined) throw new Error(`no ticket for ${address}`);
    return new Uint8Array(ticket);
  } finally {
    await issuer.close();
  }
}

/** A fresh client's first flight: its ClientHello and, with `session`, its early data (`early` bytes). */
function firstFlight(s: Setup, session: Uint8Array | undefined, early: number): Uint8Array[] {
  const client = DtlsConnection.client({
    ...s.client,
    ...(session ? { session, earlyData: bytesFrom(early, early) } : {}),
  });
  client.connect(0);
  const out: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) out.push(d);
  return out;
}

/** `count` datagrams of `size` bytes that look like early data (epoch-1 ciphertext records that authenticate under no key). */
function earlyLooking(count: number, size: number, seed: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => forgedCiphertext(1, i, bytesFrom(seed * 64 + i + 1, size - 5)));
}

async function closeAll(sockets: readonly Socket[]): Promise<void> {
  await Promise.all(sockets.map((x) => new Promise<void>((r) => x.close(() => r()))));
}

// ── (a) the 0-RTT flood from forged addresses ──────────────────────────────

interface ForgedRound {
  /** Heap growth (V8 heap + array buffers, after gc) across the flood, less the answers the forgers hold. */
  readonly retained: number;
  readonly peakHandshaking: number;
  readonly peakHeld: number;
  readonly connections: number;
  readonly bytesIn: number;
  /** The ClientHellos' part of bytesIn. */
  readonly helloBytes: number;
  readonly bytesOut: number;
  readonly answered: number;
}

/** `forgers` = addresses × ports: each address (127.0.0.2 on) sends from `ports` ports, one flight each. */
async function forgedFlood(
  s: Setup,
  server: DtlsListener | Socket,
  gc: Gc,
  session: Uint8Array | undefined,
  addresses: number,
  ports: number,
  round: number,
): Promise<ForgedRound> {
  const forgers = addresses * ports;
  const flights = Array.from({ length: forgers }, (_, i) => [
    ...firstFlight(s, session, 1000),
    ...earlyLooking(8, 1200, round * forgers + i),
  ]);
  const sockets: Raw[] = [];
  for (let i = 0; i < forgers; i++) sockets.push(await rawSocket(`127.0.0.${(i % addresses) + 2}`));
  const dtls = server instanceof DtlsListener ? server : undefined;
  const port = server instanceof DtlsListener ? portOf(server) : server.address().port;
  const before = collected(gc).heap;
  let peakHandshaking = 0;
  let peakHeld = 0;
  for (const [i, socket] of sockets.entries()) {
    await sendAll(socket, flights[i]!, port);
    await sleep(1); // lets the server read them before its socket's receive buffer overflows
    peakHandshaking = Math.max(peakHandshaking, dtls?.stats.handshaking ?? 0);
    peakHeld = Math.max(peakHeld, dtls?.stats.antiReplay?.bytes ?? 0);
  }
  if (dtls) await until(() => sockets.every((x) => x.received.length > 0), 3000);
  await sleep(50);
  peakHandshaking = Math.max(peakHandshaking, dtls?.stats.handshaking ?? 0);
  const bytesIn = flights.reduce((n, f) => n + sum(f), 0);
  const helloBytes = flights.reduce((n, f) => n + f[0]!.length, 0);
  const bytesOut = sockets.reduce((n, x) => n + sum(x.received), 0);
  const answered = sockets.filter((x) => x.received.length > 0).length;
  // Measured with the flights and the forgers' sockets still alive (they were when `before` was): what grew is the server's, and the answers the forgers hold.
  const retained = collected(gc).heap - before - bytesOut;
  await closeAll(sockets);
  return {
    retained,
    peakHandshaking,
    peakHeld,
    connections: dtls?.stats.sessions ?? 0,
    bytesIn,
    helloBytes,
    bytesOut,
    answered,
  };
}

async function zeroRttFlood(log: (line: string) => void, gc: Gc, s: Setup, rounds: number): Promise<void> {
  const addresses = Math.min(98, Number(process.env.DTLS13_BENCH_MEMORY_FORGED ?? 96));
  const ports = 4;
  const forgers = addresses * ports;
  const session = await ticketFor(s, '127.0.0.1');
  const store = new MemoryAntiReplay();
  const server = await serve(s, { antiReplay: store });
  // The third subject: a bare node:dgram socket that drops what it receives, flooded alike (the process's own share).
  const sink = createSocket('udp4');
  sink.on('message', () => {});
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', () => resolve()));
  const figures = { zeroRtt: [] as ForgedRound[], plain: [] as ForgedRound[], sink: [] as ForgedRound[] };
  const kinds = ['zeroRtt', 'plain', 'sink'] as const;
  try {
    await forgedFlood(s, server, gc, session, addresses, ports, 0); // warm-up: code paths and pools first touched are not per peer
    for (let r = 0; r < rounds; r++) {
      // Alternate the order from round to round, so drift hits every subject alike.
      for (const kind of r % 2 === 0 ? kinds : [...kinds].reverse()) {
        figures[kind].push(
          await forgedFlood(
            s,
            kind === 'sink' ? sink : server,
            gc,
            kind === 'plain' ? undefined : session,
            addresses,
            ports,
            r + 1,
          ),
        );
      }
    }
  } finally {
    await server.close();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
  const per = (kind: (typeof kinds)[number]): number => median(figures[kind].map((f) => f.retained)) / forgers;
  const all = figures.zeroRtt;
  const maxOf = (f: (x: ForgedRound) => number): number => Math.max(...all.map(f));
  const bytesIn = all.reduce((n, f) => n + f.bytesIn, 0);
  const bytesOut = all.reduce((n, f) => n + f.bytesOut, 0);
  const plainIn = figures.plain.reduce((n, f) => n + f.bytesIn, 0);
  const plainOut = figures.plain.reduce((n, f) => n + f.bytesOut, 0);
  log(
    `  0-RTT flood from ${addresses} forged addresses × ${ports} ports (one legitimate ticket of 127.0.0.1; each a 0-RTT ClientHello with 1,000 bytes of early data, then 8 × 1,200-byte early-data records), ${rounds} rounds:`,
  );
  log(
    `    held at peak: ${maxOf((f) => f.peakHandshaking)} handshake slots, ${maxOf((f) => f.connections)} connections, ${kib(maxOf((f) => f.peakHeld))} waiting for the store, ` +
      `${store.size} binders recorded; ${Math.min(...all.map((f) => f.answered))} of ${forgers} answered with a HelloRetryRequest`,
  );
  log(
    `    retained per forged ClientHello ${kib(per('zeroRtt')).padStart(10)}  (baselines: the same flood of plain ClientHellos ${kib(per('plain'))}, ` +
      `the same 0-RTT flood into a bare node:dgram socket ${kib(per('sink'))}; median of ${rounds} alternating rounds)`,
  );
  log(
    `    reflection: ${(bytesOut / bytesIn).toFixed(3)} bytes out per byte in (${kib(bytesOut / all.length)} sent to the forged addresses for ${kib(bytesIn / all.length)} from them per round; ` +
      `per ClientHello alone: ${(bytesOut / all.reduce((n, f) => n + f.helloBytes, 0)).toFixed(2)}; the plain flood: ${(plainOut / plainIn).toFixed(3)})`,
  );
}

// ── (b) a store that never answers ─────────────────────────────────────────

const SILENT: AntiReplayStore = { admit: () => new Promise<boolean>(() => {}) };
const EXTRA = 8;
const EXTRA_SIZE = 8 * KiB;

interface SilentRound {
  /** Array buffers growth after gc, measured while the store still keeps silent (sockets closed). */
  readonly grown: number;
  readonly peakTotal: number;
  /** The most one host got held (bytes held after its flights minus before; hosts send one after another). */
  readonly peakHost: number;
  readonly waiting: number;
  readonly overflowed: number;
  readonly dropped: number;
  readonly handshaking: number;
  readonly sent: number;
}

/** Each host in turn sends, from `ports` ports, a 0-RTT ClientHello (`withHello`; its own ticket) then EXTRA datagrams of EXTRA_SIZE. */
async function silentFlood(
  s: Setup,
  gc: Gc,
  sessions: ReadonlyMap<string, Uint8Array>,
  ports: number,
  withHello: boolean,
  round: number,
): Promise<SilentRound> {
  const server = await serve(s, { antiReplay: SILENT, antiReplayWait: { timeoutMs: 60_000 } });
  const held = (): AntiReplayWaitStats => server.stats.antiReplay ?? NO_WAIT;
  const sockets: Raw[] = [];
  let sent = 0;
  let peakTotal = 0;
  let peakHost = 0;
  try {
    const before = collected(gc).arrayBuffers;
    for (const [host, session] of sessions) {
      const start = held().bytes;
      for (let p = 0; p < ports; p++) {
        const socket = await rawSocket(host);
        sockets.push(socket);
        const flight = [
          ...(withHello ? firstFlight(s, session, 1000).slice(0, 1) : []),
          ...earlyLooking(EXTRA, EXTRA_SIZE, round * 4096 + sockets.length),
        ];
        sent += sum(flight);
        await sendAll(socket, flight, portOf(server));
        await sleep(1);
        peakTotal = Math.max(peakTotal, held().bytes);
      }
      await sleep(5);
      peakTotal = Math.max(peakTotal, held().bytes);
      peakHost = Math.max(peakHost, held().bytes - start);
    }
    await sleep(50);
    await closeAll(sockets);
    sockets.length = 0;
    const grown = collected(gc).arrayBuffers - before;
    const st = held();
    return {
      grown,
      peakTotal: Math.max(peakTotal, st.bytes),
      peakHost,
      waiting: st.waiting,
      overflowed: st.overflowed,
      dropped: st.dropped,
      handshaking: server.stats.handshaking,
      sent,
    };
  } finally {
    await closeAll(sockets);
    await server.close();
  }
}

async function silentStore(log: (line: string) => void, gc: Gc, s: Setup, rounds: number): Promise<void> {
  const hostCount = Math.min(40, Number(process.env.DTLS13_BENCH_MEMORY_HOSTS ?? 24));
  const ports = { one: 40, many: 8 };
  const one = new Map([['127.0.0.200', await ticketFor(s, '127.0.0.200')]]);
  const many = new Map<string, Uint8Array>();
  for (let i = 0; i < hostCount; i++) {
    const host = `127.0.0.${150 + i}`;
    many.set(host, await ticketFor(s, host));
  }
  const d = DEFAULT_ANTI_REPLAY_WAIT;
  log(
    `  an anti-replay store that never answers (caps: ${kib(d.maxBytesPerHost)} and ${d.maxClientHellosPerHost} ClientHellos per host, ${kib(d.maxBytes)} and ${d.maxClientHellos} in all, ` +
      `${d.maxDatagramsEach} datagrams each; timeout raised to 60 s), each 0-RTT ClientHello followed by ${EXTRA} × ${kib(EXTRA_SIZE)}, ${rounds} alternating rounds:`,
  );
  for (const [label, sessions, p] of [
    [`one host (the ticket's own address), ${ports.one} ports`, one, ports.one],
    [`${hostCount} hosts (each its ticket's address), ${ports.many} ports each`, many, ports.many],
  ] as const) {
    const attack: SilentRound[] = [];
    const baseline: SilentRound[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        attack.push(await silentFlood(s, gc, sessions, p, true, r));
        baseline.push(await silentFlood(s, gc, sessions, p, false, r));
      } else {
        baseline.push(await silentFlood(s, gc, sessions, p, false, r));
        attack.push(await silentFlood(s, gc, sessions, p, true, r));
      }
    }
    const worst = (f: (x: SilentRound) => number): number => Math.max(...attack.map(f));
    const capTotal = Math.min(d.maxBytes, sessions.size * d.maxBytesPerHost);
    log(
      `    ${label}: ${kib(attack[0]!.sent)} sent; held at peak ${kib(worst((x) => x.peakHost))} per host (cap ${kib(d.maxBytesPerHost)}), ` +
        `${kib(worst((x) => x.peakTotal))} in all (cap ${kib(capTotal)}); ${worst((x) => x.waiting)} ClientHellos waiting, ${worst((x) => x.overflowed)} sent to the cookie exchange, ` +
        `${worst((x) => x.dropped)} datagrams dropped, ${worst((x) => x.handshaking)} handshake slots`,
    );
    log(
      `      array buffers grown ${kib(median(attack.map((x) => x.grown))).padStart(10)}  (baseline, the same datagrams without the ClientHellos: ${kib(median(baseline.map((x) => x.grown)))}; median)`,
    );
  }
}

/** The lines `npm run bench -- memory` prints for the 0-RTT and slow-store attacks (needs `gc`). */
export async function benchMemoryAttacks(log: (line: string) => void, gc: Gc): Promise<void> {
  const rounds = Number(process.env.DTLS13_BENCH_MEMORY_ATTACK_ROUNDS ?? 3);
  const s = setup();
  log('memory under 0-RTT attacks, over loopback UDP (attackers in this process, 127.0.0.x source addresses):');
  await zeroRttFlood(log, gc, s, rounds);
  await silentStore(log, gc, s, rounds);
}
