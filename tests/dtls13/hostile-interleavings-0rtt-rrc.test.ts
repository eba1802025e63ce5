import test from 'ava';
import fc from 'fast-check';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { HelloRetryResponder } from '../../runtime/dtls13/hello-retry-responder.js';
import { TICKET_AGE_TOLERANCE_MS } from '../../runtime/shared/psk-selection.js';
import { AMPLIFICATION_FACTOR } from '../../runtime/cid/path-validation.js';
import type { SyncAntiReplay } from '../../runtime/session/anti-replay.js';
import { freshAntiReplay } from '../support/fresh-anti-replay.js';
import { bytesFrom, forgedCiphertext } from '../support/attacker.js';
import { handshake } from '../support/handshake.js';
import { retainedWithinCaps, runUntil, side, spoof, spoofType } from '../support/hostile.js';
import { Link } from '../support/link.js';
import { PathLink } from '../support/path-link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';

/**
 * The hostile-interleavings property (hostile-interleavings.test.ts)
 * extended to 0-RTT and to return routability checks (RFC 9853):
 *
 * - 0-RTT: a client resumes with a ticket issued to its address and sends
 *   early data; the attacker, who sees every datagram the server receives
 *   and holds a ticket of its own for that address, replays and duplicates
 *   the 0-RTT ClientHello and the early data records, to the same server
 *   connection and to new ones (as a server without cookies makes them, and
 *   through the stateless responder and the anti-replay store as the UDP
 *   server does), from the ticket's address and from forged ones, flips
 *   bytes, forges early data records and fresh 0-RTT ClientHellos from
 *   forged addresses, spoofs plaintext records (alerts only once connected:
 *   a plaintext fatal alert ends a handshake in progress, as
 *   docs/security/README.md says). The early data is delivered at most
 *   once, only to the connection of the genuine ClientHello, exactly once
 *   when its datagrams were neither lost nor delayed past the client's
 *   Finished; no copy or forgery skips the cookie exchange or gets its
 *   early data taken; nothing throws; retained state stays under the caps;
 *   the pair completes and talks.
 * - RRC (basic and enhanced): a CID pair on a network of addresses where
 *   the attacker copies, races, steals and corrupts the client's records
 *   from its own addresses and from the client's old ones, while the client
 *   sends, waits and moves (NAT rebinding). The server's session is only
 *   ever bound to an address the client held (only the client can answer a
 *   path_challenge); no record is delivered twice; what goes to an address
 *   not validated stays within the anti-amplification factor; the pair ends
 *   connected, bound to the client's address and talking.
 */

const serverId = makeIdentity('p256', 'server.test');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

// ── 0-RTT ──────────────────────────────────────────────────────────────────

const ticketKeys = new Uint8Array(32).fill(0x3d);
const TICKET_ADDRESS = '192.0.2.7';
const FORGED_ADDRESSES = ['198.51.100.1', '198.51.100.2', '203.0.113.9'] as const;
const EARLY = 'GET /once';
const WINDOW = 2 * TICKET_AGE_TOLERANCE_MS;

/** A ticket the server issued to TICKET_ADDRESS (the genuine client's, and the attacker's own: any holder can make 0-RTT ClientHellos). */
const session = ((): Uint8Array => {
  const { link } = handshake(serverId, { server: { ticketKeys, maxEarlyData: 4096, peerAddress: TICKET_ADDRESS } });
  const e = link.events.client.find((x) => x.type === 'sessionTicket');
  if (e?.type !== 'sessionTicket') throw new Error('no ticket');
  return e.session;
})();

function serverOptions(antiReplay: SyncAntiReplay, peerAddress: string): ConnectionOptions {
  return {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock: () => TEST_TIME,
    ticketKeys,
    maxEarlyData: 4096,
    antiReplay,
    peerAddress,
  };
}

function clientOptions(earlyData: string): ConnectionOptions {
  return {
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    session,
    earlyData: enc(earlyData),
  };
}

/** Where the attacker's ClientHello copy goes: a new connection of a server without cookies, or the UDP server's stateless front. */
type Entry = 'bare' | 'front';
const entry = fc.constantFrom('bare' as const, 'front' as const);
/** 0: the ticket's address (another port); 1..3: a forged address. */
const source = fc.integer({ min: 0, max: FORGED_ADDRESSES.length });
const addressOf = (n: number): string =>
  n === 0 ? TICKET_ADDRESS : FORGED_ADDRESSES[(n - 1) % FORGED_ADDRESSES.length]!;

