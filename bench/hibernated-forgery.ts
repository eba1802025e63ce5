import { loadavg } from 'node:os';
import { DtlsConnection } from '../runtime/connection/connection.js';
import { resolveConfig } from '../runtime/shared/config.js';
import { screenFrozen, type FrozenSession } from '../runtime/shared/hibernation.js';
import { listen, type DtlsListener } from '../runtime/api/listener.js';
import { clockOf, DEFAULT_CLOCK } from '../hwmodel/calibrate/clock.js';
import { bytesFrom, forgedCiphertext } from '../tests/support/attacker.js';
import { Link } from '../tests/support/link.js';
import { makeIdentity, TEST_TIME } from '../tests/support/pki-fixtures.js';
import { openClientEndpoint, type UdpClientEndpoint } from '../tests/support/udp-client.js';

/**
 * `npm run bench -- attacks` (issue 49, item 2): the server CPU one forged
 * datagram costs at a hibernated DTLS 1.3 session, against the same
 * datagram at an awake one, in alternating rounds of the same run.
 *
 * Two servers on loopback, SESSIONS sessions each, opened over real UDP:
 * one parks and hibernates its sessions after PARK_MS quiet, the other
 * never parks them. A round sends one forged datagram to every session of
 * one server through the server's own datagram path (`inject`: routing,
 * endpoint, connection, as a datagram read off the socket takes, without
 * the kernel's share): a forged application-data record (unified header,
 * epoch 3, 32 bytes that authenticate under no key) from the client's
 * address and port, or, with connection IDs, carrying the session's CID
 * from another address. Before each round at the hibernating server, the
 * bench waits until all of its sessions are hibernated again (a datagram
 * that thawed one is then counted as what it cost a hibernated session).
 * Prints, per route, the median µs of CPU per forged datagram with the
 * range over the rounds, the ratio, and the thaws the rounds caused.
 *
 * Then what a thaw itself costs (what an authentic record at a hibernated
 * session pays once) and what hibernating costs, on one sans-I/O session
 * frozen and thawed in turn, against screening a forged datagram at the
 * same frozen session, in alternating rounds.
 */

const SESSIONS = 64;
const ROUNDS = 9;
const WARM_UP = 4;
const PARK_MS = 40;

interface Side {
  readonly server: DtlsListener;
  readonly clients: UdpClientEndpoint[];
  /** One forged datagram per session, and where it comes from. */
  readonly forged: { readonly d: Uint8Array; readonly address: string; readonly port: number }[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function side(parkAfterMs: number, cid: boolean): Promise<Side> {
  const id = makeIdentity('p256', 'server.test');
  const server = listen(() => {}, {
    cert: [...id.chain],
    key: id.privateKey,
    host: '127.0.0.1',
    parkAfterMs,
    idleTimeout: 600_000,
    maxHandshakesPerHost: SESSIONS,
    maxSessionsPerHost: 2 * SESSIONS,
    ...(cid ? { cid: 8 } : {}),
  });
  const { port } = await server.listening;
  const clients: UdpClientEndpoint[] = [];
  for (let i = 0; i < SESSIONS; i += 8) {
    const batch = Array.from({ length: Math.min(8, SESSIONS - i) }, () =>
      openClientEndpoint({ port, trustAnchors: [id.caDer], serverName: 'server.test', ...(cid ? { cid: 8 } : {}) }),
    );
    await Promise.all(batch.map((c) => c.handshake));
    clients.push(...batch);
  }
  const forged = clients.map((c, i) => {
    const local = c.socket.address();
    const peerCid = c.connection.connectionIds?.peer;
    const body = bytesFrom(i + 1, 32);
    if (cid && peerCid !== undefined) {
      // Unified header with the CID, a 16-bit sequence number and a length (RFC 9147 §4), from an address the session never used.
      const d = new Uint8Array(1 + peerCid.length + 4 + body.length);
      d[0] = 0x20 | 0x10 | 0x08 | 0x04 | 3;
      d.set(peerCid, 1);
      d.set([0x12, 0x34, 0, body.length], 1 + peerCid.length);
      d.set(body, 1 + peerCid.length + 4);
      return { d, address: '127.0.0.9', port: 40_000 + i };
    }
    const d = new Uint8Array(5 + body.length);
    d.set([0x2c | 3, 0x12, 0x34, 0, body.length]);
    d.set(body, 5);
    return { d, address: '127.0.0.1', port: local.port }; // the client's socket is bound to any address; it sends from loopback
  });
  return { server, clients, forged };
}

async function close(s: Side): Promise<void> {
  for (const c of s.clients) c.close();
  await s.server.close();
}

/** µs of CPU per datagram of one round: every session of `s` gets one forged datagram. */
function round(s: Side, clock: () => number): number {
  const t0 = clock();
  for (const f of s.forged) s.server.admission.transport.receive(f.d, f.address, f.port);
  return ((clock() - t0) * 1000) / s.forged.length;
}

async function allHibernated(s: Side): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 5) {
    if (s.server.stats.hibernated - s.server.stats.thawed >= SESSIONS) return;
    await sleep(5);
  }
  throw new Error(
    `the sessions did not hibernate (hibernated ${s.server.stats.hibernated}, thawed ${s.server.stats.thawed})`,
  );
}

