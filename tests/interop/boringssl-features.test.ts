import test, { type ExecutionContext } from 'ava';
import type { FateOf } from '../support/udp-relay.js';
import { badWeather } from '../support/udp-relay.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { identity } from './sessions.js';
import { writePem } from './wolfssl.js';
import {
  assertBoringClientRun,
  assertBoringServerRun,
  certificateDigest,
  connectedOf,
  dataOf,
  events,
  flightAcknowledged,
  ourExporter,
  protectedEpochBits,
  serveBoringClient,
  talkToBoringServer,
} from './boringssl.js';

// HelloRetryRequest, fragmentation, KeyUpdate, client authentication, ALPN, SNI, exporters and loss with BoringSSL, both directions.

const SEND = (messages: readonly string[]): string[] => messages.flatMap((m) => ['--send', m]);
const TWO = ['hello from BoringSSL', 'again'];
const THREE = ['one', 'two', 'three'];
const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
const rsaClientId = makeIdentity('rsa2048', 'client.test', { at: Date.now() });
const creds = (id: { chain: readonly Uint8Array[]; privateKey: Uint8Array }) => ({ chain: id.chain, privateKey: id.privateKey });

// ---------------------------------------------------------------- HelloRetryRequest

test('BoringSSL client → dtls13 server: HelloRetryRequest for the group (it shares X25519, we take only P-256)', async (t) => {
  const id = identity('p256');
  const s = await serveBoringClient(id, { groups: ['secp256r1'], cookies: false }, ['--groups', 'X25519:P-256', '--key-shares', 'X25519', ...SEND(TWO)]);
  const c = await assertBoringClientRun(t, s, id, TWO);
  t.like(s.handshakes[0], { group: 'secp256r1', helloRetryRequest: true });
  t.like(c, { group: 'P-256', hrr: '1' });
});

test('BoringSSL client → dtls13 server: our stateless cookie HelloRetryRequest (cookies on), key share accepted', async (t) => {
  const id = identity('p256');
  const s = await serveBoringClient(id, { groups: ['x25519'] }, ['--groups', 'X25519', ...SEND(TWO)]);
  const c = await assertBoringClientRun(t, s, id, TWO);
  t.like(s.handshakes[0], { group: 'x25519', helloRetryRequest: true });
  t.like(c, { group: 'X25519', hrr: '1' });
});

test('BoringSSL client → dtls13 server: HelloRetryRequest from X25519 to X25519MLKEM768 with our cookie', async (t) => {
  const id = identity('p256');
  const s = await serveBoringClient(id, { groups: ['x25519mlkem768'] }, ['--groups', 'X25519:X25519MLKEM768', '--key-shares', 'X25519', ...SEND(TWO)]);
  const c = await assertBoringClientRun(t, s, id, TWO);
  t.like(s.handshakes[0], { group: 'x25519mlkem768', helloRetryRequest: true });
  t.like(c, { group: 'X25519MLKEM768', hrr: '1' });
});

test('dtls13 client → BoringSSL server: HelloRetryRequest for the group (we share x25519, it takes only P-384)', async (t) => {
  const o = await talkToBoringServer(identity('p256'), ['--groups', 'P-384'], { groups: ['x25519', 'secp384r1'] });
  const c = assertBoringServerRun(t, o);
  t.like(o.parameters, { group: 'secp384r1', helloRetryRequest: true });
  t.like(c, { group: 'P-384', hrr: '1' });
});

test('dtls13 client → BoringSSL server: HelloRetryRequest from x25519 to X25519MLKEM768 (a 1216-byte second key share)', async (t) => {
  const o = await talkToBoringServer(identity('p256'), ['--groups', 'X25519MLKEM768'], { groups: ['x25519', 'x25519mlkem768'] });
  const c = assertBoringServerRun(t, o);
  t.like(o.parameters, { group: 'x25519mlkem768', helloRetryRequest: true });
  t.like(c, { group: 'X25519MLKEM768', hrr: '1' });
});

// ---------------------------------------------------------------- MTU 300: fragmented flights

/** A relay that passes everything and notes each datagram's size by direction. */
function sizes(): { fate: FateOf; readonly client: number[]; readonly server: number[] } {
  const client: number[] = [];
  const server: number[] = [];
  return { client, server, fate: (from, _i, d) => ((from === 'client' ? client : server).push(d.length), 'pass') };
}

