/**
 * A 1.2-only listener (`maxVersion: 'DTLSv1.2'`) and a ClientHello in fragments, as Chromium sends its 1,413-byte
 * one (an X25519MLKEM768 share offered for 1.3): reassembled under the same caps as the 1.3 cookie exchange, then
 * answered with a HelloVerifyRequest; the second ClientHello, fragmented too, is checked for its cookie the same way.
 * Over real UDP, then in-process against the listener's responder for the attacker's fragments: truncated,
 * overlapping, contradicting, oversized, flooded.
 */
import test from 'ava';
import { decodeDtlsHandshake, encodeDtlsHandshake, encodeDtlsPlaintext } from '../../generated/wire/index.js';
import { connect, listen } from '../../runtime/index.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { HelloResponder, type HelloOutcome } from '../../runtime/connection/hello-responder.js';
import { serverConfigs } from '../../runtime/connection/version-configs.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pemIdentity } from '../api/fixtures.js';

test('over UDP: a 1.2-only listener answers a client whose ClientHellos (first and second) come in fragments, and they talk', async (t) => {
  const id = pemIdentity('localhost');
  const errors: string[] = [];
  const listener = listen(
    (s) => {
      s.onmessage = (m) => s.send(m);
      s.onerror = (e) => errors.push(e.message);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', maxVersion: 'DTLSv1.2' },
  );
  t.teardown(() => listener.close());
  const { port } = await listener.listening;
  const sent: number[] = [];
  // Offers 1.3 and 1.2, 1,400-odd bytes as Chromium's with its hybrid share: two datagrams at the default MTU. Our
  // own hybrid-first ClientHello fits one datagram (no share when both would not), so long ALPN names make it big.
  const alpn = ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(200));
  const session = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    groups: ['x25519mlkem768', 'x25519', 'secp256r1'],
    alpn,
    handshakeTimeout: 8_000,
    onDatagram: (direction, d) => direction === 'sent' && sent.push(d.length),
  });
  t.is(
    (await session.opened.catch((e: Error) => Promise.reject(new Error(`${e.message}; server: ${errors.join('; ')}`))))
      .protocol,
    'DTLSv1.2',
  );
  const echoed = new Promise<Buffer>((resolve) => (session.onmessage = resolve));
  session.send('after a fragmented ClientHello');
  t.is((await echoed).toString(), 'after a fragmented ClientHello');
  t.is(listener.stats.pendingClientHellos, 0);
  t.true(
    (sent[0] ?? 0) + (sent[1] ?? 0) > 1200 && Math.max(sent[0] ?? 0, sent[1] ?? 0) <= 1200,
    `the first ClientHello in two datagrams: ${sent.join(' ')}`,
  );
  await session.close();
});

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const only12: DtlsOptions = { certificate: id, wallClock, maxVersion: 'DTLSv1.2', helloVerify: true };

/** The responder a 1.2-only listener with cookies has, with these reassembly caps. */
function responder(caps: { maxPendingClientHellos?: number; maxClientHelloLength?: number } = {}): HelloResponder {
  return new HelloResponder(serverConfigs(only12), undefined, caps);
}

/** A client's first ClientHello, cut into handshake fragments of `size` bytes, one record (and datagram) each. */
function helloPieces(size: number): { client: DtlsConnection; pieces: Uint8Array[]; length: number } {
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'localhost', wallClock });
  client.connect(0);
  const first = client.pollTransmit()!;
  return { client, ...cut(first, size) };
}

function cut(datagram: Uint8Array, size: number, firstSeq = 0): { pieces: Uint8Array[]; length: number } {
  const [rec] = decodeDatagram(datagram);
  if (rec?.kind !== 'plaintext') throw new Error('expected a plaintext record');
  const whole = decodeDtlsHandshake(rec.record.fragment);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < whole.length; at += size) {
    const fragment = encodeDtlsHandshake({
      ...whole,
      fragmentOffset: at,
      fragment: whole.fragment.subarray(at, Math.min(whole.length, at + size)),
    });
    pieces.push(encodeDtlsPlaintext({ ...rec.record, sequenceNumber: firstSeq + pieces.length, fragment }));
  }
  return { pieces, length: whole.length };
}

/** One handshake fragment of a ClientHello claiming `length` bytes in all, at `offset`. */
function forged(length: number, offset: number, bytes: Uint8Array, messageSeq = 0): Uint8Array {
  const fragment = encodeDtlsHandshake({
    msgType: 'client_hello',
    length,
    messageSeq,
    fragmentOffset: offset,
    fragment: bytes,
  });
  return encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion: 'dtls1_0',
    epoch: 0,
    sequenceNumber: 0,
    fragment,
  });
}

const kinds = (outcomes: readonly HelloOutcome[]): string[] =>
  outcomes.map((o) => (o.kind === 'reply' ? o.what : o.kind));