type ZeroRttStep =
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'duplicate'; readonly pick: number }
  | {
      readonly kind: 'replay';
      readonly pick: number;
      readonly from: number;
      readonly via: Entry;
      readonly followers: number;
    }
  | { readonly kind: 'copyEarly'; readonly pick: number; readonly target: number }
  | { readonly kind: 'mutate'; readonly pick: number; readonly at: number; readonly via: Entry | 'genuine' }
  | { readonly kind: 'forgeHello'; readonly from: number; readonly via: Entry; readonly seed: number }
  | { readonly kind: 'forgeEarly'; readonly target: number; readonly seed: number; readonly length: number }
  | {
      readonly kind: 'spoofPlaintext';
      readonly type: 'alert' | 'ack' | 'handshake' | 'application_data';
      readonly seed: number;
    };

const zeroRttStep: fc.Arbitrary<ZeroRttStep> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 1500 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('replay' as const),
    pick: fc.nat(),
    from: source,
    via: entry,
    followers: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('replay' as const),
    pick: fc.nat(),
    from: fc.constant(0),
    via: entry,
    followers: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('copyEarly' as const), pick: fc.nat(), target: fc.nat() }),
  fc.record({
    kind: fc.constant('mutate' as const),
    pick: fc.nat(),
    at: fc.nat(),
    via: fc.constantFrom('bare' as const, 'front' as const, 'genuine' as const),
  }),
  fc.record({
    kind: fc.constant('forgeHello' as const),
    from: fc.integer({ min: 1, max: FORGED_ADDRESSES.length }),
    via: entry,
    seed: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('forgeEarly' as const),
    target: fc.nat(),
    seed: fc.nat(),
    length: fc.integer({ min: 0, max: 300 }),
  }),
  fc.record({ kind: fc.constant('spoofPlaintext' as const), type: spoofType, seed: fc.nat() }),
);

/** The network between the genuine client and server: which of the client's first datagrams are lost, duplicated, delayed. */
interface Net {
  readonly lost: readonly number[];
  readonly copies: readonly number[];
  readonly delays: readonly number[];
}
const network: fc.Arbitrary<Net> = fc.record({
  lost: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }),
  copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 6, maxLength: 6 }),
  delays: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 6, maxLength: 6 }),
});

/** A server connection the attacker's datagrams made, and what it reported. */
interface Spawned {
  readonly connection: DtlsConnection;
  readonly address: string;
  readonly events: ConnectionEvent[];
}

const earlyTexts = (events: readonly ConnectionEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'data' && e.early ? [dec(e.data)] : []));
const isHandshakeRecord = (d: Uint8Array): boolean => d[0] === 22;

