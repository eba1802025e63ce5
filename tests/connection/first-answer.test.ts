import test from 'ava';
import { Dtls13Connection } from '../../runtime/dtls13/connection.js';
import { firstAnswer } from '../../runtime/connection/first-answer.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import type { KeyShare } from '../../runtime/crypto/provider.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { keeping, released } from '../dtls12/key-shares.js';

/**
 * A client offering both versions chooses from the server's first answer, in its hello phase
 * (runtime/connection/first-answer.ts reads it in place; runtime/connection/hello-phase.ts makes the 1.2 state for a 1.2 one
 * and, after a HelloVerifyRequest, holds the 1.3 state until the 1.2 one takes a ServerHello; the 1.3 state taken back
 * sets the cookie hello's alerts aside, runtime/dtls13/connection.ts). Against what an attacker sends: a forged
 * HelloVerifyRequest before the real 1.3 answer, replayed ones, a truncated one, one after the ServerHello, a 1.2
 * ServerHello with a forged version, a plaintext alert about the cookie hello. A 1.3-only client refuses a
 * HelloVerifyRequest that is one with protocol_version and leaves a forged one aside. Once 1.2 is final, the 1.3 state
 * it leaves releases its key shares. Each case fails under the one-line mutation its comment names.
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = {
  wallClock: () => TEST_TIME,
  certificate: { chain: id.chain, privateKey: id.privateKey },
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};

/** `body` as a handshake message of type `msgType` in one epoch-0 record (`fragment`: the bytes the header says it carries). */
function record(msgType: number, body: Uint8Array, fragment = body.length, sequence = 0): Uint8Array {
  const [n, f] = [body.length, fragment];
  const h = Uint8Array.of(msgType, 0, n >> 8, n & 0xff, 0, 0, 0, 0, 0, 0, f >> 8, f & 0xff, ...body.subarray(0, f));
  return Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, sequence, h.length >> 8, h.length & 0xff, ...h);
}

/** A forged HelloVerifyRequest (authenticated by nothing, RFC 6347 §4.2.1): server_version DTLS 1.0, a 16-byte cookie. */
const FORGED_HVR = record(3, Uint8Array.of(0xfe, 0xff, 16, ...new Uint8Array(16).fill(0xc0)));

/** A plaintext fatal illegal_parameter alert, as a 1.3 server answers a ClientHello with a legacy_cookie. */
const COOKIE_ALERT = Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 47);