test('BoringSSL client (SSL_set_mtu 300) → dtls13 server (maxDatagramSize 300): both fragment their flights, RSA certificates both ways', async (t) => {
  const id = identity('rsa2048');
  const pem = writePem(rsaClientId);
  const seen = sizes();
  try {
    const s = await serveBoringClient(
      id,
      { maxDatagramSize: 300, groups: ['x25519mlkem768', 'x25519'], clientAuthentication: 'required', trustAnchors: [rsaClientId.caDer] },
      // X25519MLKEM768's 1216-byte key share makes the ClientHello itself span several datagrams.
      ['--mtu', '300', '--groups', 'X25519MLKEM768:X25519', '--cert', pem.cert, '--key', pem.key, ...SEND(TWO)],
      { fate: seen.fate },
    );
    const c = await assertBoringClientRun(t, s, id, TWO);
    t.is(c.group, 'X25519MLKEM768');
    t.true(s.handshakes[0]?.clientAuthenticated);
    t.true(Math.max(...seen.client) <= 300, `BoringSSL's datagrams: ${seen.client.join(' ')}`);
    t.true(Math.max(...seen.server) <= 300, `our datagrams: ${seen.server.join(' ')}`);
    t.true(seen.client.length >= 8, `BoringSSL's ClientHello and certificate flight fragmented: ${seen.client.join(' ')}`);
    t.true(seen.server.length >= 8, `our flight fragmented: ${seen.server.join(' ')}`);
  } finally {
    pem.remove();
  }
});

test('dtls13 client (maxDatagramSize 300) → BoringSSL server (SSL_set_mtu 300): both fragment their flights, RSA certificates both ways', async (t) => {
  const pem = writePem(rsaClientId);
  const seen = sizes();
  try {
    const o = await talkToBoringServer(
      identity('rsa2048'),
      ['--mtu', '300', '--groups', 'X25519MLKEM768:X25519', '--ca', pem.ca, '--require-cert'],
      { maxDatagramSize: 300, groups: ['x25519mlkem768', 'x25519'], certificate: rsaClientId },
      { fate: seen.fate },
    );
    const c = assertBoringServerRun(t, o);
    t.is(c.group, 'X25519MLKEM768');
    t.is(c.peer_cert, await certificateDigest(rsaClientId.chain[0] ?? new Uint8Array()));
    t.true(Math.max(...seen.client) <= 300, `our datagrams: ${seen.client.join(' ')}`);
    t.true(Math.max(...seen.server) <= 300, `BoringSSL's datagrams: ${seen.server.join(' ')}`);
    t.true(seen.client.length >= 8, `our ClientHello and certificate flight fragmented: ${seen.client.join(' ')}`);
    t.true(seen.server.length >= 8, `BoringSSL's flight fragmented: ${seen.server.join(' ')}`);
  } finally {
    pem.remove();
  }
});

// ---------------------------------------------------------------- KeyUpdate, initiated by each side
//
// Both implementations keep one flight outstanding at a time: a KeyUpdate (ours, or the one answering the peer's
// update_requested) waits until the NewSessionTicket flight before it is acknowledged. BoringSSL acknowledges
// NewSessionTickets only when its ACK timer fires, so the tests where BoringSSL is the client run our server without
// tickets: else the answer would come after the few messages exchanged, and both ends would close at epoch 3. A KeyUpdate
// also waits for its ACK before the sender writes under the new epoch (RFC 9147 §8), and BoringSSL sends ACKs from a
// timer (a quarter of its retransmission timeout): so each side pauses after the first echo (our client until its flight
// is acknowledged, BoringSSL's client --pause-ms) before the next message.

/** Every datagram our side received and sent, to see the epochs of the records they carry. */
function epochWatch(): { onDatagram: (direction: 'received' | 'sent', d: Uint8Array) => void; readonly received: Uint8Array[]; readonly sent: Uint8Array[] } {
  const received: Uint8Array[] = [];
  const sent: Uint8Array[] = [];
  return { received, sent, onDatagram: (direction, d) => (direction === 'received' ? received : sent).push(Uint8Array.from(d)) };
}