/** One run of the 0-RTT property; returns why it failed, or undefined. */
function zeroRttRun(steps: readonly ZeroRttStep[], net: Net, store: SyncAntiReplay): string | undefined {
  let injecting = false;
  let finalExchange = false;
  /** Datagrams the genuine server received from the genuine client (the attacker sees them all). */
  const captured: Uint8Array[] = [];
  const genuine = DtlsConnection.server({
    ...serverOptions(store, TICKET_ADDRESS),
    onDatagram: (direction, d) => {
      if (direction === 'received' && !injecting) captured.push(d);
    },
  });
  const client = DtlsConnection.client(clientOptions(EARLY));
  const link = new Link(client, genuine, {
    // Loss only until the last exchange (application data is not retransmitted: a lost one would prove nothing).
    filter: (from, i) => from !== 'client' || finalExchange || !net.lost.includes(i),
    copies: (from, i) => (from === 'client' ? (net.copies[i] ?? 1) : 1),
    delay: (from, i) => (from === 'client' ? (net.delays[i] ?? 0) : 0),
  });
  const responder = new HelloRetryResponder(serverOptions(store, TICKET_ADDRESS));
  const spawned: Spawned[] = [];
  /** Connections the front started without a cookie (it must start none: every copy or forgery goes through the cookie exchange). */
  let frontStarted = 0;
  let port = 5000;
  let failure: string | undefined;

  const spawn = (address: string, d: Uint8Array, antiReplay: SyncAntiReplay): Spawned => {
    const s: Spawned = {
      connection: DtlsConnection.server({ ...serverOptions(antiReplay, address) }),
      address,
      events: [],
    };
    spawned.push(s);
    s.connection.receive(d, link.now);
    return s;
  };
  /** A datagram to a new path at `address`, as a server makes connections there (`bare`: cookies off; `front`: the UDP server's way). */
  const toNewPath = (d: Uint8Array, address: string, via: Entry): Spawned | undefined => {
    if (via === 'bare') return spawn(address, d, store);
    const path = `${address}|${port++}`;
    const outcome = responder.handle(d, path, link.now, address);
    if (outcome.kind === 'reply') {
      if (isHandshakeRecord(d) && outcome.datagram.length > d.length)
        failure ??= `the responder answered ${d.length} bytes with ${outcome.datagram.length}`;
      return undefined;
    }
    if (outcome.kind !== 'accept') return undefined;
    if (outcome.earlyDataKey === undefined) {
      failure ??= `a ClientHello from ${address} passed the cookie check without a cookie`;
      return undefined;
    }
    if (address !== TICKET_ADDRESS)
      failure ??= `a 0-RTT ClientHello from ${address}, which its ticket does not name, skipped the cookie exchange`;
    // As the server under listen() does (runtime/api/listener-admission.ts, startAfterStore): the store decides; refused, the
    // ClientHello gets the cookie exchange instead.
    if (!store.admit(outcome.earlyDataKey, WINDOW)) {
      const retry = responder.handle(d, path, link.now);
      if (retry.kind !== 'reply')
        failure ??= `a refused 0-RTT ClientHello from ${address} was not sent to the cookie exchange (${retry.kind})`;
      return undefined;
    }
    frontStarted++;
    return spawn(address, outcome.datagram, { admit: () => true });
  };
  const pick = <T>(xs: readonly T[], n: number): T | undefined => xs[n % Math.max(1, xs.length)];
  const servers = (): DtlsConnection[] => [genuine, ...spawned.map((s) => s.connection)];
  const settle = (): void => {
    for (const s of spawned) {
      s.connection.handleTimeout(link.now);
      while (s.connection.pollTransmit()); // to the attacker's address: nobody there answers
      for (let e = s.connection.pollEvent(); e; e = s.connection.pollEvent()) s.events.push(e);
    }
  };
  /** The captured datagrams after the first (the early data records, and later flights). */
  const afterHello = (): Uint8Array[] => captured.filter((d) => !isClientHello(d));

  client.connect(0);
  runUntil(link, link.now + 2);
  for (const s of steps) {
    injecting = true;
    switch (s.kind) {
      case 'advance':
        break;
      case 'duplicate': {
        const d = pick(captured, s.pick);
        if (d) genuine.receive(d, link.now);
        break;
      }
      case 'replay': {
        const hello = pick(
          captured.filter((d) => isClientHello(d)),
          s.pick,
        );
        if (!hello) break;
        const made = toNewPath(hello, addressOf(s.from), s.via);
        const early = afterHello();
        for (let i = 0; made && i < s.followers; i++) {
          const d = pick(early, s.pick + i);
          if (d) made.connection.receive(d, link.now);
        }
        break;
      }
      case 'copyEarly': {
        const d = pick(afterHello(), s.pick);
        const target = pick(servers(), s.target);
        if (d && target) target.receive(d, link.now);
        break;
      }
      case 'mutate': {
        const d = pick(captured, s.pick);
        if (!d) break;
        const m = d.slice();
        const at = s.at % m.length;
        m[at] = m[at]! ^ (1 << (s.at % 8));
        if (s.via === 'genuine') genuine.receive(m, link.now);
        else toNewPath(m, TICKET_ADDRESS, s.via);
        break;
      }
      case 'forgeHello': {
        // The attacker holds a ticket for TICKET_ADDRESS and makes a fresh 0-RTT flight (valid binder), sent from a forged address.
        const forger = DtlsConnection.client(clientOptions(`forged ${s.seed}`));
        forger.connect(link.now);
        const flight: Uint8Array[] = [];
        for (let d = forger.pollTransmit(); d; d = forger.pollTransmit()) flight.push(d);
        const made = toNewPath(flight[0]!, addressOf(s.from), s.via);
        for (const d of flight.slice(1)) made?.connection.receive(d, link.now);
        break;
      }
      case 'forgeEarly': {
        const target = pick(servers(), s.target);
        target?.receive(forgedCiphertext(1, s.seed & 0xffff, bytesFrom(s.seed, s.length)), link.now);
        break;
      }
      case 'spoofPlaintext':
        // A plaintext fatal alert ends a handshake in progress (nothing authenticates before keys; RFC 8446 §6): alerts only once connected.
        if (s.type !== 'alert' || genuine.state === 'connected') genuine.receive(spoof(s.type, s.seed), link.now);
        break;
    }
    injecting = false;
    runUntil(link, link.now + (s.kind === 'advance' ? s.ms : 3));
    settle();
    if (failure) return failure;
    for (const c of servers())
      if (!retainedWithinCaps(c)) return `retained state over the caps: ${JSON.stringify(c.stats.retained)}`;
  }
  runUntil(link, link.now + 120_000);
  settle();
  const atGenuine = earlyTexts(link.events.server);
  const atSpawned = spawned.flatMap((s) => earlyTexts(s.events).map((x) => `${s.address}: ${x}`));
  if (atGenuine.length > 1 || atGenuine.some((x) => x !== EARLY))
    return `early data at the genuine server: ${JSON.stringify(atGenuine)}`;
  if (atSpawned.length > 0) return `early data taken from a copy or a forgery: ${JSON.stringify(atSpawned)}`;
  // The genuine ClientHello and its early data (the client's datagrams 0 and 1) not lost, nor the early data delayed past the
  // client's Finished (datagram 2, sent a round trip after the ClientHello; early data after it is dropped, RFC 9147 has no
  // EndOfEarlyData): the early data is taken, once.
  const [d0 = 0, d1 = 0, d2 = 0] = net.delays;
  const arrives = !net.lost.includes(0) && !net.lost.includes(1) && d1 < d0 + d2 + 15;
  if (arrives && atGenuine.length !== 1)
    return `the genuine early data was not taken (${genuine.stats.ignored['early-data-refused']} refused)`;
  if (frontStarted > 0) return `${frontStarted} connections started without a cookie`;
  if (spawned.some((s) => s.connection.state === 'connected'))
    return 'a connection the attacker started completed its handshake';
  const before = { client: link.events.client.length, server: link.events.server.length };
  finalExchange = true;
  client.send(Uint8Array.of(1, 2, 3));
  genuine.send(Uint8Array.of(4, 5, 6));
  runUntil(link, link.now + 120_000);
  const gotServer = link.events.server
    .slice(before.server)
    .some((e) => e.type === 'data' && !e.early && e.data[0] === 1);
  const gotClient = link.events.client.slice(before.client).some((e) => e.type === 'data' && e.data[0] === 4);
  if (client.state !== 'connected' || genuine.state !== 'connected')
    return `not connected: client ${client.state}, server ${genuine.state} (${genuine.failure?.message ?? client.failure?.message ?? ''})`;
  if (!gotServer || !gotClient) return `not talking: server got ${gotServer}, client got ${gotClient}`;
  return undefined;
}