function drain(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

function pump(c: DtlsConnection, s: DtlsConnection, now: number): void {
  for (let moved = true; moved;) {
    const out = drain(c);
    for (const d of out) s.receive(d, now, 'client');
    const back = drain(s);
    for (const d of back) c.receive(d, now, 'server');
    moved = out.length + back.length > 0;
  }
}

/** A client offering both that sent its first ClientHello (returned), and a 1.3-only server. */
function started(
  serverExtra: DtlsOptions = {},
  clientExtra: DtlsOptions = {},
): { c: DtlsConnection; s: DtlsConnection; hello: Uint8Array[] } {
  const c = DtlsConnection.client({ ...client, ...clientExtra });
  const s = DtlsConnection.server({ ...server, minVersion: 'DTLSv1.3', ...serverExtra });
  c.connect(0);
  return { c, s, hello: drain(c) };
}

test('a forged HelloVerifyRequest, then the real 1.3 ServerHello: the held 1.3 state takes the connection back', (t) => {
  // Mutation: in HelloPhase.answerIn12, `answer.helloVerifyRequest &&` → `false &&`: the 1.3 state is let go at once,
  // the 1.3 answer goes to the 1.2 state, which fails.
  const { c, s, hello } = started();
  const first = c.versionState;
  c.receive(FORGED_HVR, 1, 'server');
  t.true(c.versionState instanceof Connection12, 'the 1.2 state answers the HelloVerifyRequest');
  t.is(c.protocolVersion, 'DTLSv1.2');
  t.is(c.stats.datagramsReceived, 1, 'the datagram counted once');
  t.is(c.stats.recordsReceived, 1, 'its record counted once');
  t.is(drain(c).length, 1, 'the ClientHello again, with the cookie (lost here)');
  for (const d of hello) s.receive(d, 2, 'client');
  pump(c, s, 3);
  t.is(c.versionState, first, 'the 1.3 state it came from, not a new one');
  t.is(c.state, 'connected', JSON.stringify(c.failure));
  t.is(c.protocolVersion, 'DTLSv1.3');
  // Mutation: `this.flights.stop()` dropped from Connection12.setAside: the 1.2 state's timer stays on the one clock
  // and sends the ClientHello with the cookie again (a plaintext handshake record) into the 1.3 session.
  for (const now of [2_000, 5_000, 12_000]) c.handleTimeout(now);
  t.false(
    drain(c).some((d) => d[0] === 22),
    'no 1.2 retransmission once taken back',
  );
});

test('replayed HelloVerifyRequests keep the 1.3 state held: the real 1.3 answer still takes the connection back', (t) => {
  // Mutation: in HelloPhase.clientReceive, `v12.receive(d, now, path)` for an answer that is not 1.3 becomes
  // `{ this.v12 = undefined; v12.receive(d, now, path); }`: the replay lets the 1.3 state go and the real answer fails
  // the 1.2 state.
  const { c, s, hello } = started();
  for (let i = 0; i < 3; i++) c.receive(FORGED_HVR, 1 + i, 'server');
  t.true(c.versionState instanceof Connection12);
  t.is(c.failure, undefined, 'a replayed HelloVerifyRequest ends nothing');
  drain(c);
  for (const d of hello) s.receive(d, 5, 'client');
  pump(c, s, 6);
  t.is(c.state, 'connected', JSON.stringify(c.failure));
  t.is(c.protocolVersion, 'DTLSv1.3');
});

test('a truncated or fragmented HelloVerifyRequest names no version: the client waits in 1.3', (t) => {
  // Mutation: first-answer.ts's `fragment !== length` check dropped: a first fragment followed by the second in the same
  // record reads as a whole HelloVerifyRequest (its last bytes the second fragment's header) and hands over.
  const body = Uint8Array.of(0xfe, 0xfd, 16, ...new Uint8Array(16).fill(1));
  const halves = Uint8Array.of(
    ...[3, 0, 0, 19, 0, 0, 0, 0, 0, 0, 0, 10, ...body.subarray(0, 10)],
    ...[3, 0, 0, 19, 0, 0, 0, 0, 0, 10, 0, 9, ...body.subarray(10)],
  );
  const inTwo = Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, halves.length, ...halves);
  for (const d of [record(3, body, 10), record(3, body).subarray(0, 30), inTwo]) {
    const { c } = started();
    c.receive(d, 1, 'server');
    t.true(c.versionState instanceof Dtls13Connection);
    t.is(c.protocolVersion, undefined, 'still open');
    t.is(c.failure, undefined);
    t.is(c.state, 'waitServerHello');
  }
  t.is(firstAnswer(record(3, body, 10).subarray(13)), undefined);
  t.deepEqual(firstAnswer(record(3, body).subarray(13)), { version: 'DTLSv1.2', helloVerifyRequest: true });
});

test('a 1.2 ServerHello with a forged server_version names no version: it stays with the 1.3 state, which refuses it', (t) => {
  // Mutation: first-answer.ts's last line `version === DTLS12 ? 'DTLSv1.2' : undefined` made `'DTLSv1.2'`: the forgery
  // hands the connection to the 1.2 state.
  const sh = (version: number): Uint8Array =>
    Uint8Array.of(version >> 8, version & 0xff, ...new Uint8Array(32).fill(9), 0, 0xc0, 0x2b, 0, 0, 0);
  t.deepEqual(firstAnswer(record(2, sh(0xfefd)).subarray(13)), { version: 'DTLSv1.2', helloVerifyRequest: false });
  for (const version of [0xfefc, 0x0303, 0xfeff]) {
    t.is(firstAnswer(record(2, sh(version)).subarray(13)), undefined);
    const { c } = started();
    c.receive(record(2, sh(version)), 1, 'server');
    t.true(c.versionState instanceof Dtls13Connection, `server_version ${version.toString(16)}`);
  }
});

