import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { HelloResponder } from '../../runtime/connection/hello-responder.js';
import { CookielessHello, certificateFlightBytes } from '../../runtime/connection/cookieless-hello.js';
import { HelloRetryResponder } from '../../runtime/dtls13/hello-retry-responder.js';
import { serverConfigs } from '../../runtime/connection/version-configs.js';
import { AMPLIFICATION_FACTOR } from '../../runtime/shared/amplification-limit.js';
import { chooseServerVersion } from '../../runtime/connection/version-negotiation.js';
import { encodeDtlsHandshake, encodeDtlsPlaintext } from '../../generated/wire/index.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { Reader } from '../../runtime/wire/reader.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, TEST_TIME, type Identity } from '../support/pki-fixtures.js';

/**
 * A server without cookies (listen's `cookies: false`) sends the ClientHellos whose certificate flight would not fit
 * RFC 9147 §5.1's 3x budget through the cookie exchange, so the handshake needs no retransmission of the client's; the
 * rest start at once. Everything here runs with the clock stopped: a handshake that completes needed no timer.
 */

const PEER = '192.0.2.1|4433';
const PEER_ADDRESS = '192.0.2.1';
const wallClock = (): number => TEST_TIME;
const KINDS = ['p256', 'p384', 'ed25519', 'rsa2048', 'rsa4096'] as const;
const ids = new Map(KINDS.map((k) => [k, makeIdentity(k, 'server.test', { caKind: k })]));
const id = (k: (typeof KINDS)[number]): Identity => ids.get(k)!;
const VERSIONS = ['DTLSv1.3', 'DTLSv1.2'] as const;

function serverOptions(i: Identity, extra: DtlsOptions = {}): DtlsOptions {
  return { certificate: { chain: i.chain, privateKey: i.privateKey }, wallClock, ...extra };
}

function client(i: Identity, version: (typeof VERSIONS)[number], extra: DtlsOptions = {}): DtlsConnection {
  return DtlsConnection.client({
    trustAnchors: [i.caDer],
    serverName: 'server.test',
    wallClock,
    maxVersion: version,
    ...extra,
  });
}

