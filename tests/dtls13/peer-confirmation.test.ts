/**
 * The client's confirmation that the server took what it may still refuse
 * (runtime/dtls13/peer-confirmation.ts): the handshake after a
 * CertificateRequest, and the answer to a post-handshake one. In memory,
 * each datagram handed over (or held back) by the test.
 */
import test from 'ava';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { MAX_HELD_MESSAGES, MAX_HELD_SEND_BYTES } from '../../runtime/dtls13/peer-confirmation.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair, type Pair } from '../support/stepper.js';

const serverId = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('ed25519', 'client.test');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function drain(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

function events(c: DtlsConnection): ConnectionEvent['type'][] {
  const out: ConnectionEvent['type'][] = [];
  for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) out.push(e.type);
  return out;
}

function dataAt(c: DtlsConnection): string[] {
  const out: string[] = [];
  for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent())
    if (e.type === 'data') out.push(new TextDecoder().decode(e.data));
  return out;
}

/** Runs the handshake until the client's final flight has reached the server; returns what the server answered with (not delivered). */
function untilServerAnswers(pair: Pair, now = 0): Uint8Array[] {
  pair.client.connect(now);
  for (const d of drain(pair.client)) pair.server.receive(d, now);
  for (const d of drain(pair.server)) pair.client.receive(d, now);
  for (const d of drain(pair.client)) pair.server.receive(d, now); // the final flight
  return drain(pair.server);
}

test('after a CertificateRequest the handshake is confirmed by the server’s ACK, not by its application data; data sent meanwhile is held, then sent', (t) => {
  const pair = makePair(serverId, { clientId, server: { clientAuthentication: 'required' } });
  const answer = untilServerAnswers(pair);
  t.is(pair.server.state, 'connected');
  t.deepEqual(events(pair.client), ['handshakeComplete']);
  // The server's data reaches the client before its ACK: it may be 0.5-RTT data, so it confirms nothing.
  pair.server.send(text('from the server'));
  for (const d of drain(pair.server)) pair.client.receive(d, 1);
  t.deepEqual(events(pair.client), ['data']);
  pair.client.send(text('held'), 1);
  t.is(pair.client.stats.applicationBytesSent, 0, 'nothing sealed before the confirmation');
  for (const d of drain(pair.client)) pair.server.receive(d, 1);
  t.deepEqual(dataAt(pair.server), []);
  // The ACK (with the ticket): confirmed, and the held message goes out.
  for (const d of answer) pair.client.receive(d, 2);
  t.deepEqual(events(pair.client), ['handshakeConfirmed', 'sessionTicket']);
  for (const d of drain(pair.client)) pair.server.receive(d, 2);
  t.deepEqual(dataAt(pair.server), ['held']);
  t.is(pair.client.stats.applicationBytesSent, 4);
});

test('a client without a certificate refused by the server: never confirmed, and what it sent meanwhile never leaves', (t) => {
  const pair = makePair(serverId, { server: { trustAnchors: [clientId.caDer], clientAuthentication: 'required' } });
  const answer = untilServerAnswers(pair);
  t.is(pair.server.failure?.alert, 'certificate_required');
  t.deepEqual(events(pair.client), ['handshakeComplete']);
  pair.client.send(text('never sent'), 1);
  for (const d of answer) pair.client.receive(d, 2);
  t.is(pair.client.failure?.alert, 'certificate_required');
  t.deepEqual(events(pair.client), ['alert', 'closed']);
  t.is(pair.client.stats.applicationBytesSent, 0, 'the held message was dropped unsent');
});

test('a client the server did not ask for a certificate is confirmed with handshakeComplete; sends go out at once', (t) => {
  const pair = makePair(serverId, {});
  untilServerAnswers(pair);
  t.deepEqual(events(pair.client), ['handshakeComplete', 'handshakeConfirmed']);
  pair.client.send(text('now'), 1);
  t.is(pair.client.stats.applicationBytesSent, 3);
});