const spread = (xs: readonly number[]): { median: number; low: number; high: number } => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[(sorted.length - 1) >> 1]!, low: sorted[0]!, high: sorted.at(-1)! };
};

async function forgeryAtRest(log: (line: string) => void, cid: boolean): Promise<void> {
  const hibernating = await side(PARK_MS, cid);
  const awake = await side(0, cid);
  try {
    const clock = clockOf(DEFAULT_CLOCK);
    await allHibernated(hibernating);
    const thawedBefore = hibernating.server.stats.thawed;
    const hib: number[] = [];
    const live: number[] = [];
    // WARM_UP rounds of each (the code the first route runs is still being compiled), then ROUNDS timed ones, alternating.
    for (let r = -WARM_UP; r < ROUNDS; r++) {
      await allHibernated(hibernating);
      const h = round(hibernating, clock);
      const a = round(awake, clock);
      if (r >= 0) {
        hib.push(h);
        live.push(a);
      }
    }
    const thaws = hibernating.server.stats.thawed - thawedBefore;
    const h = spread(hib);
    const a = spread(live);
    const route = cid ? 'by CID from another address' : "from the client's address and port";
    log(
      `forged datagram at a hibernated session (${route}): ${h.median.toFixed(1)} µs CPU each (${h.low.toFixed(1)}–${h.high.toFixed(1)} over ${ROUNDS} rounds); ` +
        `at an awake one: ${a.median.toFixed(1)} µs (${a.low.toFixed(1)}–${a.high.toFixed(1)}); ${(h.median / a.median).toFixed(2)}×; ` +
        `thaws: ${thaws} for ${(ROUNDS + WARM_UP) * SESSIONS} datagrams to ${SESSIONS} hibernated sessions (load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')})`,
    );
  } finally {
    await close(hibernating);
    await close(awake);
  }
}

/** µs of CPU per DtlsConnection.thaw and per hibernate of one session, and per forged datagram screened at it frozen. */
function thawCost(log: (line: string) => void): void {
  const id = makeIdentity('p256', 'server.test');
  const config = resolveConfig('server', { certificate: { chain: id.chain, privateKey: id.privateKey } });
  const wallClock = (): number => TEST_TIME;
  let server = DtlsConnection.serverSharing(config, { wallClock });
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'server.test', wallClock });
  const link = new Link(client, server);
  client.connect(0);
  link.run();
  const now = link.now;
  let frozen: FrozenSession | undefined = server.hibernate(now);
  if (frozen === undefined) throw new Error('the session did not hibernate');
  const { provider, replayWindow, limits } = config;
  const context = {
    provider,
    replayWindow,
    maxRecordsPerDatagram: limits.maxRecordsPerDatagram,
    ownsConnectionId: () => false,
  };
  const forged = forgedCiphertext(3, 7, bytesFrom(7, 32));
  const clock = clockOf(DEFAULT_CLOCK);
  const calls = 200;
  const thaws: number[] = [];
  const freezes: number[] = [];
  const screens: number[] = [];
  for (let r = -1; r < ROUNDS; r++) {
    let thaw = 0;
    let freeze = 0;
    for (let i = 0; i < calls; i++) {
      const t0 = clock();
      server = DtlsConnection.thaw(config, { wallClock }, frozen, now);
      const t1 = clock();
      frozen = server.hibernate(now);
      const t2 = clock();
      if (frozen === undefined) throw new Error('the thawed session did not hibernate again');
      thaw += t1 - t0;
      freeze += t2 - t1;
    }
    const t0 = clock();
    for (let i = 0; i < calls; i++) frozen = screenFrozen(frozen, forged, context) ?? frozen;
    const screen = clock() - t0;
    if (r < 0) continue;
    thaws.push((thaw * 1000) / calls);
    freezes.push((freeze * 1000) / calls);
    screens.push((screen * 1000) / calls);
  }
  const [t, f, s] = [spread(thaws), spread(freezes), spread(screens)];
  log(
    `hibernated session (sans-I/O, ${frozen.length} characters): thaw ${t.median.toFixed(1)} µs CPU (${t.low.toFixed(1)}–${t.high.toFixed(1)} over ${ROUNDS} rounds), ` +
      `hibernate ${f.median.toFixed(1)} µs (${f.low.toFixed(1)}–${f.high.toFixed(1)}), a forged datagram screened without a thaw ${s.median.toFixed(1)} µs ` +
      `(${s.low.toFixed(1)}–${s.high.toFixed(1)}); thaw ${(t.median / s.median).toFixed(1)}× a screening (load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
  );
}

/** The lines `npm run bench -- attacks` prints for forged datagrams at hibernated sessions. */
export async function benchHibernatedForgery(log: (line: string) => void): Promise<void> {
  await forgeryAtRest(log, false);
  await forgeryAtRest(log, true);
  thawCost(log);
}