function drainOut(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

test('the flight estimate is within 2 % (or 40 bytes) of the flight dtls13 builds, per key and version', (t) => {
  for (const version of VERSIONS) {
    for (const kind of KINDS) {
      const i = id(kind);
      const server = DtlsConnection.server(
        serverOptions(i, { helloVerify: false, amplificationLimit: false, minVersion: version, maxVersion: version }),
      );
      const c = client(i, version, { minVersion: version });
      c.connect(0);
      for (const d of drainOut(c)) server.receive(d, 0, PEER);
      const flight = drainOut(server).reduce((n, d) => n + d.length, 0);
      const estimate = certificateFlightBytes(i.chain, version);
      t.log(`${version} ${kind}: flight ${flight} B, estimate ${estimate} B`);
      t.true(
        Math.abs(estimate - flight) <= Math.max(40, 0.02 * flight),
        `${version} ${kind}: ${estimate} vs ${flight}`,
      );
    }
  }
});

interface FrontRun {
  /** The outcomes of the datagrams without a connection, in order. */
  readonly outcomes: string[];
  readonly client: DtlsConnection;
  readonly server: DtlsConnection | undefined;
}

/**
 * A listener's front without cookies (as listener-admission.ts builds it) between a client and the connection it
 * starts, datagrams passed until neither side has one, the clock stopped.
 */
function throughFront(options: DtlsOptions, c: DtlsConnection, cookieless: CookielessHello | undefined): FrontRun {
  const configs = serverConfigs({ ...options, helloVerify: false });
  const retry13 = configs.config13 !== undefined ? new HelloRetryResponder(options) : undefined;
  const responder = new HelloResponder(configs, cookieless === undefined ? undefined : retry13, {}, cookieless);
  const outcomes: string[] = [];
  let server: DtlsConnection | undefined;
  c.connect(0);
  for (let round = 0; round < 50; round++) {
    const fromClient = drainOut(c);
    for (const d of fromClient) {
      if (server !== undefined) {
        server.receive(d, 0, PEER);
        continue;
      }
      const outcome = responder.handle(d, PEER, 0, PEER_ADDRESS);
      outcomes.push(outcome.kind === 'reply' ? outcome.what : outcome.kind);
      if (outcome.kind === 'reply') c.receive(outcome.datagram, 0);
      if (outcome.kind === 'accept') {
        server = DtlsConnection.serverSharing(configs, { ...options, peerAddress: PEER_ADDRESS, ...outcome.start });
        server.receive(outcome.datagram, 0, PEER);
      }
    }
    const fromServer = server === undefined ? [] : drainOut(server);
    for (const d of fromServer) c.receive(d, 0);
    if (fromClient.length === 0 && fromServer.length === 0) break;
  }
  return { outcomes, client: c, server };
}

for (const version of VERSIONS) {
  for (const kind of ['p256', 'rsa4096'] as const) {
    test(`${version}, ${kind}, no cookies: a flight over 3x goes after the cookie exchange, no timer needed`, (t) => {
      const i = id(kind);
      const options = serverOptions(i);
      const hello = (() => {
        const c = client(i, version);
        c.connect(0);
        return drainOut(c).reduce((n, d) => n + d.length, 0);
      })();
      t.true(certificateFlightBytes(i.chain, version) > AMPLIFICATION_FACTOR * hello, 'the flight does not fit 3x');
      const run = throughFront(options, client(i, version), new CookielessHello(i.chain));
      const exchange = version === 'DTLSv1.3' ? 'hello-retry-request' : 'hello-verify-request';
      t.deepEqual(run.outcomes, [exchange, 'accept']);
      t.is(run.client.state, 'connected');
      t.is(run.server?.state, 'connected');
      // Without the choice the flight waits for budget: with the clock stopped, the handshake does not complete.
      const old = throughFront(options, client(i, version), undefined);
      t.deepEqual(old.outcomes, ['accept']);
      t.not(old.client.state, 'connected');
    });
  }
}

test('a ClientHello whose flight fits 3x of it starts at once, with no exchange', (t) => {
  const i = id('p256');
  const cookieless = new CookielessHello(i.chain);
  for (const version of VERSIONS) {
    const c = client(i, version);
    c.connect(0);
    const [datagram] = drainOut(c);
    const choice = chooseServerVersion(datagram!, ['DTLSv1.3', 'DTLSv1.2']);
    if (choice.version === undefined) return t.fail('not a ClientHello');
    const flight = certificateFlightBytes(i.chain, version);
    t.true(cookieless.wantsCookie(version, choice.clientHello.hello, Math.floor(flight / AMPLIFICATION_FACTOR) - 1));
    t.false(cookieless.wantsCookie(version, choice.clientHello.hello, Math.ceil(flight / AMPLIFICATION_FACTOR)));
  }
  t.false(new CookielessHello(undefined).wantsCookie('DTLSv1.3', helloOf(client(i, 'DTLSv1.3')), 1), 'no chain');
});

function helloOf(c: DtlsConnection): Parameters<CookielessHello['wantsCookie']>[1] {
  c.connect(0);
  const choice = chooseServerVersion(drainOut(c)[0]!, ['DTLSv1.3', 'DTLSv1.2']);
  if (choice.version === undefined) throw new Error('not a ClientHello');
  return choice.clientHello.hello;
}

test('a 1.3 resumption (a PSK, its flight without a certificate) starts at once however small its ClientHello', (t) => {
  const i = id('rsa4096');
  const ticketKeys = new Uint8Array(32).fill(0x5a);
  const { link } = handshake(i, { server: { ticketKeys } });
  const ticket = link.events.client.find((e) => e.type === 'sessionTicket');
  if (ticket?.type !== 'sessionTicket') return t.fail('no ticket');
  const cookieless = new CookielessHello(i.chain);
  t.false(cookieless.wantsCookie('DTLSv1.3', helloOf(client(i, 'DTLSv1.3', { session: ticket.session })), 1));
  t.true(cookieless.wantsCookie('DTLSv1.3', helloOf(client(i, 'DTLSv1.3')), 1), 'the same server, no ticket');
});

/** The ClientHello in `datagram` (one whole record) cut into two fragments, each in a record of its own. */
function inTwoFragments(datagram: Uint8Array, firstSeq: number): Uint8Array[] {
  const [rec] = decodeDatagram(datagram);
  if (rec?.kind !== 'plaintext') throw new Error('not a plaintext record');
  const f = readDtlsHandshake(new Reader(rec.record.fragment, 'Handshake'));
  const half = f.length >>> 1;
  return [
    [0, half],
    [half, f.length],
  ].map(([from, to], k) =>
    encodeDtlsPlaintext({
      type: 'handshake',
      legacyRecordVersion: rec.record.legacyRecordVersion,
      epoch: 0,
      sequenceNumber: firstSeq + k,
      fragment: encodeDtlsHandshake({ ...f, fragmentOffset: from!, fragment: f.fragment.subarray(from, to) }),
    }),
  );
}

// NSS lowers its MTU after two retransmissions and sends its first ClientHello again in fragments: a fragment alone
// used to start a connection without the exchange the whole ClientHello had been sent through, and the second
// ClientHello, with its cookie, then reached that connection, which answered as if it were the first.
for (const version of VERSIONS) {
  test(`${version}, no cookies: a ClientHello in fragments is judged whole; a fragment alone starts nothing`, (t) => {
    const i = id('rsa4096');
    const options = serverOptions(i);
    const configs = serverConfigs({ ...options, helloVerify: false });
    const cookieless = new CookielessHello(i.chain);
    const responder = new HelloResponder(configs, new HelloRetryResponder(options), {}, cookieless);
    const c = client(i, version);
    c.connect(0);
    const [hello] = drainOut(c);
    const [first, second] = inTwoFragments(hello!, 1);
    t.is(responder.handle(first!, PEER, 0, PEER_ADDRESS).kind, 'buffered');
    const whole = responder.handle(second!, PEER, 0, PEER_ADDRESS);
    t.is(
      whole.kind === 'reply' ? whole.what : whole.kind,
      version === 'DTLSv1.3' ? 'hello-retry-request' : 'hello-verify-request',
    );
  });
}
