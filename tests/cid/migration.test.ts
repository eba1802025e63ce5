import test from 'ava';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { AMPLIFICATION_FACTOR } from '../../runtime/cid/path-validation.js';
import { PathLink, type Wire } from '../support/path-link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { connectedOnPaths } from '../support/cid-pair.js';

/**
 * Address changes with connection IDs and return routability (RFC 9146 §6,
 * RFC 9147 §9, RFC 9853 §5) on the scripted clock: a NAT rebinding, a
 * voluntary move, replays and forwarding from a third address, loss.
 */

const id = makeIdentity('p256', 'server.test');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const received = (link: PathLink, side: 'client' | 'server'): string[] =>
  link.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
const migrations = (link: PathLink): { from: string; to: string }[] =>
  link.events.server.flatMap((e) => (e.type === 'pathMigrated' ? [{ from: e.from, to: e.to }] : []));

const isRrc = (w: { readonly datagram: Uint8Array }, cidLength: number): boolean => {
  // An RRC record is small (under 64 bytes); application data in these tests is longer than that.
  const [r] = decodeDatagram(w.datagram, { cidLength });
  return r?.kind === 'ciphertext' && w.datagram.length < 64;
};

test('a NAT rebinding: the server checks the new address (basic RRC) and moves the session; no new handshake; data flows both ways', (t) => {
  const link = connectedOnPaths(id);
  link.moveClient('client:2');
  link.client.send(text('from the new address, long enough to tell apart from a probe'));
  link.run();
  t.deepEqual(migrations(link), [{ from: 'client:1', to: 'client:2' }]);
  t.is(link.server.path, 'client:2');
  link.server.send(text('to the new address'));
  link.run();
  t.deepEqual(received(link, 'client'), ['to the new address']);
  t.is(link.events.client.filter((e) => e.type === 'handshakeComplete').length, 1, 'no second handshake');
  // Anti-amplification (RFC 9853 §8.1.1): before the move, what went to client:2 is within 3× what came from it.
  const movedAt = link.wire.find((w) => w.from === 'server:1' && w.to === 'client:2' && !isRrc(w, 4))?.at ?? Infinity;
  const before = (w: Wire): boolean => w.at < movedAt;
  const sent = link.wire
    .filter((w) => before(w) && w.from === 'server:1' && w.to === 'client:2')
    .reduce((n, w) => n + w.datagram.length, 0);
  const got = link.wire
    .filter((w) => before(w) && w.to === 'server:1' && w.from === 'client:2')
    .reduce((n, w) => n + w.datagram.length, 0);
  t.true(sent > 0, 'a path_challenge went to the new address');
  t.true(sent <= AMPLIFICATION_FACTOR * got, `sent ${sent} to the unvalidated address for ${got} received`);
  // The connection's own counts: one check, passed; what it sent while the address was unvalidated, within 3× what came from it.
  const paths = link.server.stats.paths;
  t.like(paths, { checks: 1, validated: 1, abandoned: 0, migrations: 1 });
  t.true(paths.unvalidatedBytesSent > 0 && paths.unvalidatedBytesSent <= sent);
  t.true(paths.unvalidatedBytesSent <= AMPLIFICATION_FACTOR * paths.unvalidatedBytesReceived);
});

test('a datagram replayed from a third address moves nothing (the replay window drops it) and starts no check', (t) => {
  const link = connectedOnPaths(id);
  link.client.send(text('an ordinary record the attacker captures'));
  link.run();
  const captured = link.wire.filter((w) => w.from === 'client:1').at(-1)!;
  link.inject(captured.datagram, 'evil:9');
  link.run();
  t.is(link.server.path, 'client:1');
  t.deepEqual(migrations(link), []);
  t.false(
    link.wire.some((w) => w.to === 'evil:9'),
    'nothing was sent to the third address',
  );
  t.true(link.server.stats.drops.replay >= 1);
  t.deepEqual(received(link, 'server'), ['an ordinary record the attacker captures']);
});

test('a fresh datagram forwarded from a third address (off-path forwarding) gets a challenge there that nobody answers: the session stays', (t) => {
  let steal = false;
  const link = connectedOnPaths(id, { link: { filter: (w) => !(steal && w.from === 'client:1') } });
  steal = true;
  link.client.send(text('the attacker forwards this before the client'));
  link.run(link.now + 5);
  const original = link.wire.filter((w) => w.from === 'client:1').at(-1)!;
  steal = false;
  link.inject(original.datagram, 'evil:9');
  link.run();
  t.is(link.server.path, 'client:1', 'the check of evil:9 timed out');
  t.deepEqual(migrations(link), []);
  const probes = link.wire.filter((w) => w.to === 'evil:9');
  t.true(probes.length >= 1 && probes.length <= 3, 'one to three path_challenges');
  const { sent, received: got } = link.bytes('evil:9');
  t.true(sent <= AMPLIFICATION_FACTOR * got, `${sent} sent for ${got} received`);
  t.like(link.server.stats.paths, { checks: 1, validated: 0, abandoned: 1, migrations: 0, unvalidatedBytesSent: sent });
  link.server.send(text('still to the real client'));
  link.run();
  t.deepEqual(received(link, 'client'), ['still to the real client']);
});