/** Both ends ended at epoch 4 both ways: BoringSSL's closing epochs, and epoch-4 records (low bits 0) each way on our side. */
function assertUpdatedBothWays(t: ExecutionContext, output: string, w: ReturnType<typeof epochWatch>): void {
  t.like(events(output, 'closed')[0]?.fields, { read_epoch: '4', write_epoch: '4' }, output);
  t.true(protectedEpochBits(w.received).includes(0), 'BoringSSL sent records under its epoch 4');
  t.true(protectedEpochBits(w.sent).includes(0), 'we sent records under our epoch 4');
}

test('BoringSSL client → dtls13 server: the client updates its keys and requests ours (SSL_key_update)', async (t) => {
  const id = identity('p256');
  const w = epochWatch();
  const s = await serveBoringClient(id, { onDatagram: w.onDatagram, tickets: 0 }, ['--key-update', '--pause-ms', '600', ...SEND(THREE)]);
  await assertBoringClientRun(t, s, id, THREE);
  t.is(events(s.output, 'key_update').length, 1);
  assertUpdatedBothWays(t, s.output, w);
});

test('dtls13 client → BoringSSL server: the server updates its keys and requests ours (SSL_key_update after the handshake)', async (t) => {
  const w = epochWatch();
  const o = await talkToBoringServer(identity('p256'), ['--key-update', '--trace'], { onDatagram: w.onDatagram }, { afterEcho: (c) => flightAcknowledged(c) });
  assertBoringServerRun(t, o);
  t.is(events(o.serverOutput, 'key_update').length, 1);
  // BoringSSL's KeyUpdate on the wire: msg_type 24, a 12-byte DTLS handshake header, request_update 1.
  t.true(
    events(o.serverOutput, 'msg').some((m) => m.fields.dir === 'write' && /^18000001.{16}01$/.test(m.fields.hex ?? '')),
    o.serverOutput,
  );
  assertUpdatedBothWays(t, o.serverOutput, w);
});

test('dtls13 client → BoringSSL server: we update our keys and request the server’s', async (t) => {
  const w = epochWatch();
  const o = await talkToBoringServer(
    identity('p256'),
    [],
    { onDatagram: w.onDatagram },
    {
      beforeSend: (c) => c.updateKeys(true),
      afterEcho: (c) => flightAcknowledged(c),
    },
  );
  assertBoringServerRun(t, o);
  assertUpdatedBothWays(t, o.serverOutput, w);
});

test('BoringSSL client → dtls13 server: our server updates its keys and requests the client’s', async (t) => {
  const id = identity('p256');
  const w = epochWatch();
  const s = await serveBoringClient(id, { onDatagram: w.onDatagram, tickets: 0 }, ['--pause-ms', '600', ...SEND(THREE)], {
    afterHandshake: (ep) => ep.updateKeys(true),
  });
  await assertBoringClientRun(t, s, id, THREE);
  assertUpdatedBothWays(t, s.output, w);
});

// A BoringSSL deviation, pinned: SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED) while one of its flights is unacknowledged
// (here the client's Finished, right after the handshake) is queued in DTLS1_STATE::queued_key_update, a 2-bit bit-field
// of a signed enum where kUpdateRequested (2) reads back as -2: the KeyUpdate goes out as update_not_requested, so we
// (correctly, RFC 8446 §4.6.3) do not answer it. If this test fails because BoringSSL sent update_requested, the bug is
// fixed: drop this test and the idle wait of the peer's --key-update.
test('BoringSSL client → dtls13 server: SSL_key_update(requested) queued behind its Finished goes out as update_not_requested (BoringSSL bug)', async (t) => {
  const id = identity('p256');
  const w = epochWatch();
  const s = await serveBoringClient(id, { onDatagram: w.onDatagram, tickets: 0 }, ['--key-update-now', '--trace', ...SEND(THREE)]);
  await assertBoringClientRun(t, s, id, THREE);
  t.is(events(s.output, 'key_update')[0]?.fields.idle, '0', 'its Finished was still unacknowledged');
  const keyUpdates = events(s.output, 'msg').filter((m) => m.fields.dir === 'write' && /^18000001/.test(m.fields.hex ?? ''));
  // (the message callback also sees its retransmissions)
  t.true(keyUpdates.length >= 1, s.output);
  t.deepEqual(new Set(keyUpdates.map((m) => m.fields.hex?.slice(-2))), new Set(['00']), 'request_update on the wire');
  t.like(events(s.output, 'closed')[0]?.fields, { read_epoch: '3', write_epoch: '4' }, s.output);
  t.true(protectedEpochBits(w.received).includes(0), 'BoringSSL moved to its epoch 4');
  t.false(protectedEpochBits(w.sent).includes(0), 'we were not asked to update ours');
});