/** A datagram whose first record is a plaintext ClientHello (the 0-RTT flight's first datagram). */
function isClientHello(d: Uint8Array): boolean {
  return d.length > 13 && d[0] === 22 && d[13] === 1;
}

test('0-RTT: replays, duplicates and forgeries of the ClientHello and early data take the early data at most once, never from a copy', (t) => {
  fc.assert(
    fc.property(fc.array(zeroRttStep, { minLength: 1, maxLength: 25 }), network, (steps, net) => {
      const failure = zeroRttRun(steps, net, freshAntiReplay());
      if (failure) throw new Error(failure);
    }),
    { numRuns: 100, seed: 20261123, includeErrorInReport: true },
  );
  t.pass();
});

// ── RRC ────────────────────────────────────────────────────────────────────

const ATTACKERS = ['evil:1', 'evil:2', 'evil:3'] as const;

type RrcStep =
  | { readonly kind: 'data'; readonly from: 'client' | 'server'; readonly size: number }
  | { readonly kind: 'wait'; readonly ms: number }
  /** A copy of a datagram the client sent earlier, from an attacker's address (or a client's old one). */
  | { readonly kind: 'copy'; readonly pick: number; readonly from: number }
  /** The client sends; the attacker copies it from its address at once, the genuine one `lag` ms late or (`steal`) never. */
  | {
      readonly kind: 'race';
      readonly from: number;
      readonly lag: number;
      readonly steal: boolean;
      readonly size: number;
    }
  /** A captured datagram with one bit flipped (it no longer authenticates), from an attacker's address. */
  | { readonly kind: 'corrupt'; readonly pick: number; readonly at: number; readonly from: number }
  /** The client's NAT gives it a new address (the server learns it from its next record). */
  | { readonly kind: 'nat' };

