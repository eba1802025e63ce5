import test from 'ava';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { keyBlock } from '../../runtime/dtls12/key-derivation.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { dtls12Suite } from '../../runtime/versions/suites12.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * The steps both 1.2 charts share (runtime/dtls12/session-steps.ts), on real 1.2 connections in memory: the fatal
 * alert a chart refusal sends (a second HelloVerifyRequest), the peer's fatal alert recorded as not sent by us, close
 * locally and by close_notify, renegotiation refused with a warning while the session goes on, and the peer's
 * Finished again once connected answered with our last flight (the one it lost).
 */

const NOW = Date.UTC(2026, 10, 27);
const id = makeIdentity('p256', 'steps12.test', { at: NOW });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const clientOptions = { trustAnchors: [id.caDer], serverName: 'steps12.test', wallClock: () => NOW };

function pair(server: Parameters<typeof DtlsConnection.server>[0] = { certificate }): Pair12 {
  return pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', sessionTickets12: false, wallClock: () => NOW, ...server }),
  );
}

function connected(): Pair12 {
  const p = pair();
  p.client.connect(0);
  pump(p);
  if (p.client.state !== 'connected' || p.server.state !== 'connected') throw new Error('no handshake');
  return p;
}

const alerts = (events: readonly ConnectionEvent[]) =>
  events.flatMap((e) => (e.type === 'alert' ? [{ level: e.level, description: e.description, sent: e.sent }] : []));
const closed = (events: readonly ConnectionEvent[]) => events.flatMap((e) => (e.type === 'closed' ? [e.reason] : []));
const data = (events: readonly ConnectionEvent[]) => events.flatMap((e) => (e.type === 'data' ? [[...e.data]] : []));

/** A plaintext HelloVerifyRequest with `messageSeq` in a record with `recordSeq` (epoch 0), cookie of 16 bytes. */
function helloVerifyRequest(messageSeq: number, recordSeq: number): Uint8Array {
  const cookie = new Uint8Array(16).fill(0xc5);
  const body = Uint8Array.of(0xfe, 0xfd, cookie.length, ...cookie);
  const hs = Uint8Array.of(3, 0, 0, body.length, 0, messageSeq, 0, 0, 0, 0, 0, body.length, ...body);
  return Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, recordSeq, 0, hs.length, ...hs);
}

test('a second HelloVerifyRequest: the chart’s unexpected_message, sent, naming the message', (t) => {
  const p = pair();
  p.client.connect(0);
  p.client.pollTransmit(); // the first ClientHello, to a server that never answers
  p.client.receive(helloVerifyRequest(0, 0), 0);
  t.is(p.client.state, 'waitServerHello', 'the first one is taken: the ClientHello again, with its cookie');
  p.client.receive(helloVerifyRequest(1, 1), 0);
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'unexpected_message');
  t.regex(p.client.failure?.message ?? '', /hello_verify_request is refused here/);
  const events: ConnectionEvent[] = [];
  for (let e = p.client.pollEvent(); e !== undefined; e = p.client.pollEvent()) events.push(e);
  t.deepEqual(alerts(events), [{ level: 'fatal', description: 'unexpected_message', sent: true }]);
});

test('the peer’s fatal alert: the connection fails with its description, recorded as received, not sent', (t) => {
  const p = pair({ certificate, clientAuthentication: 'required', trustAnchors: [id.caDer] });
  p.client.connect(0);
  pump(p);
  t.is(p.server.failure?.alert, 'handshake_failure');
  t.is(p.client.state, 'failed');
  t.deepEqual(p.client.failure, {
    alert: 'handshake_failure',
    message: 'the peer sent a fatal handshake_failure alert',
  });
  t.deepEqual(alerts(p.events.client), [{ level: 'fatal', description: 'handshake_failure', sent: false }]);
  t.deepEqual(alerts(p.events.server), [{ level: 'fatal', description: 'handshake_failure', sent: true }]);
});

test('close: closed locally on our side, by close_notify on the peer’s', (t) => {
  const p = connected();
  p.client.close();
  pump(p);
  t.is(p.client.state, 'closed');
  t.is(p.server.state, 'closed');
  t.deepEqual(closed(p.events.client), ['local']);
  t.deepEqual(closed(p.events.server), ['close_notify']);
});

test('close before the handshake completes: closed locally', (t) => {
  const p = pair();
  p.client.connect(0);
  p.server.receive(p.client.pollTransmit()!, 0);
  p.client.close();
  pump(p);
  t.is(p.client.state, 'closed');
  t.deepEqual(closed(p.events.client), ['local']);
  t.is(p.client.pollTransmit(), undefined, 'nothing more goes out');
});

test('renegotiation (a HelloRequest sealed under the session’s keys): a warning no_renegotiation, the session goes on', (t) => {
  const p = connected();
  const r = state12Of(p.client).negotiated!;
  const suite = dtls12Suite(r.cipherSuite)!;
  const kb = keyBlock(state12Of(p.client).config.base.provider, suite, r.masterSecret, r.clientRandom, r.serverRandom);
  const fromServer = new EpochCipher12(state12Of(p.client).config.base.provider, suite, kb.server, 1);
  // HelloRequest (type 0, empty) with the server's next message_seq, record sequence number ahead of the real ones.
  p.client.receive(fromServer.seal(22, 40, Uint8Array.of(0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0)), p.now);
  pump(p);
  t.deepEqual(alerts(p.events.client), [{ level: 'warning', description: 'no_renegotiation_reserved', sent: true }]);
  t.deepEqual(alerts(p.events.server), [{ level: 'warning', description: 'no_renegotiation_reserved', sent: false }]);
  t.is(p.client.state, 'connected');
  t.is(p.server.state, 'connected');
  p.client.send(Uint8Array.of(7, 7));
  p.server.send(Uint8Array.of(8));
  pump(p);
  t.deepEqual(data(p.events.server), [[7, 7]]);
  t.deepEqual(data(p.events.client), [[8]]);
});

test('the server’s last flight lost: the client’s Finished again makes the connected server send it again', (t) => {
  const p = pair();
  let lastFlights = 0;
  p.client.connect(0);
  pump(p, (from, d) => {
    // The server's ChangeCipherSpec (content type 20) starts its last flight: lose the first datagram with one.
    for (let off = 0; off + 13 <= d.length; off += 13 + ((d[off + 11]! << 8) | d[off + 12]!))
      if (from === 'server' && d[off] === 20) return ++lastFlights === 1 ? undefined : d;
    return d;
  });
  t.is(lastFlights, 2, 'the server sent its last flight again, once');
  t.is(p.server.state, 'connected');
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
});