// ---------------------------------------------------------------- client authentication

test('BoringSSL client → dtls13 server: client authentication (we require and verify its certificate)', async (t) => {
  const id = identity('p256');
  const pem = writePem(clientId);
  try {
    const s = await serveBoringClient(id, { clientAuthentication: 'required', trustAnchors: [clientId.caDer] }, [
      '--cert',
      pem.cert,
      '--key',
      pem.key,
      ...SEND(TWO),
    ]);
    await assertBoringClientRun(t, s, id, TWO);
    t.true(s.handshakes[0]?.clientAuthenticated);
    t.deepEqual(s.handshakes[0]?.peerCertificate, clientId.chain[0]);
  } finally {
    pem.remove();
  }
});

test('BoringSSL client → dtls13 server: a client without a certificate is refused when we require one', async (t) => {
  const s = await serveBoringClient(identity('p256'), { clientAuthentication: 'required', trustAnchors: [clientId.caDer] }, SEND(TWO));
  // TLS 1.3: the client's handshake completes when it sends its Finished, and our alert comes after it.
  t.not(s.code, 0, s.output);
  t.deepEqual(dataOf(s.output), [], 'no echo came back');
  t.regex(
    events(s.output, 'alert')
      .map((a) => `${a.fields.dir} ${a.fields.desc}`)
      .join(','),
    /read certificate_required|read handshake_failure/,
    s.output,
  );
  t.deepEqual(s.handshakes, []);
});

test('dtls13 client → BoringSSL server: client authentication (the server requires and verifies our certificate)', async (t) => {
  const pem = writePem(clientId);
  try {
    const o = await talkToBoringServer(identity('p256'), ['--ca', pem.ca, '--require-cert'], { certificate: clientId });
    const c = assertBoringServerRun(t, o);
    t.true(o.parameters?.clientAuthenticated);
    t.is(c.peer_cert, await certificateDigest(clientId.chain[0] ?? new Uint8Array()));
  } finally {
    pem.remove();
  }
});

test('dtls13 client → BoringSSL server: without a certificate we are refused when the server requires one', async (t) => {
  const pem = writePem(clientId);
  try {
    const o = await talkToBoringServer(identity('p256'), ['--ca', pem.ca, '--require-cert'], {});
    t.not(o.error, undefined);
    t.deepEqual(o.replies, []);
    t.not(o.serverCode, 0, o.serverOutput);
    t.regex(o.serverOutput, /PEER_DID_NOT_RETURN_A_CERTIFICATE|alert: dir=write level=fatal desc=certificate_required/, o.serverOutput);
  } finally {
    pem.remove();
  }
});

test('dtls13 client → BoringSSL server: a client certificate from an untrusted CA is refused', async (t) => {
  const pem = writePem(clientId);
  const stranger = makeIdentity('p256', 'client.test', { at: Date.now() });
  try {
    const o = await talkToBoringServer(identity('p256'), ['--ca', pem.ca, '--require-cert'], { certificate: stranger });
    t.not(o.error, undefined);
    t.regex(o.error ?? '', /unknown_ca|bad_certificate|certificate_unknown/, o.serverOutput);
    t.not(o.serverCode, 0);
  } finally {
    pem.remove();
  }
});

// ---------------------------------------------------------------- ALPN

test('BoringSSL client → dtls13 server: ALPN: we pick our preferred protocol among its offer', async (t) => {
  const id = identity('p256');
  const s = await serveBoringClient(id, { alpn: ['h3', 'coap'] }, ['--alpn', 'coap,h3', ...SEND(TWO)]);
  const c = await assertBoringClientRun(t, s, id, TWO);
  t.is(s.handshakes[0]?.alpnProtocol, 'h3');
  t.is(c.alpn, 'h3');
});

test('dtls13 client → BoringSSL server: ALPN: the server picks by its preference among our offer', async (t) => {
  const o = await talkToBoringServer(identity('p256'), ['--alpn', 'coap,h3'], { alpn: ['mqtt', 'h3', 'coap'] });
  const c = assertBoringServerRun(t, o);
  t.is(o.parameters?.alpnProtocol, 'coap');
  t.is(c.alpn, 'coap');
});