for (const seen of [false, true]) {
  test(`a HelloVerifyRequest after a HelloRetryRequest ${seen ? 'the first-answer step read' : 'in a later record'}: set aside, the 1.3 handshake goes on`, (t) => {
    // Mutations: `&& s.offer.retry === undefined` dropped from ClientMachine.awaitsFirstAnswer (role-driver.ts):
    // with the HelloRetryRequest in a later record (behind an empty handshake record, so the step did not read it), the
    // HelloVerifyRequest hands the 1.3 handshake under way, with our second ClientHello, to a 1.2 state.
    // With the HelloRetryRequest read as the first answer, the hello phase ends there (HelloPhase.clientReceive) and
    // the HelloVerifyRequest is the 1.3 state's, which sets it aside.
    const { c, s, hello } = started({ groups: ['secp384r1'] }, { groups: ['x25519', 'secp384r1'] });
    for (const d of hello) s.receive(d, 1, 'client');
    const [retry] = drain(s);
    const empty = Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0);
    c.receive(seen ? retry! : Uint8Array.of(...empty, ...retry!), 2, 'server');
    t.is(c.state, 'waitServerHello', 'the HelloRetryRequest taken');
    t.is(c.protocolVersion, seen ? 'DTLSv1.3' : undefined);
    const second = drain(c);
    t.is(second.length, 1, 'the second ClientHello');
    c.receive(FORGED_HVR, 3, 'server');
    t.true(c.versionState instanceof Dtls13Connection);
    t.is(c.failure, undefined);
    for (const d of second) s.receive(d, 4, 'client');
    pump(c, s, 5);
    t.is(c.state, 'connected', JSON.stringify(c.failure));
    t.is(c.protocolVersion, 'DTLSv1.3');
  });
}

test('an answer after the 1.3 ServerHello is no first answer: a HelloVerifyRequest then is set aside', (t) => {
  // Two guards hold here, so no one-line mutation breaks this alone: the state moved on from waitServerHello, and our
  // first ClientHello's flight ended with the ServerHello (nothing outstanding to hand over). The ServerHello comes as the
  // datagram's second record (after an empty handshake record), so the first-answer step did not see it.
  const { c, s, hello } = started({ maxDatagramSize: 400 });
  for (const d of hello) s.receive(d, 1, 'client');
  const flight = drain(s);
  c.receive(Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, ...flight[0]!), 2, 'server');
  t.not(c.state, 'waitServerHello', 'the ServerHello taken');
  c.receive(FORGED_HVR, 3, 'server');
  t.true(c.versionState instanceof Dtls13Connection);
  t.is(c.failure, undefined);
  for (const d of flight.slice(1)) c.receive(d, 4, 'server');
  pump(c, s, 5);
  t.is(c.state, 'connected', JSON.stringify(c.failure));
});

test('after a HelloVerifyRequest and the 1.2 ServerHello, a 1.3 answer no longer takes the connection back', (t) => {
  // Mutation: `final()` dropped from Machine12.kept (the hold ends at no state past waitServerHello): a 1.3 ServerHello
  // after the 1.2 one takes a 1.2 handshake under way back to 1.3.
  const c = DtlsConnection.client(client);
  const s12 = DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2' });
  const s13 = DtlsConnection.server({ ...server, minVersion: 'DTLSv1.3' });
  c.connect(0);
  const hello = drain(c);
  for (const d of hello) s13.receive(d, 1, 'client');
  const answer13 = drain(s13); // what a 1.3 server on the path would answer the same ClientHello
  for (const d of hello) s12.receive(d, 1, 'client');
  for (const d of drain(s12)) c.receive(d, 2, 'server'); // the 1.2 server's HelloVerifyRequest
  t.true(c.versionState instanceof Connection12);
  for (const d of drain(c)) s12.receive(d, 2, 'client'); // the ClientHello with its cookie
  for (const d of drain(s12)) c.receive(d, 3, 'server'); // its ServerHello flight
  t.true(c.versionState instanceof Connection12);
  t.not(c.state, 'waitServerHello', 'the 1.2 ServerHello taken');
  for (const d of answer13) c.receive(d, 4, 'server'); // a 1.3 ServerHello now: no first answer any more
  t.true(c.versionState instanceof Connection12, 'the 1.2 handshake goes on');
  pump(c, s12, 5);
  t.is(c.state, 'connected', JSON.stringify(c.failure));
  t.is(c.protocolVersion, 'DTLSv1.2');
});

