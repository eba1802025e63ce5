import test, { type ExecutionContext } from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { HelloResponder } from '../../runtime/connection/hello-responder.js';
import { HelloRetryResponder } from '../../runtime/dtls13/hello-retry-responder.js';
import { serverConfigs } from '../../runtime/connection/version-configs.js';
import { AMPLIFICATION_FACTOR } from '../../runtime/shared/amplification-limit.js';
import { MemoryAntiReplay } from '../../runtime/session/anti-replay.js';
import { handshake } from '../support/handshake.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME, type Identity } from '../support/pki-fixtures.js';

/**
 * RFC 9147 §5.1's anti-amplification rule, per configuration: a ClientHello (made by our client) arrives from an
 * address that never answers, and the server's datagrams to it are counted over its whole retransmission schedule, in
 * simulated time, until the server gives up: at most three times the bytes that address sent. The server is what a
 * listener makes (the stateless cookie exchange, hello-responder.ts, in front of a connection) or a bare
 * DtlsConnection.server (cookies off, or a sans-I/O user).
 */

const ecdsa = makeIdentity('p256', 'server.test');
/** A big flight: an RSA-4096 certificate (its flight spans two datagrams). */
const rsa = makeIdentity('rsa4096', 'server.test', { caKind: 'rsa4096' });
const rsa2048 = makeIdentity('rsa2048', 'server.test', { caKind: 'rsa2048' });
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const HOUR = 3_600_000;
const PEER = '192.0.2.1|4433';
const PEER_ADDRESS = '192.0.2.1';

function serverOptions(id: Identity, extra: DtlsOptions = {}): DtlsOptions {
  return { certificate: { chain: id.chain, privateKey: id.privateKey }, wallClock: () => TEST_TIME, ...extra };
}

function clientOptions(id: Identity): DtlsOptions {
  return { trustAnchors: [id.caDer], serverName: 'server.test', wallClock: () => TEST_TIME };
}

/** The first flight of a client of `options` (its ClientHello, with 0-RTT its early data): what the address sends. */
function clientFlight(id: Identity, options: DtlsOptions = {}): Uint8Array[] {
  const client = DtlsConnection.client({ ...clientOptions(id), ...options });
  client.connect(0);
  const out: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d !== undefined; d = client.pollTransmit()) out.push(d);
  return out;
}

interface Count {
  received: number;
  sent: number;
  datagrams: number;
}

/** Everything `server` sends until it gives up (or an hour passed), in simulated time, nothing answered. */
function drain(server: DtlsConnection, count: Count): void {
  for (let now = 0; ;) {
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) {
      count.sent += d.length;
      count.datagrams++;
    }
    const at = server.pollTimeout();
    if (at === undefined || at > HOUR) return;
    now = Math.max(now, at);
    server.handleTimeout(now);
  }
}

/** A bare server connection (no cookie exchange in front) takes `hellos`, then its schedule runs unanswered. */
function bare(options: DtlsOptions, hellos: readonly Uint8Array[]): Count {
  const server = DtlsConnection.server(options);
  const count: Count = { received: 0, sent: 0, datagrams: 0 };
  for (const d of hellos) {
    count.received += d.length;
    server.receive(d, 0, PEER);
  }
  drain(server, count);
  return count;
}

/**
 * A listener's front: the stateless cookie exchange (`cookies`: the 1.3 HelloRetryRequest, the 1.2
 * HelloVerifyRequest) answers each datagram, or starts a connection with it, as runtime/api/listener-admission.ts
 * does; the connection's schedule then runs unanswered.
 */
function front(options: DtlsOptions, cookies: boolean, hellos: readonly Uint8Array[]): Count {
  const configs = serverConfigs({ ...options, helloVerify: cookies });
  const retry13 = cookies && configs.config13 !== undefined ? new HelloRetryResponder(options) : undefined;
  const responder = new HelloResponder(configs, retry13);
  const count: Count = { received: 0, sent: 0, datagrams: 0 };
  let server: DtlsConnection | undefined;
  for (const d of hellos) {
    count.received += d.length;
    if (server !== undefined) {
      server.receive(d, 0, PEER);
      continue;
    }
    const outcome = responder.handle(d, PEER, 0, PEER_ADDRESS);
    if (outcome.kind === 'reply') {
      count.sent += outcome.datagram.length;
      count.datagrams++;
    } else if (outcome.kind === 'accept') {
      server = DtlsConnection.serverSharing(configs, { ...options, peerAddress: PEER_ADDRESS, ...outcome.start });
      server.receive(outcome.datagram, 0, PEER);
    }
  }
  if (server !== undefined) drain(server, count);
  return count;
}