test('ALPN with no protocol in common fails the handshake with no_application_protocol, both directions', async (t) => {
  const o = await talkToBoringServer(identity('p256'), ['--alpn', 'coap'], { alpn: ['h3'] });
  t.regex(o.error ?? '', /no_application_protocol/, o.serverOutput);
  t.is(events(o.serverOutput, 'connected').length, 0);
  const s = await serveBoringClient(identity('p256'), { alpn: ['coap'] }, ['--alpn', 'h3', ...SEND(TWO)]);
  t.not(s.code, 0);
  t.regex(s.output, /alert: dir=read level=fatal desc=no_application_protocol/, s.output);
  t.deepEqual(s.handshakes, []);
});

// ---------------------------------------------------------------- SNI

test('BoringSSL client → dtls13 server: SNI picks our certificate and is reported; an unknown name is refused', async (t) => {
  const id = identity('p256');
  const stranger = makeIdentity('p256', 'localhost', { at: Date.now() });
  const sni = { 'a.test': creds(id), 'b.test': creds(stranger) };
  const s = await serveBoringClient(id, { sni }, ['--sni', 'a.test', ...SEND(TWO)]);
  const c = await assertBoringClientRun(t, s, id, TWO);
  t.is(s.handshakes[0]?.servername, 'a.test');
  t.is(c.sni, 'a.test');
  const other = await serveBoringClient(id, { sni }, ['--sni', 'b.test', ...SEND(TWO)]);
  t.not(other.code, 0, 'b.test presents a certificate of another CA, which the client refuses');
  t.regex(other.output, /CERTIFICATE_VERIFY_FAILED|alert: dir=write level=fatal desc=/, other.output);
  const unknown = await serveBoringClient(id, { sni }, ['--sni', 'c.test', ...SEND(TWO)]);
  t.not(unknown.code, 0);
  t.regex(unknown.output, /alert: dir=read level=fatal desc=unrecognized_name/, unknown.output);
  t.deepEqual(unknown.handshakes, []);
});

test('dtls13 client → BoringSSL server: our server_name reaches the server; a name it does not serve is refused', async (t) => {
  const id = identity('p256');
  const o = await talkToBoringServer(id, ['--sni', 'localhost']);
  const c = assertBoringServerRun(t, o);
  t.is(c.sni, 'localhost');
  t.is(o.parameters?.servername, 'localhost');
  const other = await talkToBoringServer(id, ['--sni', 'localhost'], { serverName: 'other.test', checkServerIdentity: false });
  t.regex(other.error ?? '', /unrecognized_name/, other.serverOutput);
  t.regex(other.serverOutput, /alert: dir=write level=fatal desc=unrecognized_name/);
});

// ---------------------------------------------------------------- exporters

test('keying material exporters with a context agree on both ends, both directions, and differ from the exports without one', async (t) => {
  const id = identity('p256');
  const context = 'interop context';
  let plainOurs: string | undefined;
  const o = await talkToBoringServer(id, ['--exporter-context', context], {}, { exporterContext: context, beforeSend: (c) => (plainOurs = ourExporter(c)) });
  const c = assertBoringServerRun(t, o);
  t.regex(plainOurs ?? '', /^[0-9a-f]{64}$/);
  t.not(c.exporter, plainOurs, 'the context changes the export');
  let plainTheirs: string | undefined;
  const s = await serveBoringClient(id, {}, ['--exporter-context', context, ...SEND(TWO)], {
    exporterContext: context,
    afterHandshake: (ep) => (plainTheirs = ourExporter(ep)),
  });
  const d = await assertBoringClientRun(t, s, id, TWO);
  t.regex(plainTheirs ?? '', /^[0-9a-f]{64}$/);
  t.not(d.exporter, plainTheirs);
  t.not(c.exporter, d.exporter, 'two connections, two exports');
});

// ---------------------------------------------------------------- loss

test('BoringSSL client → dtls13 server: the first ClientHello and our first flight lost', async (t) => {
  const id = identity('p256');
  const s = await serveBoringClient(id, { cookies: false }, SEND(TWO), { fate: (_from, i) => (i === 0 ? 'drop' : 'pass') });
  await assertBoringClientRun(t, s, id, TWO);
  t.deepEqual(s.proxy?.dropped, [
    { from: 'client', index: 0 },
    { from: 'server', index: 0 },
  ]);
  t.true((s.endpoints[0]?.connection.stats.retransmissions ?? 0) >= 1);
});

