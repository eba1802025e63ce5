import test from 'ava';
import { roundTrip } from '../support/handshake.js';
import { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';

/**
 * Post-handshake work that starts before the other side has seen the end of
 * the handshake, and closing mid-handshake: the cases where flights,
 * epochs and ACKs of the handshake and after it meet.
 */

const serverId = makeIdentity('p256', 'server.test');

function talks(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void }, link: Link, label: string): void {
  const { atServer, atClient } = roundTrip(link, label);
  t.deepEqual(atServer.at(-1), `${label} to server`);
  t.deepEqual(atClient.at(-1), `${label} to client`);
}

/** Connects the client (it is connected once the server's flight is in) and calls updateKeys at once; `options` shape the client's datagram 1 (its Finished flight). */
function keyUpdateRightAfterConnecting(options: ConstructorParameters<typeof Link>[2]): Link {
  const { client, server } = makePair(serverId);
  const link = new Link(client, server, options);
  client.connect(0);
  for (let at = 10; client.state !== 'connected' && at < 1000; at += 10) link.run(at);
  client.updateKeys(false);
  link.run(600_000);
  return link;
}

test('a KeyUpdate that overtakes the client Finished (Finished delayed) does not end the session', (t) => {
  const link = keyUpdateRightAfterConnecting({ delay: (from, index) => (from === 'client' && index === 1 ? 1100 : 0) });
  t.is(link.server.failure, undefined, link.server.failure?.message);
  t.is(link.client.failure, undefined, link.client.failure?.message);
  talks(t, link, 'after an early KeyUpdate');
});

test('a KeyUpdate asked for while the client Finished is lost waits for it, and both get through', (t) => {
  const link = keyUpdateRightAfterConnecting({ filter: (from, index) => !(from === 'client' && index === 1) });
  t.is(link.server.state, 'connected');
  t.is(link.client.failure, undefined, link.client.failure?.message);
  talks(t, link, 'after a lost Finished');
});

test('answering a KeyUpdate with update_requested still ACKs it: no retransmission on either side', (t) => {
  const { client, server } = makePair(serverId);
  const link = new Link(client, server);
  client.connect(0);
  link.run();
  const before = { client: client.stats.retransmissions, server: server.stats.retransmissions };
  client.updateKeys(true);
  link.run(link.now + 10_000);
  t.is(client.stats.retransmissions, before.client);
  t.is(server.stats.retransmissions, before.server);
  talks(t, link, 'after crossing updates');
});

test('close() during the handshake sends user_canceled and close_notify; the peer ends at once, closed by the peer', (t) => {
  const { client, server } = makePair(serverId);
  client.connect(0);
  server.receive(client.pollTransmit() ?? new Uint8Array(0), 0);
  for (let d = server.pollTransmit(); d; d = server.pollTransmit()) void d; // the server flight is lost
  t.is(server.state, 'waitClientFinished');
  client.close();
  const events: string[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) server.receive(d, 5);
  for (let e = server.pollEvent(); e; e = server.pollEvent())
    events.push(e.type === 'closed' ? `closed:${e.reason}` : e.type);
  t.true(events.includes('closed:close_notify'), events.join(','));
  t.is(server.pollTimeout(), undefined, 'nothing left to retransmit');
});