/** 0..2: an attacker's address; 3: a client's old address (if it had one), else the first attacker's. */
const from = fc.integer({ min: 0, max: ATTACKERS.length });
const rrcStep: fc.Arbitrary<RrcStep> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('data' as const), from: side, size: fc.integer({ min: 1, max: 600 }) }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 4000 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('copy' as const), pick: fc.nat(), from }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('race' as const),
      from,
      lag: fc.integer({ min: 0, max: 60 }),
      steal: fc.boolean(),
      size: fc.integer({ min: 1, max: 600 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('corrupt' as const), pick: fc.nat(), at: fc.nat(), from }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'nat' as const }), weight: 1 },
);

/** One run of the RRC property with the server's procedure `rrc`; returns why it failed, or undefined. */
function rrcRun(
  steps: readonly RrcStep[],
  rrc: 'basic' | 'enhanced',
  serverRrc: ConnectionOptions['rrc'] = rrc,
): string | undefined {
  let lag: number | undefined;
  let steal = false;
  const { client, server } = makePair(serverId, { client: { cid: 4, rrc }, server: { cid: 6, rrc: serverRrc } });
  let clientAt = 'client:1';
  const link: PathLink = new PathLink(client, server, {
    filter: (w) => !(steal && w.from === clientAt),
    delay: (w) => (lag !== undefined && w.from === clientAt ? lag : 0),
  });
  client.connect(0);
  link.run();
  if (client.state !== 'connected' || server.state !== 'connected') return 'no handshake';
  /** Every address the client's datagrams came from: only those can answer a path_challenge. */
  const held = new Set([link.clientAddress]);
  const old: string[] = [];
  let nat = 1;
  let sent = 0;
  const attacker = (n: number): string => (n < ATTACKERS.length ? ATTACKERS[n]! : (old.at(-1) ?? ATTACKERS[0]));
  const clientDatagrams = (): Uint8Array[] =>
    link.wire.filter((w) => held.has(w.from) && w.to === link.serverAddress).map((w) => w.datagram);
  const pick = <T>(xs: readonly T[], n: number): T | undefined => xs[n % Math.max(1, xs.length)];
  const boundWell = (): string | undefined => {
    const path = server.path;
    if (path !== undefined && !held.has(path)) return `the session is bound to ${path}, where the client never was`;
    const stray = link.events.server.find((e) => e.type === 'pathMigrated' && !held.has(e.to));
    return stray?.type === 'pathMigrated' ? `the session moved to ${stray.to}` : undefined;
  };
  for (const s of steps) {
    switch (s.kind) {
      case 'data':
        link[s.from].send(bytesFrom(++sent, s.size));
        break;
      case 'wait':
        runUntil(link, link.now + s.ms);
        break;
      case 'copy': {
        const d = pick(clientDatagrams(), s.pick);
        if (d) link.inject(d, attacker(s.from));
        break;
      }
      case 'race': {
        link.client.send(bytesFrom(++sent, s.size));
        const count = link.wire.length;
        steal = s.steal;
        lag = s.lag;
        link.run(link.now); // the client's datagram goes on the wire (late, or stolen)
        steal = false;
        lag = undefined;
        for (const w of link.wire.slice(count))
          if (w.from === link.clientAddress) link.inject(w.datagram, attacker(s.from));
        break;
      }
      case 'corrupt': {
        const d = pick(clientDatagrams(), s.pick);
        if (!d) break;
        const m = d.slice();
        const at = s.at % m.length;
        m[at] = m[at]! ^ (1 << (s.at % 8));
        link.inject(m, attacker(s.from));
        break;
      }
      case 'nat':
        old.push(link.clientAddress);
        link.moveClient(`client:${++nat}`);
        clientAt = link.clientAddress;
        held.add(link.clientAddress);
        break;
    }
    runUntil(link, link.now + 20);
    const bad = boundWell();
    if (bad) return bad;
    if (!retainedWithinCaps(client) || !retainedWithinCaps(server)) return 'retained state over the caps';
  }
  for (const a of ATTACKERS) {
    const b = link.bytes(a);
    if (b.sent > AMPLIFICATION_FACTOR * b.received)
      return `${b.sent} bytes sent to ${a} for ${b.received} received from it`;
  }
  runUntil(link, link.now + 120_000);
  const before = { client: link.events.client.length, server: link.events.server.length };
  link.client.send(Uint8Array.of(1, 2, 3));
  runUntil(link, link.now + 60_000);
  link.server.send(Uint8Array.of(4, 5, 6));
  runUntil(link, link.now + 60_000);
  const bad = boundWell();
  if (bad) return bad;
  // No record delivered twice (every payload is unique), whatever was copied.
  for (const sideName of ['client', 'server'] as const) {
    const seen = new Set<string>();
    for (const e of link.events[sideName]) {
      if (e.type !== 'data') continue;
      const k = Buffer.from(e.data).toString('hex');
      if (seen.has(k)) return `the ${sideName} got the same data twice`;
      seen.add(k);
    }
  }
  const gotServer = link.events.server
    .slice(before.server)
    .some((e) => e.type === 'data' && e.data.length === 3 && e.data[0] === 1);
  const gotClient = link.events.client
    .slice(before.client)
    .some((e) => e.type === 'data' && e.data.length === 3 && e.data[0] === 4);
  if (client.state !== 'connected' || server.state !== 'connected')
    return `not connected: client ${client.state}, server ${server.state}`;
  if (server.path !== link.clientAddress)
    return `the session stays bound to ${server.path ?? 'nothing'}, the client is at ${link.clientAddress}`;
  if (!gotServer || !gotClient) return `not talking: server got ${gotServer}, client got ${gotClient}`;
  return undefined;
}