test('fragments in any order are held until whole, then answered with a HelloVerifyRequest; the second ClientHello in fragments is accepted by its cookie', (t) => {
  const r = responder();
  const { client, pieces } = helloPieces(60);
  const outcomes = [...pieces].reverse().map((d) => r.handle(d, 'peer', 0));
  t.deepEqual(kinds(outcomes), [...pieces.slice(1).map(() => 'buffered'), 'hello-verify-request']);
  t.is(r.pendingClientHellos?.count, 0);
  client.receive((outcomes.at(-1) as { datagram: Uint8Array }).datagram, 1);
  const second = cut(client.pollTransmit()!, 70, 5).pieces;
  const accepted = second.map((d) => r.handle(d, 'peer', 1));
  t.deepEqual(kinds(accepted), [...second.slice(1).map(() => 'buffered'), 'accept']);
  const last = accepted.at(-1)!;
  if (last.kind !== 'accept') return void t.fail();
  // The connection gets the ClientHello whole, in one record: the 1.2 handshake then completes.
  const server = DtlsConnection.server({ ...only12, ...last.start });
  server.receive(last.datagram, 1);
  for (let round = 0; round < 6; round++) {
    for (let d = server.pollTransmit(); d; d = server.pollTransmit()) client.receive(d, 2);
    for (let d = client.pollTransmit(); d; d = client.pollTransmit()) server.receive(d, 2);
  }
  t.is(client.state, 'connected', client.failure?.message);
  t.is(server.versions[0], 'DTLSv1.2');
  // The same second ClientHello from another address does not pass: the cookie is bound to the first one's.
  const elsewhere = second.map((d) => r.handle(d, 'other', 1));
  t.is(kinds(elsewhere).at(-1), 'hello-verify-request');
});

test('a truncated ClientHello (its last fragment never sent) is answered never, and is forgotten after pendingClientHelloMs', (t) => {
  const r = responder();
  const { pieces } = helloPieces(50);
  const outcomes = pieces.slice(0, -1).map((d) => r.handle(d, 'peer', 0));
  t.true(outcomes.every((o) => o.kind === 'buffered'));
  t.is(r.pendingClientHellos?.count, 1);
  // Another peer's fragment 11 s later (the default lifetime is 10 s) finds the stale one gone.
  t.is(r.handle(pieces[0]!, 'later', 11_000).kind, 'buffered');
  t.is(r.pendingClientHellos?.count, 1);
});

test('overlapping fragments that agree complete the ClientHello; one that contradicts earlier bytes drops it', (t) => {
  const r = responder();
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'localhost', wallClock });
  client.connect(0);
  const whole = client.pollTransmit()!;
  // The same ClientHello cut two ways, 30 and 45 bytes, overlapping and interleaved (as a retransmission at another MTU).
  const bySmall = cut(whole, 30).pieces;
  const byLarge = cut(whole, 45).pieces;
  const mixed = bySmall.slice(0, 3).concat(byLarge.slice(1));
  t.is(kinds(mixed.map((d) => r.handle(d, 'a', 0))).at(-1), 'hello-verify-request');
  // A fragment rewriting bytes already held: the partial ClientHello is dropped, nothing is answered.
  const contradiction = bySmall[1]!.slice();
  contradiction[contradiction.length - 1]! ^= 0xff;
  t.is(r.handle(bySmall[0]!, 'b', 0).kind, 'buffered');
  t.is(r.handle(bySmall[1]!, 'b', 0).kind, 'buffered');
  t.is(r.handle(contradiction, 'b', 0).kind, 'drop');
  t.is(r.pendingClientHellos?.count, 0);
});

test('a fragment of a ClientHello longer than maxClientHelloLength is dropped and nothing is held', (t) => {
  const r = responder({ maxClientHelloLength: 2048 });
  t.is(r.handle(forged(2049, 0, new Uint8Array(100)), 'peer', 0).kind, 'drop');
  t.is(r.handle(forged(16_000, 0, new Uint8Array(100)), 'peer', 0).kind, 'drop');
  t.is(r.pendingClientHellos?.count, 0);
  t.is(r.pendingClientHellos?.bytes, 0);
});

test('a flood of first fragments from many addresses holds at most maxPendingClientHellos, and a real client still gets through', (t) => {
  const cap = 8;
  const length = 4000;
  const r = responder({ maxPendingClientHellos: cap, maxClientHelloLength: length });
  for (let i = 0; i < 500; i++)
    t.is(r.handle(forged(length, 0, new Uint8Array(64).fill(i & 0xff)), `spoofed|${i}`, 0).kind, 'buffered');
  const held = r.pendingClientHellos!;
  t.is(held.count, cap);
  t.true(held.bytes <= cap * (length + Math.ceil(length / 8)), `${held.bytes} bytes`);
  t.is(held.evicted, 500 - cap);
  const { pieces } = helloPieces(100);
  t.is(kinds(pieces.map((d) => r.handle(d, 'real', 0))).at(-1), 'hello-verify-request');
});