test('taken back after a HelloVerifyRequest, the 1.3 state sets plaintext alerts about the cookie hello aside', (t) => {
  // Mutation: `this.cookieHelloSent = true` dropped from Dtls13Connection.takenBack: the alert ends the handshake.
  const { c, s, hello } = started({ maxDatagramSize: 400 });
  c.receive(FORGED_HVR, 1, 'server');
  drain(c);
  for (const d of hello) s.receive(d, 2, 'client');
  const flight = drain(s);
  t.true(flight.length > 1, 'the flight in several datagrams');
  // The ServerHello alone (the first record of the flight's first datagram): no protected record yet, so plaintext is
  // still read when the alert comes.
  const first = flight[0]!;
  c.receive(first.subarray(0, 13 + ((first[11]! << 8) | first[12]!)), 3, 'server');
  t.true(c.versionState instanceof Dtls13Connection, 'taken back');
  t.is(c.state, 'waitEncryptedExtensions');
  c.receive(COOKIE_ALERT, 3, 'server');
  t.is(c.failure, undefined, 'the alert answers the cookie hello, not this handshake');
  for (const d of flight) c.receive(d, 4, 'server');
  pump(c, s, 5);
  t.is(c.state, 'connected', JSON.stringify(c.failure));
  t.is(c.stats.ignored['stale-alert'], 1, 'set aside and counted');
});

/** A HelloVerifyRequest body: server_version, then a cookie of `cookie` bytes (`claimed` its length byte). */
function hvrBody(version: number, cookie: number, claimed = cookie): Uint8Array {
  return Uint8Array.of(version >> 8, version & 0xff, claimed, ...new Uint8Array(cookie).fill(7));
}

/** Whether the reader takes `b` for a HelloVerifyRequest that is one (whole in one record). */
function readsAsHvr(b: Uint8Array): boolean {
  return firstAnswer(record(3, b).subarray(13))?.helloVerifyRequest === true;
}

/** A client (`options` over the common ones) that sent its first ClientHello and waits for the answer. */
function waiting(options: DtlsOptions): DtlsConnection {
  const c = DtlsConnection.client({ ...client, ...options });
  c.connect(0);
  drain(c);
  return c;
}

test('the HelloVerifyRequest reader: DTLS 1.0 or 1.2, a cookie of 1 to 255 bytes and nothing after', (t) => {
  t.true(readsAsHvr(hvrBody(0xfefd, 16)));
  t.true(readsAsHvr(hvrBody(0xfeff, 1)));
  t.true(readsAsHvr(hvrBody(0xfefd, 255)));
  t.false(readsAsHvr(hvrBody(0xfefc, 16)), "DTLS 1.3's version");
  t.false(readsAsHvr(hvrBody(0x0303, 16)), "TLS 1.2's version");
  t.false(readsAsHvr(hvrBody(0xfefd, 0)), 'no cookie');
  t.false(readsAsHvr(hvrBody(0xfefd, 15, 16)), 'shorter than its length byte');
  t.false(readsAsHvr(hvrBody(0xfefd, 17, 16)), 'a byte after the cookie');
  t.false(readsAsHvr(Uint8Array.of(0xfe, 0xfd)), 'no length byte');
});

test('a 1.3-only client refuses a HelloVerifyRequest that is one with protocol_version, at once', (t) => {
  const c = waiting({ minVersion: 'DTLSv1.3' });
  c.receive(record(3, hvrBody(0xfefd, 20)), 1);
  t.is(c.failure?.alert, 'protocol_version');
  t.regex(c.failure?.message ?? '', /HelloVerifyRequest/);
  t.not(c.pollTransmit(), undefined, 'the alert sent');
});

test('a forged, truncated, stretched or fragmented HelloVerifyRequest leaves a 1.3-only client waiting', (t) => {
  for (const [label, d] of [
    ['DTLS 1.3 version', record(3, hvrBody(0xfefc, 20))],
    ['no cookie', record(3, hvrBody(0xfefd, 0))],
    ['stretched', record(3, hvrBody(0xfefd, 17, 16))],
    ['a first fragment', record(3, hvrBody(0xfefd, 20), 10)],
  ] as const) {
    const c = waiting({ minVersion: 'DTLSv1.3' });
    c.receive(d, 1);
    t.is(c.failure, undefined, label);
    t.is(c.state, 'waitServerHello', label);
  }
});

