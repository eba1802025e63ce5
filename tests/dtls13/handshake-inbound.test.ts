import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { injectRecord } from '../support/inject.js';
import { connected, linked } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * A 1.3 connection's handshake records in (runtime/dtls13/handshake-inbound.ts), on real connections in memory,
 * records handed in as the record layer admits them: what comes in the clear from anyone is set aside and counted
 * (malformed, a type not allowed in epoch 0, ahead of the next expected message, disagreeing fragments); the same
 * under keys, from a peer that holds them, is fatal with its alert; a post-handshake message before the handshake
 * ended is refused from reassembly; a handshake message under handshake keys once connected is unexpected_message.
 */

const id = makeIdentity('p256', 'server.test');

/** A server that answered the ClientHello and waits for the client's Finished (epoch 2 and 3 read keys installed). */
function waiting(): DtlsConnection {
  const link = linked(id);
  link.client.connect(0);
  for (let d = link.client.pollTransmit(); d; d = link.client.pollTransmit()) link.server.receive(d, 0);
  if (link.server.state !== 'waitClientFinished') throw new Error(`at ${link.server.state}`);
  return link.server;
}

/** One handshake fragment: its 12-byte header and bytes. */
function fragment(msgType: number, messageSeq: number, length: number, offset: number, bytes: Uint8Array): Uint8Array {
  const be3 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Uint8Array.of(
    msgType,
    ...be3(length),
    messageSeq >> 8,
    messageSeq & 0xff,
    ...be3(offset),
    ...be3(bytes.length),
    ...bytes,
  );
}

const whole = (msgType: number, messageSeq: number, body: Uint8Array): Uint8Array =>
  fragment(msgType, messageSeq, body.length, 0, body);

let seq = 7000;
function inject(c: DtlsConnection, content: Uint8Array, epoch: number): void {
  injectRecord(c, {
    kind: 'record',
    epoch,
    sequenceNumber: seq++,
    contentType: 'handshake',
    content,
    protected: epoch > 0,
  });
}

const ignored = (c: DtlsConnection, reason: 'unauthenticated-violation' | 'reassembly-refused'): number =>
  c.stats.ignored[reason];

const CLIENT_HELLO = 1;
const SERVER_HELLO = 2;
const FINISHED = 20;
const KEY_UPDATE = 24;

test('in the clear, from anyone: malformed, not allowed in epoch 0, not for a server, ahead of what is expected, each set aside', (t) => {
  const server = waiting();
  let n = ignored(server, 'unauthenticated-violation');
  for (const content of [
    Uint8Array.of(CLIENT_HELLO, 0, 0), // cut short
    whole(FINISHED, 2, new Uint8Array(32)), // Finished only under handshake keys
    whole(SERVER_HELLO, 1, new Uint8Array(40)), // a server receives no ServerHello
    whole(CLIENT_HELLO, 9, new Uint8Array(40)), // far ahead of the next expected message_seq
  ]) {
    inject(server, content, 0);
    t.is(ignored(server, 'unauthenticated-violation'), ++n);
    t.is(server.state, 'waitClientFinished');
  }
});

test('under handshake keys: malformed is decode_error, a type not allowed there unexpected_message', (t) => {
  const malformed = waiting();
  inject(malformed, Uint8Array.of(FINISHED, 0, 0), 2);
  t.is(malformed.failure?.alert, 'decode_error');
  const wrongEpoch = waiting();
  inject(wrongEpoch, whole(CLIENT_HELLO, 2, new Uint8Array(40)), 2);
  t.is(wrongEpoch.failure?.alert, 'unexpected_message');
  t.regex(wrongEpoch.failure?.message ?? '', /client_hello is not allowed in epoch 2 for a client/);
});

test('fragments that disagree: set aside in the clear, illegal_parameter under keys', (t) => {
  const clear = linked(id, { server: { minVersion: 'DTLSv1.3' } }); // a 1.3 state from the start, to inject into
  clear.client.connect(0);
  const before = ignored(clear.server, 'unauthenticated-violation');
  // The first ClientHello's message_seq (0): a first fragment saying 100 bytes, then one saying 120.
  inject(clear.server, fragment(CLIENT_HELLO, 0, 100, 0, new Uint8Array(10)), 0);
  inject(clear.server, fragment(CLIENT_HELLO, 0, 120, 10, new Uint8Array(10)), 0);
  t.is(ignored(clear.server, 'unauthenticated-violation'), before + 1);
  const keyed = waiting();
  inject(keyed, fragment(FINISHED, 1, 32, 0, new Uint8Array(10)), 2);
  inject(keyed, fragment(FINISHED, 1, 48, 10, new Uint8Array(10)), 2);
  t.is(keyed.failure?.alert, 'illegal_parameter');
  t.regex(keyed.failure?.message ?? '', /handshake fragments disagree/);
});

test('a KeyUpdate under application keys before the handshake ended: refused from reassembly, the handshake goes on', (t) => {
  const server = waiting();
  const before = ignored(server, 'reassembly-refused');
  inject(server, whole(KEY_UPDATE, 2, Uint8Array.of(0)), 3);
  t.is(ignored(server, 'reassembly-refused'), before + 1);
  t.is(server.state, 'waitClientFinished');
});

test('once connected: a handshake message under handshake keys is unexpected_message', (t) => {
  const link = connected(id);
  inject(link.server, whole(FINISHED, 2, new Uint8Array(32)), 2); // the next message_seq after its Finished (1)
  t.is(link.server.failure?.alert, 'unexpected_message');
  t.regex(link.server.failure?.message ?? '', /finished under epoch 2 keys after the handshake/);
});