test('enhanced RRC: the old address answers for a forwarded record, so the session stays; after a real rebinding the old path is silent and T leads to the basic check', (t) => {
  // Forwarded: the client is still at client:1 and answers there (path_response) — the initiator keeps the old address.
  let steal = false;
  const link = connectedOnPaths(id, {
    server: { rrc: 'enhanced' },
    link: { filter: (w) => !(steal && w.from === 'client:1') },
  });
  steal = true;
  link.client.send(text('forwarded by an attacker, enhanced'));
  link.run(link.now + 5);
  const original = link.wire.filter((w) => w.from === 'client:1').at(-1)!;
  steal = false;
  link.inject(original.datagram, 'evil:9');
  link.run();
  t.is(link.server.path, 'client:1');
  t.false(
    link.wire.some((w) => w.to === 'evil:9'),
    'enhanced probes the old path first, nothing to the new one',
  );
  // A real rebinding: client:1 no longer reaches the client, T passes, the new address is checked and the session moves.
  const moved = connectedOnPaths(id, { server: { rrc: 'enhanced' } });
  moved.moveClient('client:2');
  moved.client.send(text('after the rebinding, enhanced'));
  moved.run();
  t.deepEqual(migrations(moved), [{ from: 'client:1', to: 'client:2' }]);
});

test('a lost path_challenge is repaired by the next one (three per check, paced over T)', (t) => {
  let dropped = 0;
  const link = connectedOnPaths(id, {
    link: {
      filter: (w) => {
        if (w.from === 'server:1' && w.to === 'client:2' && dropped === 0) {
          dropped++;
          return false;
        }
        return true;
      },
    },
  });
  link.moveClient('client:2');
  link.client.send(text('from client:2, the first challenge is lost'));
  link.run();
  t.is(dropped, 1);
  t.deepEqual(migrations(link), [{ from: 'client:1', to: 'client:2' }]);
});

test('without RRC (rrc: false) RFC 9146 §6 applies: only a record newer than any before moves the session; an old one reordered from elsewhere does not', (t) => {
  const link = connectedOnPaths(id, { client: { rrc: false }, server: { rrc: false } });
  link.client.send(text('one'));
  link.client.send(text('two'));
  const early = link.client.pollTransmit()!;
  const late = link.client.pollTransmit()!;
  // The newer record arrives first from client:1, then the older one shows up from client:3: it must not move the session.
  link.server.receive(late, link.now, 'client:1');
  link.server.receive(early, link.now, 'client:3');
  t.is(link.server.path, 'client:1');
  link.moveClient('client:2');
  link.client.send(text('three, newest, from client:2'));
  link.run();
  t.is(link.server.path, 'client:2');
  t.deepEqual(migrations(link), [{ from: 'client:1', to: 'client:2' }]);
});

test('a voluntary move (rebind) with spares: the client uses a fresh server CID on the new path, and the server retires the old one', (t) => {
  const link = connectedOnPaths(id, { server: { cid: { length: 6, spares: 2 } } });
  t.is(link.client.connectionIds?.spares, 2, 'the server gave two spare CIDs after the handshake');
  const before = link.client.connectionIds?.peer;
  link.moveClient('client:2', true);
  t.notDeepEqual(link.client.connectionIds?.peer, before, 'a new CID for the new path (RFC 9146 §8)');
  link.client.send(text('from the new path with a new CID, long enough'));
  link.run();
  t.deepEqual(migrations(link), [{ from: 'client:1', to: 'client:2' }]);
  const retired = link.events.server.filter((e) => e.type === 'connectionIdRetired');
  t.is(retired.length, 1);
  t.deepEqual(retired[0]?.type === 'connectionIdRetired' ? retired[0].cid : undefined, before);
  // The retired CID is no longer taken: a record carrying it (a replay of an old datagram with a fresh number is impossible, so a forged one) is dropped.
  t.deepEqual(received(link, 'server'), ['from the new path with a new CID, long enough']);
});

test('a path check running when the connection closes stops with it: no challenge goes out after close, no timer is left', (t) => {
  // The new address never hears the server, so the check keeps challenging it until the connection closes.
  const link = connectedOnPaths(id, { link: { filter: (w) => !(w.from === 'server:1' && w.to === 'client:2') } });
  link.moveClient('client:2');
  link.client.send(text('from the new address, long enough to tell apart from a probe'));
  link.run(link.wire.at(-1)!.at + 50);
  const server = link.server;
  t.like(server.stats.paths, { checks: 1, validated: 0 });
  t.not(server.pollTimeout(), undefined, 'the check is waiting for an answer');
  server.close();
  for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit());
  for (let d = server.pollPathTransmit(); d !== undefined; d = server.pollPathTransmit());
  t.is(server.state, 'closed');
  t.is(server.pollTimeout(), undefined, 'no timer after close');
  let sent = 0;
  for (let now = 100_000; now < 400_000; now += 1000) {
    server.handleTimeout(now);
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) sent++;
    for (let d = server.pollPathTransmit(); d !== undefined; d = server.pollPathTransmit()) sent++;
  }
  t.is(sent, 0, 'datagrams sent after close');
});