function withinFactor(t: ExecutionContext, c: Count): void {
  t.log(
    `received ${c.received} B; sent ${c.sent} B in ${c.datagrams} datagrams (${(c.sent / c.received).toFixed(2)}x)`,
  );
  t.true(
    c.sent <= AMPLIFICATION_FACTOR * c.received,
    `sent ${c.sent} B to an address that sent ${c.received} B: more than ${AMPLIFICATION_FACTOR}x`,
  );
}

const only12: DtlsOptions = { maxVersion: 'DTLSv1.2' };
const only13: DtlsOptions = { minVersion: 'DTLSv1.3', maxVersion: 'DTLSv1.3' };

test('DTLS 1.3, cookies on: the HelloRetryRequest only', (t) => {
  withinFactor(t, front(serverOptions(ecdsa), true, clientFlight(ecdsa)));
});

test('DTLS 1.3, cookies off, ECDSA: the flight and its retransmissions stay within 3x', (t) => {
  withinFactor(t, front(serverOptions(ecdsa), false, clientFlight(ecdsa)));
});

test('DTLS 1.3, cookies off, RSA-4096 (a flight of two datagrams): within 3x', (t) => {
  withinFactor(t, front(serverOptions(rsa), false, clientFlight(rsa)));
});

test('DTLS 1.3, a bare sans-I/O server: within 3x, also when the address sends its ClientHello three times', (t) => {
  const hello = clientFlight(rsa);
  withinFactor(t, bare(serverOptions(rsa), hello));
  withinFactor(t, bare(serverOptions(rsa), [...hello, ...hello, ...hello]));
});

test('without the limit (amplificationLimit: false) the address gets the flight and every retransmission: far past 3x', (t) => {
  for (const id of [ecdsa, rsa]) {
    const c = bare(serverOptions(id, { amplificationLimit: false }), clientFlight(id));
    t.log(
      `received ${c.received} B; sent ${c.sent} B in ${c.datagrams} datagrams (${(c.sent / c.received).toFixed(1)}x)`,
    );
    t.true(c.sent > AMPLIFICATION_FACTOR * c.received);
  }
});

test('a held flight is neither copied nor counted as sent again: the timer backs off and the retries run out as usual', (t) => {
  for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
    const server = DtlsConnection.server(serverOptions(rsa, { helloVerify: false }));
    for (const d of clientFlight(rsa, { maxVersion: version })) server.receive(d, 0, PEER);
    let wakeups = 0;
    let sent = 0;
    for (let at = server.pollTimeout(); at !== undefined && wakeups < 100; at = server.pollTimeout()) {
      for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) sent++;
      wakeups++;
      server.handleTimeout(at);
    }
    t.is(sent, 0, version);
    t.is(server.stats.retransmissions, 0, `${version}: nothing went again`);
    t.true(wakeups <= 11, `${version}: ${wakeups} timer wakeups (10 retransmission timeouts, then the end)`);
    t.is(server.state, 'failed', version);
  }
});

test('DTLS 1.2, cookies on: the HelloVerifyRequest only (the listener’s and a bare connection’s)', (t) => {
  withinFactor(t, front(serverOptions(ecdsa), true, clientFlight(ecdsa, only12)));
  withinFactor(t, bare(serverOptions(ecdsa), clientFlight(ecdsa, only12)));
});

test('DTLS 1.2, cookies off, ECDSA and RSA-4096: within 3x', (t) => {
  withinFactor(t, front(serverOptions(ecdsa), false, clientFlight(ecdsa, only12)));
  withinFactor(t, front(serverOptions(rsa), false, clientFlight(rsa, only12)));
  withinFactor(t, bare(serverOptions(rsa, { helloVerify: false }), clientFlight(rsa, only12)));
});

test('a 1.3-only server and a 1.2-only ClientHello: the protocol_version alert within 3x', (t) => {
  withinFactor(t, front(serverOptions(ecdsa, only13), true, clientFlight(ecdsa, only12)));
  withinFactor(t, bare(serverOptions(ecdsa, only13), clientFlight(ecdsa, only12)));
});

test('0-RTT resumption from the ticket’s address (no cookie exchange): within 3x', (t) => {
  const ticketKeys = new Uint8Array(32).fill(0x5a);
  const resumable = { ticketKeys, maxEarlyData: 4096, peerAddress: PEER_ADDRESS };
  const { link } = handshake(rsa, { server: resumable });
  const ticket = link.events.client.find((e) => e.type === 'sessionTicket');
  if (ticket?.type !== 'sessionTicket')
    return t.fail(`no ticket: ${JSON.stringify(link.log)} ${link.client.state} ${link.server.state}`);
  const flight = clientFlight(rsa, { session: ticket.session, earlyData: enc('GET /') });
  t.true(flight.length >= 2, 'the ClientHello and its early data');
  const options = serverOptions(rsa, { ...resumable, antiReplay: new MemoryAntiReplay() });
  withinFactor(t, front(options, true, flight));
  withinFactor(t, front(options, false, flight));
});

