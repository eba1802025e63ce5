import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * The DTLS 1.2 server's steps (runtime/dtls12/server.ts) as a real 1.2 DtlsConnection pair shows them, sans-I/O:
 * what its first flight holds (a CertificateRequest only when it authenticates clients), which group and suite it
 * chooses and what it refuses with which alert, the downgrade sentinel, the abbreviated flight of a resumption by
 * session ID and by ticket, and the session cache keeping a session proven by a resumption.
 */

const NOW = Date.UTC(2026, 10, 27);
const id = makeIdentity('p256', 'server12.test', { at: NOW });
const clientId = makeIdentity('p256', 'client12.test', { at: NOW });
const TICKET_KEY = new Uint8Array(32).fill(0x3c);

const V12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2', wallClock: () => NOW } as const;
const serverOptions: DtlsOptions = { ...V12, certificate: { chain: id.chain, privateKey: id.privateKey } };
const clientOptions: DtlsOptions = { ...V12, trustAnchors: [id.caDer], serverName: 'server12.test' };

const SERVER_HELLO = 2;
const HELLO_VERIFY_REQUEST = 3;
const NEW_SESSION_TICKET = 4;
const CERTIFICATE = 11;
const SERVER_KEY_EXCHANGE = 12;
const CERTIFICATE_REQUEST = 13;
const SERVER_HELLO_DONE = 14;

interface Run {
  readonly client: DtlsConnection;
  readonly server: DtlsConnection;
  readonly events: { client: ConnectionEvent[]; server: ConnectionEvent[] };
  /** The server's plaintext (epoch 0) handshake messages, in order: type and body. */
  readonly serverMessages: { type: number; body: Uint8Array }[];
}

/** The epoch-0 handshake messages of a datagram (whole ones: each record here carries whole messages). */
function plaintextMessages(d: Uint8Array): { type: number; body: Uint8Array }[] {
  const out: { type: number; body: Uint8Array }[] = [];
  for (let off = 0; off + 13 <= d.length;) {
    const len = (d[off + 11]! << 8) | d[off + 12]!;
    if (d[off] === 22 && d[off + 3] === 0 && d[off + 4] === 0) {
      for (let m = off + 13; m + 12 <= off + 13 + len;) {
        const fragmentLength = (d[m + 9]! << 16) | (d[m + 10]! << 8) | d[m + 11]!;
        out.push({ type: d[m]!, body: d.subarray(m + 12, m + 12 + fragmentLength) });
        m += 12 + fragmentLength;
      }
    }
    off += 13 + len;
  }
  return out;
}

function run(client: DtlsOptions, server: DtlsOptions): Run {
  const r: Run = {
    client: DtlsConnection.client({ ...clientOptions, ...client }),
    server: DtlsConnection.server({ ...serverOptions, ...server }),
    events: { client: [], server: [] },
    serverMessages: [],
  };
  r.client.connect(0);
  for (let round = 0; round < 50; round++) {
    let moved = false;
    for (let d = r.client.pollTransmit(); d !== undefined; d = r.client.pollTransmit(), moved = true)
      r.server.receive(d, round);
    for (let d = r.server.pollTransmit(); d !== undefined; d = r.server.pollTransmit(), moved = true) {
      r.serverMessages.push(...plaintextMessages(d));
      r.client.receive(d, round);
    }
    for (const side of ['client', 'server'] as const)
      for (let e = r[side].pollEvent(); e !== undefined; e = r[side].pollEvent()) r.events[side].push(e);
    if (!moved) break;
  }
  return r;
}

const types = (r: Run): number[] => r.serverMessages.map((m) => m.type);

function parameters(events: readonly ConnectionEvent[]) {
  const done = events.find((e) => e.type === 'handshakeComplete');
  return done?.type === 'handshakeComplete' ? done.parameters : undefined;
}

/** The session blob the client was handed (a 1.2 session: ID, master secret and any ticket). */
function sessionOf(r: Run): Uint8Array {
  const e = r.events.client.find((x) => x.type === 'sessionTicket');
  if (e?.type !== 'sessionTicket') throw new Error('the client was handed no session');
  return e.session;
}

/** The session_id of a TLS 1.2 ServerHello body: version (2), random (32), then the length-prefixed ID. */
const serverHelloSessionId = (body: Uint8Array): Uint8Array => body.subarray(35, 35 + body[34]!);

test('the full flight: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone, after a HelloVerifyRequest', (t) => {
  const r = run({}, {});
  t.is(r.server.state, 'connected', JSON.stringify(r.server.failure));
  t.is(r.server.protocolVersion, 'DTLSv1.2');
  t.deepEqual(types(r), [
    HELLO_VERIFY_REQUEST,
    SERVER_HELLO,
    CERTIFICATE,
    SERVER_KEY_EXCHANGE,
    SERVER_HELLO_DONE,
    NEW_SESSION_TICKET,
  ]);
  t.like(parameters(r.events.server), { version: 'DTLSv1.2', resumed: false, clientAuthenticated: false });
});

test('clientAuthentication optional: a CertificateRequest; a client with no certificate is let in unauthenticated', (t) => {
  const r = run({}, { clientAuthentication: 'optional', trustAnchors: [clientId.caDer] });
  t.true(types(r).includes(CERTIFICATE_REQUEST));
  t.is(types(r).indexOf(CERTIFICATE_REQUEST), types(r).indexOf(SERVER_HELLO_DONE) - 1);
  t.is(r.server.state, 'connected', JSON.stringify(r.server.failure));
  t.like(parameters(r.events.server), { clientAuthenticated: false, peerCertificate: undefined });
});