for (const rrc of ['basic', 'enhanced'] as const) {
  test(`RRC (${rrc}): copies, races, theft and corruption of the client's records from other addresses never bind the session to an address that did not answer`, (t) => {
    fc.assert(
      fc.property(fc.array(rrcStep, { minLength: 1, maxLength: 30 }), (steps) => {
        const failure = rrcRun(steps, rrc);
        if (failure) throw new Error(failure);
      }),
      { numRuns: 50, seed: rrc === 'basic' ? 20261124 : 20261125, includeErrorInReport: true },
    );
    t.pass();
  });
}

// A bug the property found when its attacker kept going (it stops before the final check): after a genuine NAT rebinding, a
// copy of the client's record spoofed from the client's OLD address, arriving even after the genuine one, ended the check
// of the new address as "copies" and suspected the new address for 5 × T (the path validated earlier was taken as the
// genuine one, but it is the one the client left); one spoofed copy per 5 s kept the server sending to the dead address.
// Now copies over both paths make the check ask the old path first (PathValidation.copied): it does not answer, so the new
// one is checked and wins.
for (const rrc of ['basic', 'enhanced'] as const) {
  test(`RRC (${rrc}): copies spoofed from the client's old address after a NAT rebinding do not keep the session on the dead address`, (t) => {
    const { client, server } = makePair(serverId, { client: { cid: 4, rrc }, server: { cid: 6, rrc } });
    const link = new PathLink(client, server);
    client.connect(0);
    link.run();
    link.moveClient('client:2');
    for (let i = 0; i < 20; i++) {
      link.client.send(Uint8Array.of(9, i));
      const n = link.wire.length;
      runUntil(link, link.now + 5); // the genuine datagram arrives first
      for (const w of link.wire.slice(n)) if (w.from === 'client:2') link.inject(w.datagram, 'client:1');
      runUntil(link, link.now + 995);
      link.server.send(Uint8Array.of(7, i));
      runUntil(link, link.now + 50);
    }
    const replies = link.events.client.filter((e) => e.type === 'data').length;
    t.is(server.path, 'client:2', `after ${link.now} ms the session is bound to ${server.path ?? 'nothing'}`);
    t.true(replies >= 10, `the client got ${replies} of the server's 20 replies`);
  });
}