test('a client offering both goes on in 1.2 on one; a 1.3-only client past waitServerHello sets one aside', (t) => {
  const both = waiting({});
  both.receive(record(3, hvrBody(0xfefd, 20)), 1);
  t.is(both.failure, undefined);
  t.true(both.versionState instanceof Connection12);
  // A 1.3-only client past waitServerHello (the ServerHello taken: the first record of the server's flight).
  const { c, s, hello } = started({}, { minVersion: 'DTLSv1.3' });
  for (const d of hello) s.receive(d, 1, 'client');
  const flight = drain(s)[0]!;
  c.receive(flight.subarray(0, 13 + ((flight[11]! << 8) | flight[12]!)), 2, 'server');
  t.not(c.state, 'waitServerHello');
  t.is(c.failure, undefined);
  c.receive(record(3, hvrBody(0xfefd, 20)), 3, 'server');
  t.is(c.failure, undefined, 'set aside');
});

test('answered in 1.2 without a HelloVerifyRequest, the abandoned 1.3 state releases its key shares at once', (t) => {
  // Mutation: `v13.abandoned()` dropped from HelloPhase.answerIn12 after a 1.2 ServerHello: the offer's private keys
  // stay in the unreachable 1.3 state until it is collected.
  const shares: KeyShare[] = [];
  const c = DtlsConnection.client({ ...client, provider: keeping(shares), groups: ['x25519', 'secp256r1'] });
  const s12 = DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2', helloVerify: false });
  c.connect(0);
  t.true(shares.length > 0, 'the ClientHello carries key shares');
  t.false(shares.some(released), 'held while the first answer is awaited');
  for (const d of drain(c)) s12.receive(d, 1, 'client');
  for (const d of drain(s12)) c.receive(d, 2, 'server'); // its ServerHello flight
  t.true(c.versionState instanceof Connection12);
  t.true(shares.every(released), 'every share of the 1.3 offer released');
  pump(c, s12, 3);
  t.is(c.state, 'connected', JSON.stringify(c.failure));
  t.is(c.protocolVersion, 'DTLSv1.2');
});

test('after a HelloVerifyRequest the held 1.3 state keeps its key shares until the 1.2 ServerHello, then releases them', (t) => {
  // Mutation: `final()` dropped from Machine12.kept (the one place the hold ends): the held state (and its private keys)
  // is never let go.
  const shares: KeyShare[] = [];
  const c = DtlsConnection.client({ ...client, provider: keeping(shares), groups: ['x25519', 'secp256r1'] });
  const s12 = DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2' });
  c.connect(0);
  for (const d of drain(c)) s12.receive(d, 1, 'client');
  for (const d of drain(s12)) c.receive(d, 2, 'server'); // the HelloVerifyRequest
  t.true(c.versionState instanceof Connection12);
  t.false(shares.some(released), 'held: a 1.3 answer may still take the connection back');
  for (const d of drain(c)) s12.receive(d, 2, 'client'); // the ClientHello with its cookie
  for (const d of drain(s12)) c.receive(d, 3, 'server'); // its ServerHello flight
  t.not(c.state, 'waitServerHello', 'the 1.2 ServerHello taken');
  t.true(shares.every(released), 'released once the ServerHello is taken');
  pump(c, s12, 4);
  t.is(c.state, 'connected', JSON.stringify(c.failure));
});

test('after a HelloVerifyRequest, a 1.2 state closed before its ServerHello releases the held 1.3 key shares', (t) => {
  // Mutation: `final()` dropped from Machine12.kept: the held state keeps its private keys after the end.
  const shares: KeyShare[] = [];
  const c = DtlsConnection.client({ ...client, provider: keeping(shares), groups: ['x25519'] });
  c.connect(0);
  drain(c);
  c.receive(FORGED_HVR, 1, 'server');
  t.true(c.versionState instanceof Connection12);
  t.false(shares.some(released));
  c.close();
  t.true(shares.every(released));
});