test('held data is bounded: a send past MAX_HELD_SEND_BYTES is refused by name, the rest still goes out once confirmed', (t) => {
  const pair = makePair(serverId, { clientId, server: { clientAuthentication: 'required' } });
  const answer = untilServerAnswers(pair);
  t.is(MAX_HELD_SEND_BYTES, 64 * 1024, 'the bound docs/node-dtls.md gives');
  const chunk = new Uint8Array(1000);
  let sent = 0;
  for (; sent + chunk.length <= MAX_HELD_SEND_BYTES; sent += chunk.length) pair.client.send(chunk, 1);
  t.throws(() => pair.client.send(chunk, 1), { message: /held until the server confirms the handshake/ });
  for (const d of answer) pair.client.receive(d, 2);
  t.is(pair.client.stats.applicationBytesSent, sent);
});

test('held messages are bounded by count too: empty sends past MAX_HELD_MESSAGES are refused by name; the held ones go out once confirmed, in order', (t) => {
  const pair = makePair(serverId, { clientId, server: { clientAuthentication: 'required' } });
  const answer = untilServerAnswers(pair);
  t.is(MAX_HELD_MESSAGES, 1024, 'the bound docs/node-dtls.md gives');
  for (let i = 0; i < MAX_HELD_MESSAGES - 1; i++) pair.client.send(new Uint8Array(0), 1);
  pair.client.send(text('last'), 1);
  t.throws(() => pair.client.send(new Uint8Array(0), 1), {
    message: /1024 messages are held until the server confirms the handshake/,
  });
  t.is(drain(pair.client).length, 0, 'nothing goes out before the confirmation');
  for (const d of answer) pair.client.receive(d, 2);
  const out = drain(pair.client);
  t.true(out.length >= MAX_HELD_MESSAGES, 'a datagram per held message (and the ACK of the ticket)');
  for (const d of out) pair.server.receive(d, 3);
  const got = dataAt(pair.server);
  t.is(got.length, MAX_HELD_MESSAGES);
  t.is(got.at(-1), 'last', 'in order');
});

test('the ACK never comes: with the server heard meanwhile the handshake is confirmed when retransmissions run out; with nothing heard it times out', (t) => {
  for (const heard of [true, false]) {
    const pair = makePair(serverId, {
      clientId,
      server: { clientAuthentication: 'required' },
      client: { retransmission: { maxRetransmissions: 2 } },
    });
    untilServerAnswers(pair); // the ACK and ticket are lost
    if (heard) {
      pair.server.send(text('still here'));
      for (const d of drain(pair.server)) pair.client.receive(d, 1);
    }
    events(pair.client);
    for (
      let at = pair.client.pollTimeout();
      at !== undefined && pair.client.failure === undefined;
      at = pair.client.pollTimeout()
    ) {
      pair.client.handleTimeout(at);
      drain(pair.client); // lost too
      if (events(pair.client).includes('handshakeConfirmed')) break;
    }
    if (heard) t.is(pair.client.failure, undefined, 'confirmed by the data heard');
    else t.is(pair.client.failure?.alert, 'handshake_failure');
  }
});

test('post-handshake authentication: data sent while the server checks our answer is held; sent once it acknowledged, never if it refused', (t) => {
  for (const accepted of [true, false]) {
    const presented = accepted ? clientId : makeIdentity('p256', 'stranger.test');
    const { link } = handshake(serverId, {
      clientId: presented,
      client: { postHandshakeAuth: true },
      server: { trustAnchors: [clientId.caDer], tickets: 0 },
    });
    link.server.requestClientCertificate(link.now);
    link.run(link.now + 15); // the request is in (10 ms), the answer on its way
    t.true(link.events.client.some((e) => e.type === 'certificateRequested'));
    const before = link.client.stats.applicationBytesSent;
    link.client.send(text('during the check'), link.now);
    t.is(link.client.stats.applicationBytesSent, before, 'held');
    link.run(link.now + 10_000);
    const atServer = link.events.server.flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
    if (accepted) {
      t.true(link.events.client.some((e) => e.type === 'certificateAccepted'));
      t.deepEqual(atServer, ['during the check']);
    } else {
      t.is(link.client.failure?.alert, 'unknown_ca');
      t.false(link.events.client.some((e) => e.type === 'certificateAccepted'));
      t.deepEqual(atServer, []);
      t.is(link.client.stats.applicationBytesSent, before);
    }
  }
});
