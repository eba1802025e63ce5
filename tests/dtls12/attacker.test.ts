import test from 'ava';
import { encodeClientHello } from '../../generated/wire/client-hello.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { resolveConfig12 } from '../../runtime/dtls12/config.js';
import { clientHello12 } from '../../runtime/dtls12/hello.js';
import { keyBlock } from '../../runtime/dtls12/key-derivation.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { dtls12Suite } from '../../runtime/versions/suites12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * The 1.2 path under a hostile network: a flood of ClientHellos before
 * the cookie keeps nothing; spoofed, forged, replayed and truncated
 * records are dropped and counted, never thrown, and the session goes on;
 * renegotiation is refused with a warning no_renegotiation and the
 * session goes on.
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const certificate = { chain: id.chain, privateKey: id.privateKey };

function connected(): Pair12 {
  // No ticket: the renegotiation test below counts the server's message_seq (a NewSessionTicket would take one).
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, sessionTickets12: false }),
  );
  p.client.connect(0);
  pump(p);
  if (p.client.state !== 'connected' || p.server.state !== 'connected') throw new Error('no handshake');
  return p;
}

const received = (p: Pair12, side: 'client' | 'server'): string[] =>
  p.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));

function plainHandshakeRecord(body: Uint8Array, msgType: number, seq: number): Uint8Array {
  const hs = new Uint8Array(12 + body.length);
  hs.set([
    msgType,
    body.length >> 16,
    (body.length >> 8) & 0xff,
    body.length & 0xff,
    0,
    0,
    0,
    0,
    0,
    body.length >> 16,
    (body.length >> 8) & 0xff,
    body.length & 0xff,
  ]);
  hs.set(body, 12);
  const rec = new Uint8Array(13 + hs.length);
  rec.set([
    22,
    0xfe,
    0xfd,
    0,
    0,
    0,
    0,
    (seq >>> 24) & 0xff,
    (seq >>> 16) & 0xff,
    (seq >>> 8) & 0xff,
    seq & 0xff,
    hs.length >> 8,
    hs.length & 0xff,
  ]);
  rec.set(hs, 13);
  return rec;
}

test('a flood of 2,000 ClientHellos without cookies: each gets a HelloVerifyRequest, nothing is kept, the real client then connects', (t) => {
  const server = DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, peer: '198.51.100.7:4444' });
  const config = resolveConfig12('client', {});
  let replies = 0;
  for (let i = 0; i < 2000; i++) {
    const hello = clientHello12(config, config.base.provider.randomBytes(32), new Uint8Array(0), new Uint8Array(0));
    server.receive(plainHandshakeRecord(encodeClientHello(hello), 1, i), 0);
    while (server.pollTransmit() !== undefined) replies++;
  }
  t.is(replies, 2000, 'one HelloVerifyRequest each, no bigger than the hello (RFC 6347 §4.2.1)');
  t.is(server.state, 'waitClientHello');
  t.is(server.pollTimeout(), undefined, 'no timer: nothing to retransmit, nothing kept');
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test' }),
    server,
  );
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'connected');
});

test('a cookie made for another address does not open the handshake; the same hello from the right address does', (t) => {
  const secret = new Uint8Array(32).fill(9);
  const here = DtlsConnection.server({
    maxVersion: 'DTLSv1.2',
    certificate,
    cookieSecret: secret,
    peer: '192.0.2.1:1',
  });
  const elsewhere = DtlsConnection.server({
    maxVersion: 'DTLSv1.2',
    certificate,
    cookieSecret: secret,
    peer: '192.0.2.99:1',
  });
  const client = DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test' });
  client.connect(0);
  here.receive(client.pollTransmit()!, 0);
  client.receive(here.pollTransmit()!, 0); // the HelloVerifyRequest
  const withCookie = client.pollTransmit()!;
  elsewhere.receive(withCookie, 0);
  t.is(elsewhere.state, 'waitClientHello', 'a cookie for another address is no cookie');
  t.truthy(elsewhere.pollTransmit(), 'answered with a HelloVerifyRequest again');
  here.receive(withCookie, 0);
  t.is(here.state, 'waitClientKeyExchange');
});

