import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { state12Of } from '../support/inside12.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { DEFAULT_SUITES_12 } from '../../runtime/dtls12/config.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump } from './pair12.js';

/**
 * The DTLS 1.2 handshakes of spec/charts/dtls12-*.json between two dtls13
 * ends in memory: full (every default suite), HelloVerifyRequest, client
 * authentication, resumption by session ID, small-MTU fragmentation, loss,
 * application data and close_notify.
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const rsa = makeIdentity('rsa2048', 'server.test', { at: now });
const clientId = makeIdentity('p256', 'client.test', { at: now });

const clientOptions = (ca: Uint8Array) => ({ trustAnchors: [ca], serverName: 'server.test' });

for (const suite of DEFAULT_SUITES_12) {
  test(`full handshake and data both ways: ${suite}`, (t) => {
    const id = suite.includes('_rsa_') ? rsa : ecdsa;
    const p = pair12(
      DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions(id.caDer), cipherSuites12: [suite] }),
      DtlsConnection.server({
        maxVersion: 'DTLSv1.2',
        certificate: { chain: id.chain, privateKey: id.privateKey },
        peer: '192.0.2.1:5000',
      }),
    );
    p.client.connect(0);
    pump(p);
    t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
    t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
    const done = p.events.client.find((e) => e.type === 'handshakeComplete');
    if (done?.type !== 'handshakeComplete') return void t.fail();
    t.is(done.parameters.cipherSuite, suite);
    t.true(done.parameters.helloRetryRequest, 'the server asked for a cookie first');
    t.is(done.parameters.resumed, false);
    p.client.send(new TextEncoder().encode('ping'));
    p.server.send(new TextEncoder().encode('pong'));
    pump(p);
    t.deepEqual(
      p.events.server
        .filter((e) => e.type === 'data')
        .map((e) => (e.type === 'data' ? new TextDecoder().decode(e.data) : '')),
      ['ping'],
    );
    t.deepEqual(
      p.events.client
        .filter((e) => e.type === 'data')
        .map((e) => (e.type === 'data' ? new TextDecoder().decode(e.data) : '')),
      ['pong'],
    );
    t.deepEqual(
      p.client.exportKeyingMaterial(32, 'EXTRACTOR-dtls_srtp'),
      p.server.exportKeyingMaterial(32, 'EXTRACTOR-dtls_srtp'),
    );
    p.client.close();
    pump(p);
    t.true(p.events.server.some((e) => e.type === 'closed' && e.reason === 'close_notify'));
  });
}

test('client authentication: the server sees the client chain; required and missing fails with handshake_failure', (t) => {
  const p = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      ...clientOptions(ecdsa.caDer),
      certificate: { chain: clientId.chain, privateKey: clientId.privateKey },
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: ecdsa.chain, privateKey: ecdsa.privateKey },
      clientAuthentication: 'required',
      trustAnchors: [clientId.caDer],
    }),
  );
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  t.true(state12Of(p.server).negotiated?.clientAuthenticated);
  t.deepEqual(state12Of(p.server).negotiated?.peerCertificateChain, clientId.chain);

  const q = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions(ecdsa.caDer) }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: ecdsa.chain, privateKey: ecdsa.privateKey },
      clientAuthentication: 'required',
      trustAnchors: [clientId.caDer],
    }),
  );
  q.client.connect(0);
  pump(q);
  t.is(q.server.state, 'failed');
  t.is(q.server.failure?.alert, 'handshake_failure');
  t.is(q.client.failure?.alert, 'handshake_failure', 'the client got the alert');
});

test('resumption by session ID: the abbreviated handshake, no certificates', (t) => {
  const cache = new SessionCache12();
  const server = () =>
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: ecdsa.chain, privateKey: ecdsa.privateKey },
      sessionCache12: cache,
    });
  const p = pair12(DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions(ecdsa.caDer) }), server());
  p.client.connect(0);
  pump(p);
  const session = state12Of(p.client).lastSession;
  if (session === undefined || !p.events.client.some((e) => e.type === 'sessionTicket'))
    return void t.fail('no session');
  t.is(cache.size, 1);
  const q = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions(ecdsa.caDer), session: encodeSession12(session) }),
    server(),
  );
  q.client.connect(0);
  pump(q);
  t.is(q.client.state, 'connected', JSON.stringify(q.client.failure));
  t.is(q.server.state, 'connected', JSON.stringify(q.server.failure));
  t.true(state12Of(q.client).negotiated?.resumed);
  t.true(state12Of(q.server).negotiated?.resumed);
  t.is(state12Of(q.client).negotiated?.peerCertificateChain, undefined);
  q.client.send(Uint8Array.of(1, 2, 3));
  pump(q);
  t.deepEqual(
    q.events.server.filter((e) => e.type === 'data').map((e) => (e.type === 'data' ? [...e.data] : [])),
    [[1, 2, 3]],
  );
});

test('small MTU: every datagram fits 300 bytes, a 4 kB RSA chain arrives in fragments', (t) => {
  const big = makeIdentity('rsa2048', 'server.test', { at: now, caKind: 'rsa2048' });
  const chain = [...big.chain, big.caDer];
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions(big.caDer), maxDatagramSize: 300 }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain, privateKey: big.privateKey },
      maxDatagramSize: 300,
    }),
  );
  let largest = 0;
  p.client.connect(0);
  pump(p, (_f, d) => {
    largest = Math.max(largest, d.length);
    return d;
  });
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.true(largest <= 300);
});

test('path MTU: the server flight is lost as too large; after pathMtuExceeded(548) its retransmission fits 548-byte datagrams', (t) => {
  const big = makeIdentity('rsa2048', 'server.test', { at: now, caKind: 'rsa2048' });
  const chain = [...big.chain, big.caDer];
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions(big.caDer) }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate: { chain, privateKey: big.privateKey } }),
  );
  t.is(p.server.datagramLimit, 1200);
  let refused = 0;
  let largest = 0;
  p.client.connect(0);
  pump(p, (from, d) => {
    if (from === 'server' && d.length > 548) {
      // What the kernel reports as EMSGSIZE once it knows the path MTU: the datagram never leaves.
      refused++;
      p.server.pathMtuExceeded(548);
      return undefined;
    }
    largest = Math.max(largest, d.length);
    return d;
  });
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.true(refused > 0, 'the first flight had datagrams over 548 bytes');
  t.true(largest <= 548, `largest ${largest}`);
  t.is(p.server.datagramLimit, 548);
  t.false(p.server.pathMtuExceeded(1000), 'a larger figure never raises the limit');
  t.true(p.server.pathMtuExceeded(100) && p.server.datagramLimit === 256, 'never below 256');
});

test('loss: every third datagram lost, the RFC 6347 timer completes the handshake', (t) => {
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions(ecdsa.caDer) }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: ecdsa.chain, privateKey: ecdsa.privateKey },
    }),
  );
  let n = 0;
  p.client.connect(0);
  pump(p, (_f, d) => (++n % 3 === 0 ? undefined : d), 2000);
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  t.true(p.now > 0, 'timers fired');
});

test('a silent server: the client gives up after its retransmissions with a timeout', (t) => {
  const p = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      ...clientOptions(ecdsa.caDer),
      retransmission: { maxRetransmissions: 3 },
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: ecdsa.chain, privateKey: ecdsa.privateKey },
    }),
  );
  let sent = 0;
  p.client.connect(0);
  pump(p, (from) => {
    if (from === 'client') sent++;
    return undefined;
  });
  t.is(sent, 4, 'first ClientHello and three retransmissions');
  t.true(p.events.client.some((e) => e.type === 'closed' && e.reason === 'timeout'));
});

test('the certificate is checked at the wallClock given, not the machine clock: ten years on it has expired', (t) => {
  const p = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      ...clientOptions(ecdsa.caDer),
      wallClock: () => now + 10 * 365 * 24 * 3600 * 1000,
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: ecdsa.chain, privateKey: ecdsa.privateKey },
    }),
  );
  p.client.connect(0);
  pump(p);
  t.is(p.client.failure?.alert, 'certificate_expired');
});

/**
 * The server's first flight and its session ID, to a client without the SessionTicket extension (which resumes by ID
 * only, as pion's does): with a new session ID after a HelloVerifyRequest, the datagram of the ServerHello goes after
 * the ServerHelloDone's (pion keeps the ID as it reads the ServerHello, so it must read the whole flight at once);
 * without a session cache in order; without the cookie exchange in order, and a session ID only when the flight fits
 * one datagram (pion needs the ServerHello first there). A client offering tickets gets the flight in order.
 */