test('clientAuthentication required: a client with no certificate is refused with handshake_failure', (t) => {
  const r = run({}, { clientAuthentication: 'required', trustAnchors: [clientId.caDer] });
  t.is(r.server.state, 'failed');
  t.is(r.server.failure?.alert, 'handshake_failure');
  t.regex(r.server.failure?.message ?? '', /no certificate/);
  t.is(r.client.failure?.alert, 'handshake_failure', 'the client got the alert');
});

test('clientAuthentication required: a client with a certificate the server trusts is authenticated', (t) => {
  const r = run(
    { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } },
    { clientAuthentication: 'required', trustAnchors: [clientId.caDer] },
  );
  t.is(r.server.state, 'connected', JSON.stringify(r.server.failure));
  const p = parameters(r.events.server);
  t.true(p?.clientAuthenticated);
  t.deepEqual(p?.peerCertificate, clientId.chain[0]);
});

test('the group: the first of the server’s own list the client offers, whatever the client’s order', (t) => {
  const r = run({ groups: ['secp256r1', 'secp384r1'] }, { groups: ['secp384r1', 'secp256r1'] });
  t.is(r.server.state, 'connected', JSON.stringify(r.server.failure));
  t.is(parameters(r.events.server)?.group, 'secp384r1');
  t.is(parameters(r.events.client)?.group, 'secp384r1');
});

test('no group in common: handshake_failure from the server', (t) => {
  const r = run({ groups: ['secp256r1'] }, { groups: ['secp384r1'] });
  t.is(r.server.state, 'failed');
  t.is(r.server.failure?.alert, 'handshake_failure');
  t.false(types(r).includes(SERVER_HELLO), 'no ServerHello went out');
});

test('no suite in common: handshake_failure, and no ServerHello', (t) => {
  const r = run(
    { cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'] },
    { cipherSuites12: ['tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256'] },
  );
  t.is(r.server.state, 'failed');
  t.is(r.server.failure?.alert, 'handshake_failure');
  t.false(types(r).includes(SERVER_HELLO));
});

test('the downgrade sentinel: DOWNGRD\\x01 ends the random of a server that also does 1.3, and only of one', (t) => {
  const tail = (r: Run): string =>
    Buffer.from(r.serverMessages.find((m) => m.type === SERVER_HELLO)!.body.subarray(2 + 24, 2 + 32)).toString(
      'latin1',
    );
  const both = run({}, { maxVersion: 'DTLSv1.3' });
  t.is(both.client.state, 'connected', JSON.stringify(both.client.failure));
  t.is(tail(both), 'DOWNGRD\x01');
  t.not(tail(run({}, {})), 'DOWNGRD\x01');
});

test('resumption by session ID: ServerHello echoing the cached ID, then ChangeCipherSpec and Finished; no certificate', (t) => {
  const cache = new SessionCache12();
  const server: DtlsOptions = { sessionCache12: cache, sessionTickets12: false };
  const first = run({ sessionTickets12: false }, server);
  t.is(first.server.state, 'connected', JSON.stringify(first.server.failure));
  t.is(cache.size, 1, 'the full handshake cached its session');
  const firstId = serverHelloSessionId(first.serverMessages.find((m) => m.type === SERVER_HELLO)!.body);
  t.is(firstId.length, 32);
  const again = run({ sessionTickets12: false, session: sessionOf(first) }, server);
  t.is(again.server.state, 'connected', JSON.stringify(again.server.failure));
  t.deepEqual(types(again), [HELLO_VERIFY_REQUEST, SERVER_HELLO], 'then ChangeCipherSpec and Finished, protected');
  t.deepEqual(serverHelloSessionId(again.serverMessages[1]!.body), firstId);
  t.like(parameters(again.events.server), { resumed: true, peerCertificate: undefined });
  t.true(parameters(again.events.client)?.resumed);
});

test('without a session cache the ServerHello carries no session ID and nothing resumes by ID', (t) => {
  const first = run({ sessionTickets12: false }, { sessionTickets12: false });
  t.is(serverHelloSessionId(first.serverMessages.find((m) => m.type === SERVER_HELLO)!.body).length, 0);
});

test('resumption by ticket: ServerHello and a renewed NewSessionTicket, no certificate, with no cache', (t) => {
  const server: DtlsOptions = { ticketKeys: TICKET_KEY };
  const first = run({}, server);
  t.true(types(first).includes(NEW_SESSION_TICKET));
  const again = run({ session: sessionOf(first) }, server);
  t.is(again.server.state, 'connected', JSON.stringify(again.server.failure));
  t.deepEqual(types(again), [HELLO_VERIFY_REQUEST, SERVER_HELLO, NEW_SESSION_TICKET]);
  t.like(parameters(again.events.server), { resumed: true, peerCertificate: undefined });
  t.true(
    again.events.client.some((e) => e.type === 'sessionTicket'),
    'the renewed ticket reached the client',
  );
});

test('a resumption that completed keeps its session cached past newer ones never resumed', (t) => {
  // Capacity 2, half of it for resumed sessions: A resumed once, then B and C full: C evicts B, not A.
  const cache = new SessionCache12(2);
  const server: DtlsOptions = { sessionCache12: cache, sessionTickets12: false };
  const client: DtlsOptions = { sessionTickets12: false };
  const a = sessionOf(run(client, server));
  t.true(parameters(run({ ...client, session: a }, server).events.server)?.resumed);
  run(client, server);
  run(client, server);
  t.is(cache.size, 2);
  const later = run({ ...client, session: a }, server);
  t.true(parameters(later.events.server)?.resumed, 'A was still cached');
});