test('forged, replayed, truncated and spoofed records are dropped and counted; the session goes on', (t) => {
  const p = connected();
  p.client.send(new TextEncoder().encode('one'));
  const genuine = p.client.pollTransmit()!;
  p.server.receive(genuine, p.now);
  p.server.receive(genuine, p.now); // replayed
  const forged = genuine.slice();
  forged[forged.length - 1]! ^= 1;
  forged[10] = (forged[10]! + 7) & 0xff; // a fresh sequence number, a broken tag
  p.server.receive(forged, p.now);
  for (let n = 0; n < genuine.length; n++) p.server.receive(genuine.subarray(0, n), p.now); // every truncation
  // A spoofed plaintext fatal alert (epoch 0) after the handshake: an off-path sender cannot end the session.
  p.server.receive(Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 99, 0, 2, 2, 40), p.now);
  // A plaintext application data record: never accepted.
  p.server.receive(Uint8Array.of(23, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 100, 0, 3, 1, 2, 3), p.now);
  pump(p);
  t.deepEqual(received(p, 'server'), ['one'], 'delivered once');
  t.true(state12Of(p.server).drops.replay >= 1);
  t.true(state12Of(p.server).drops.authentication >= 1);
  t.true(state12Of(p.server).drops.malformed >= 1);
  t.is(p.server.state, 'connected');
  p.client.send(new TextEncoder().encode('two'));
  pump(p);
  t.deepEqual(received(p, 'server'), ['one', 'two']);
});

test('renegotiation refused both ways with a warning no_renegotiation; the session goes on', (t) => {
  const p = connected();
  const r = state12Of(p.client).negotiated!;
  const suite = dtls12Suite(r.cipherSuite)!;
  const kb = keyBlock(state12Of(p.client).config.base.provider, suite, r.masterSecret, r.clientRandom, r.serverRandom);
  const fromServer = new EpochCipher12(state12Of(p.client).config.base.provider, suite, kb.server, 1);
  const fromClient = new EpochCipher12(state12Of(p.client).config.base.provider, suite, kb.client, 1);
  // Sequence number 50: ahead of the real records, within the 64-record window of what they send next.
  // HelloRequest (type 0) with the server's next message_seq (ServerHello took the second ClientHello's 1; Finished was 5), sealed as the server would.
  const helloRequest = Uint8Array.of(0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0);
  p.client.receive(fromServer.seal(22, 50, helloRequest), p.now);
  // A new ClientHello from the client under epoch 1, with its next message_seq (ClientHellos 0 and 1, ClientKeyExchange 2, Finished 3).
  const config = resolveConfig12('client', {});
  const body = encodeClientHello(
    clientHello12(config, config.base.provider.randomBytes(32), new Uint8Array(0), new Uint8Array(0)),
  );
  const msg = new Uint8Array(12 + body.length);
  msg.set([
    1,
    body.length >> 16,
    (body.length >> 8) & 0xff,
    body.length & 0xff,
    0,
    4,
    0,
    0,
    0,
    body.length >> 16,
    (body.length >> 8) & 0xff,
    body.length & 0xff,
  ]);
  msg.set(body, 12);
  p.server.receive(fromClient.seal(22, 50, msg), p.now);
  pump(p);
  for (const side of ['client', 'server'] as const) {
    t.true(
      p.events[side].some(
        (e) => e.type === 'alert' && e.sent && e.level === 'warning' && e.description === 'no_renegotiation_reserved',
      ),
      `${side} refused`,
    );
  }
  t.is(p.client.state, 'connected');
  t.is(p.server.state, 'connected');
  p.server.send(new TextEncoder().encode('still here'));
  pump(p);
  t.deepEqual(received(p, 'client'), ['still here']);
});

test('a handshake message the state does not take ends the handshake with unexpected_message', (t) => {
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, helloVerify: false }),
  );
  p.client.connect(0);
  // ServerHelloDone where a ServerHello is expected.
  p.client.receive(plainHandshakeRecord(new Uint8Array(0), 14, 0), 0);
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'unexpected_message');
});
