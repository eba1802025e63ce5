import test from 'ava';
import type { ContentType } from '../../generated/wire/enums.js';
import { encodeAck } from '../../generated/wire/index.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { injectRecord } from '../support/inject.js';
import { connected, linked } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * The handlers of a 1.3 connection's non-handshake records (runtime/dtls13/content-records.ts), on real
 * connections in memory, with records handed in as the record layer would after it admitted them (protected ones as
 * an authenticated but hostile peer sends them): alerts (user_canceled goes on, close_notify closes, any other ends
 * the connection whatever its level, a malformed one is fatal when protected and ignored in the clear), ACKs naming an
 * epoch above their own during the handshake, and return routability messages without rrc or of an unknown type.
 */

const id = makeIdentity('p256', 'server.test');

let seq = 5000;
function inject(c: DtlsConnection, contentType: ContentType, content: Uint8Array, epoch = 3): void {
  injectRecord(c, { kind: 'record', epoch, sequenceNumber: seq++, contentType, content, protected: epoch > 0 });
}

const ALERT = { warning: 1, fatal: 2 } as const;
const USER_CANCELED = 90;
const CLOSE_NOTIFY = 0;
const UNEXPECTED_MESSAGE = 10;

test('user_canceled: reported, received, and the session goes on', (t) => {
  const link = connected(id);
  inject(link.server, 'alert', Uint8Array.of(ALERT.warning, USER_CANCELED));
  t.is(link.server.state, 'connected');
  t.like(link.server.pollEvent() ?? link.events.server.at(-1), {
    type: 'alert',
    level: 'warning',
    description: 'user_canceled',
    sent: false,
  });
});

test('close_notify closes; any other alert ends the connection, even at warning level', (t) => {
  const closing = connected(id);
  inject(closing.server, 'alert', Uint8Array.of(ALERT.warning, CLOSE_NOTIFY));
  closing.run();
  t.is(closing.server.state, 'closed');
  t.true(closing.events.server.some((e) => e.type === 'closed' && e.reason === 'close_notify'));
  const warned = connected(id);
  inject(warned.server, 'alert', Uint8Array.of(ALERT.warning, UNEXPECTED_MESSAGE));
  t.is(warned.server.state, 'failed');
  t.is(warned.server.failure?.alert, 'unexpected_message');
});

test('a malformed alert: fatal under the session’s keys, ignored in the clear', (t) => {
  const link = connected(id);
  inject(link.server, 'alert', Uint8Array.of(ALERT.fatal));
  t.is(link.server.state, 'failed');
  t.is(link.server.failure?.alert, 'decode_error');
  // In the clear: during the handshake (the server waiting for the client's Finished), as anyone could send it.
  const during = linked(id);
  during.client.connect(0);
  for (let d = during.client.pollTransmit(); d; d = during.client.pollTransmit()) during.server.receive(d, 0);
  t.is(during.server.state, 'waitClientFinished');
  const before = during.server.stats.ignored['unauthenticated-violation'];
  inject(during.server, 'alert', Uint8Array.of(ALERT.fatal), 0);
  t.is(during.server.stats.ignored['unauthenticated-violation'], before + 1);
  t.not(during.server.state, 'failed');
});

test('an ACK during the handshake naming records of an epoch above its own: ignored as ack-epoch', (t) => {
  const link = linked(id);
  link.client.connect(0);
  for (let d = link.client.pollTransmit(); d; d = link.client.pollTransmit()) link.server.receive(d, 0);
  t.is(link.server.state, 'waitClientFinished', 'the server has epoch 2 keys, the handshake goes on');
  const before = link.server.stats.ignored['ack-epoch'];
  inject(link.server, 'ack', encodeAck({ recordNumbers: [{ epoch: 3n, sequenceNumber: 0n }] }), 2);
  t.is(link.server.stats.ignored['ack-epoch'], before + 1);
  inject(link.server, 'ack', encodeAck({ recordNumbers: [{ epoch: 2n, sequenceNumber: 0n }] }), 2);
  t.is(link.server.stats.ignored['ack-epoch'], before + 1, 'one naming its own epoch is taken');
  t.is(link.server.state, 'waitClientFinished');
});

test('return routability: unexpected_message without rrc; with it, an unknown message type is ignored', (t) => {
  const without = connected(id, { server: { cid: 4, rrc: false }, client: { cid: 4, rrc: false } });
  inject(without.server, 'return_routability_check', Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8));
  t.is(without.server.failure?.alert, 'unexpected_message');
  t.regex(without.server.failure?.message ?? '', /without the rrc extension/);
  const rrc = connected(id, { server: { cid: 4, rrc: true }, client: { cid: 4, rrc: true } });
  inject(rrc.server, 'return_routability_check', Uint8Array.of(9, 1, 2, 3, 4, 5, 6, 7, 8));
  t.is(rrc.server.state, 'connected');
  inject(rrc.server, 'return_routability_check', Uint8Array.of(0, 1, 2));
  t.is(rrc.server.failure?.alert, 'decode_error', 'a known type cut short is malformed');
});