/**
 * What the limit costs a real client (ours) of a server without cookies, over an in-memory link of 10 ms each way in
 * simulated time: the flight goes once the client's retransmitted ClientHellos have raised the budget to its size (the
 * figures docs/security/admission.md gives). The handshake completes, and what went out before the client's first
 * authenticated record is within 3x.
 */
for (const [name, id, version] of [
  ['1.3, ECDSA P-256', ecdsa, 'DTLSv1.3'],
  ['1.3, RSA-2048', rsa2048, 'DTLSv1.3'],
  ['1.3, RSA-4096', rsa, 'DTLSv1.3'],
  ['1.2, ECDSA P-256', ecdsa, 'DTLSv1.2'],
  ['1.2, RSA-2048', rsa2048, 'DTLSv1.2'],
  ['1.2, RSA-4096', rsa, 'DTLSv1.2'],
] as const)
  test(`our client against a server without cookies (${name}): it connects after the ClientHellos the flight needs`, (t) => {
    const server = DtlsConnection.server(serverOptions(id, { helloVerify: false }));
    const link = new Link(DtlsConnection.client({ ...clientOptions(id), maxVersion: version }), server);
    link.client.connect(0);
    link.run();
    t.is(link.client.state, 'connected');
    t.is(link.server.state, 'connected');
    const hellos = link.log.filter(
      (l) => l.from === 'client' && l.at < (link.log.find((s) => s.from === 'server')?.at ?? 0),
    );
    const done = link.events.client.find((e) => e.type === 'handshakeComplete');
    const connectedAt = link.log.filter((l) => l.from === 'client').at(-1)?.at;
    t.log(
      `ClientHellos before the first answer: ${hellos.length}; the client's last datagram at ${connectedAt} ms; ` +
        `server sent ${link.server.stats.datagramsSent} datagrams; ${done?.type}`,
    );
    const received = hellos.reduce((sum, l) => sum + l.bytes, 0);
    const firstAnswer = link.log.filter(
      (l) => l.from === 'server' && l.at === link.log.find((s) => s.from === 'server')!.at,
    );
    t.true(firstAnswer.reduce((sum, l) => sum + l.bytes, 0) <= AMPLIFICATION_FACTOR * received);
  });

test('validated by a record under keys from our flight: after the handshake the server sends freely (1.3 and 1.2)', (t) => {
  for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
    const server = DtlsConnection.server(serverOptions(ecdsa, { helloVerify: false }));
    const link = new Link(DtlsConnection.client({ ...clientOptions(ecdsa), maxVersion: version }), server);
    link.client.connect(0);
    link.run();
    t.is(server.state, 'connected', version);
    // Far more than 3x all the client sent: it goes only because the client's Finished validated the address.
    for (let i = 0; i < 10; i++) server.send(new Uint8Array(1000).fill(i));
    link.run(link.now + 1000);
    const data = link.events.client.filter((e) => e.type === 'data');
    t.is(data.length, 10, `${version}: every message reached the client`);
  }
});

test('validated by a 1.2 ClientHello that brings our cookie back: the RSA-4096 flight goes at once', (t) => {
  const server = DtlsConnection.server(serverOptions(rsa)); // helloVerify: the connection's own cookie exchange
  const link = new Link(DtlsConnection.client({ ...clientOptions(rsa), maxVersion: 'DTLSv1.2' }), server);
  link.client.connect(0);
  link.run();
  t.is(server.state, 'connected');
  const first = link.log.find((l) => l.from === 'server' && l.index === 1)!;
  const helloBytes = link.log.filter((l) => l.from === 'client' && l.at < first.at).reduce((n, l) => n + l.bytes, 0);
  const flight = link.log.filter((l) => l.from === 'server' && l.at === first.at).reduce((n, l) => n + l.bytes, 0);
  t.log(`the two ClientHellos: ${helloBytes} B; the flight after the cookie: ${flight} B`);
  t.true(flight > AMPLIFICATION_FACTOR * helloBytes, 'more than the budget: the cookie lifted the limit');
  t.is(link.log.filter((l) => l.from === 'client' && l.at < first.at).length, 2, 'no ClientHello retransmitted');
});