for (const [what, options, mtu, tickets, order, id] of [
  ['a session ID after a HelloVerifyRequest', { sessionCache12: new SessionCache12() }, 300, false, 'last', true],
  ['no session cache', {}, 300, false, 'first', false],
  ['no HelloVerifyRequest', { sessionCache12: new SessionCache12(), helloVerify: false }, 300, false, 'first', false],
  [
    'no HelloVerifyRequest, one datagram',
    { sessionCache12: new SessionCache12(), helloVerify: false },
    1200,
    false,
    'one',
    true,
  ],
  ['a client offering tickets', { sessionCache12: new SessionCache12() }, 300, true, 'first', true],
  [
    'a client offering tickets, no HelloVerifyRequest',
    { sessionCache12: new SessionCache12(), helloVerify: false },
    300,
    true,
    'first',
    true,
  ],
] as const) {
  test(`the full handshake's flight, ${what}: the ServerHello ${order === 'one' ? 'with the rest' : order}, ${id ? 'a' : 'no'} session ID`, (t) => {
    const p = pair12(
      DtlsConnection.client({
        maxVersion: 'DTLSv1.2',
        ...clientOptions(ecdsa.caDer),
        maxDatagramSize: mtu,
        sessionTickets12: tickets,
      }),
      DtlsConnection.server({
        maxVersion: 'DTLSv1.2',
        certificate: { chain: ecdsa.chain, privateKey: ecdsa.privateKey },
        maxDatagramSize: mtu,
        ...options,
      }),
    );
    // The epoch-0 handshake message types of each server datagram (a record's first fragment byte).
    const types: number[][] = [];
    p.client.connect(0);
    pump(p, (from, d) => {
      if (from === 'server') {
        const found: number[] = [];
        for (let at = 0; at + 13 <= d.length; at += 13 + ((d[at + 11]! << 8) | d[at + 12]!))
          if (d[at] === 22 && d[at + 3] === 0 && d[at + 4] === 0) found.push(d[at + 13]!);
        types.push(found);
      }
      return d;
    });
    t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
    t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
    const hello = types.findIndex((d) => d.includes(2));
    const done = types.findIndex((d) => d.includes(14));
    const seen = hello === done ? 'one' : hello > done ? 'last' : 'first';
    t.is(seen, order, `server datagrams' message types: ${JSON.stringify(types)}`);
    t.is(state12Of(p.client).lastSession?.id.length ?? 0, id ? 32 : 0, 'the session ID the ServerHello gave');
  });
}