test('dtls13 client → BoringSSL server: the first ClientHello and the server’s first flight lost', async (t) => {
  const o = await talkToBoringServer(identity('p256'), [], {}, { fate: (_from, i) => (i === 0 ? 'drop' : 'pass'), afterFinalFlight: true });
  assertBoringServerRun(t, o);
  t.deepEqual(o.proxy?.dropped, [
    { from: 'client', index: 0 },
    { from: 'server', index: 0 },
  ]);
  t.true(o.client.connection.stats.retransmissions >= 1);
});

for (const seed of [3, 6, 7]) {
  test(`BoringSSL client → dtls13 server behind a relay that drops, duplicates and reorders (seed ${seed})`, async (t) => {
    const id = identity('p256');
    const s = await serveBoringClient(id, {}, SEND(TWO), { fate: badWeather(seed) });
    await assertBoringClientRun(t, s, id, TWO);
    t.true((s.proxy?.counts.dropped ?? 0) + (s.proxy?.counts.duplicated ?? 0) + (s.proxy?.counts.delayed ?? 0) > 0);
  });

  test(`dtls13 client → BoringSSL server behind a relay that drops, duplicates and reorders (seed ${seed})`, async (t) => {
    const o = await talkToBoringServer(identity('p256'), [], {}, { fate: badWeather(seed), afterFinalFlight: true });
    assertBoringServerRun(t, o);
    t.true((o.proxy?.counts.dropped ?? 0) + (o.proxy?.counts.duplicated ?? 0) + (o.proxy?.counts.delayed ?? 0) > 0);
  });
}

// ---------------------------------------------------------------- versions

// dtls13 has no DTLS 1.2 handshakes yet (runtime/dtls12/README.md): a BoringSSL forced to 1.2 must be refused cleanly both ways.
// With dtls13's default range BoringSSL forced to 1.2 gets DTLS 1.2 (tests/dtls12/boringssl12*.test.ts); a dtls13 end limited to 1.3 refuses it.
test("BoringSSL forced to DTLS 1.2 (SSL_CTX_set_max_proto_version) against a dtls13 end with minVersion 'DTLSv1.3': the handshake fails with protocol_version both ways", async (t) => {
  const o = await talkToBoringServer(identity('p256'), ['--max-version', '1.2'], { minVersion: 'DTLSv1.3' });
  t.regex(o.error ?? '', /protocol_version/, o.serverOutput);
  t.regex(o.serverOutput, /alert: dir=write level=fatal desc=protocol_version/, o.serverOutput);
  const s = await serveBoringClient(identity('p256'), { minVersion: 'DTLSv1.3' }, ['--max-version', '1.2', ...SEND(TWO)]);
  t.not(s.code, 0);
  t.regex(s.output, /alert: dir=read level=fatal desc=protocol_version/, s.output);
  t.deepEqual(s.handshakes, []);
  t.deepEqual(dataOf(s.output, 'sent'), []);
  t.throws(() => connectedOf(s.output));
});

// ---------------------------------------------------------------- certificates

for (const kind of ['p384', 'rsa2048', 'ed25519'] as const) {
  test(`dtls13 client → BoringSSL server: ${kind} server certificate`, async (t) => {
    const id = identity(kind);
    const o = await talkToBoringServer(id, []);
    const c = assertBoringServerRun(t, o);
    t.deepEqual(o.parameters?.peerCertificate, id.chain[0]);
    t.is(c.peer_cert, '-', 'no client certificate was asked for');
  });

  // BoringSSL's default signature_algorithms leave Ed25519 out: its client accepts an Ed25519 certificate only when told.
  test(`BoringSSL client → dtls13 server: ${kind} server certificate`, async (t) => {
    const id = identity(kind);
    const s = await serveBoringClient(id, {}, ['--verify-host', 'localhost', ...(kind === 'ed25519' ? ['--verify-ed25519'] : []), ...SEND(TWO)]);
    await assertBoringClientRun(t, s, id, TWO);
  });
}

test('BoringSSL client → dtls13 server: an Ed25519 certificate for a client that does not offer ed25519 fails with handshake_failure', async (t) => {
  const s = await serveBoringClient(identity('ed25519'), {}, SEND(TWO));
  t.not(s.code, 0);
  t.regex(s.output, /alert: dir=read level=fatal desc=handshake_failure/, s.output);
  t.deepEqual(s.handshakes, []);
});
