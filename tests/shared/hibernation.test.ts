import test from 'ava';
import {
  DtlsConnection,
  HANDSHAKE_KEYS_RETENTION_MS,
  type ConnectionOptions,
} from '../../runtime/connection/connection.js';
import { frozenSessionStats } from '../../runtime/dtls13/connection-hibernation.js';
import { resolveConfig, type ResolvedConfig } from '../../runtime/shared/config.js';
import type { FrozenSession } from '../../runtime/shared/hibernation.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { roundTrip } from '../support/handshake.js';
import { Link } from '../support/link.js';
import { answerWithin, retransmittedFinished } from '../support/retransmitted-finished.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * DtlsConnection.hibernate and thaw: a quiet server session frozen into a
 * string and made a connection again goes on where it left off: records
 * both ways, its replay windows (an old record stays refused), KeyUpdates,
 * the exporter, its counters, and the ACK owed to a retransmitted final
 * flight within 2 × MSL (RFC 9147 §5.8.1). A session that is not at rest
 * is not hibernated.
 */

const serverId = makeIdentity('p256', 'server.test');
const SUITES = [
  'tls_aes_128_gcm_sha256',
  'tls_aes_256_gcm_sha384',
  'tls_chacha20_poly1305_sha256',
  'tls_aes_128_ccm_sha256',
] as const;
const providers = [...(nativeProvider ? [nativeProvider] : []), nodeProvider];
const wallClock = (): number => TEST_TIME;

interface Served {
  readonly client: DtlsConnection;
  readonly config: ResolvedConfig;
  link: Link;
}

/** A handshake with a server made as a UDP server makes its connections (one resolved configuration, per-connection options). */
function served(
  server: ConnectionOptions = {},
  client: ConnectionOptions = {},
  perConnection: ConnectionOptions = {},
): Served {
  const config = resolveConfig('server', {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    ...server,
  });
  const s = DtlsConnection.serverSharing(config, { wallClock, ...perConnection });
  const c = DtlsConnection.client({ trustAnchors: [serverId.caDer], serverName: 'server.test', wallClock, ...client });
  const link = new Link(c, s);
  c.connect(0);
  link.run();
  return { client: c, config, link };
}

/** The server thawed from `frozen`, on a link of its own that carries on at the same time. */
function thawed(x: Served, frozen: FrozenSession): DtlsConnection {
  const now = x.link.now;
  const server = DtlsConnection.thaw(x.config, { wallClock }, frozen, now);
  x.link = new Link(x.client, server);
  x.link.now = now;
  return server;
}

function data(link: Link, side: 'client' | 'server'): string[] {
  return link.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
}

for (const provider of providers as CryptoProvider[])
  for (const suite of SUITES)
    test(`${provider.name}, ${suite}: a thawed session carries on: records both ways, KeyUpdates, the exporter and its counters`, (t) => {
      const x = served({ provider, cipherSuites: [suite] }, { provider, cipherSuites: [suite] });
      t.is(x.link.server.state, 'connected');
      t.is(roundTrip(x.link, 'before').atServer.at(-1), 'before to server');
      const exporter = x.link.server.exportKeyingMaterial(32, 'EXPERIMENTAL hibernation');
      const before = x.link.server.stats;
      const frozen = x.link.server.hibernate(x.link.now);
      if (frozen === undefined) return t.fail('an established, quiet session hibernates');
      t.true(frozen.length < 700, `a few hundred bytes (${frozen.length})`);
      const old = x.link.server;
      t.throws(() => old.send(new Uint8Array(1)), { message: /hibernated/ });
      let server = thawed(x, frozen);
      t.is(server.state, 'connected');
      t.deepEqual(
        frozenSessionStats(frozen),
        server.stats,
        'the frozen form shows the stats the thawed connection has',
      );
      t.deepEqual(server.exportKeyingMaterial(32, 'EXPERIMENTAL hibernation'), exporter, 'the same exporter secret');
      t.is(roundTrip(x.link, 'after').atServer.at(-1), 'after to server');
      t.is(data(x.link, 'client').at(-1), 'after to client');
      t.true(server.stats.datagramsReceived > before.datagramsReceived, 'counters go on from where they were');
      t.is(server.stats.handshakeDuration, before.handshakeDuration);
      // KeyUpdates both ways on the thawed keys, then frozen and thawed once more on the new epochs.
      x.client.updateKeys(true, x.link.now);
      x.link.run(x.link.now + 60_000);
      server.updateKeys(true, x.link.now);
      x.link.run(x.link.now + 60_000);
      t.is(roundTrip(x.link, 'updated').atServer.at(-1), 'updated to server');
      const again = server.hibernate(x.link.now);
      if (again === undefined) return t.fail('hibernates again once the KeyUpdates are done');
      server = thawed(x, again);
      t.is(roundTrip(x.link, 'twice').atServer.at(-1), 'twice to server');
      t.is(data(x.link, 'client').at(-1), 'twice to client');
      t.is(x.client.state, 'connected');
      t.is(server.state, 'connected');
    });

test("connection IDs are kept: ours and the peer's, spares, sequence numbers; the thawed server issues more and records carry them", (t) => {
  const x = served({ cid: { length: 6, spares: 2 } }, { cid: { length: 5 } });
  const before = x.link.server.connectionIds;
  if (before === undefined) return t.fail('CIDs negotiated');
  t.is(before.spares, 0);
  t.true(before.issued.length >= 3, 'the handshake CID and two spares issued');
  const frozen = x.link.server.hibernate(x.link.now);
  if (frozen === undefined) return t.fail('a session with CIDs hibernates');
  const server = thawed(x, frozen);
  t.deepEqual(server.connectionIds, before);
  t.is(roundTrip(x.link, 'cid').atServer.at(-1), 'cid to server');
  const clientSpares = x.client.connectionIds?.spares ?? 0;
  const more = server.issueConnectionIds(2, { now: x.link.now });
  x.link.run(x.link.now + 60_000);
  t.is(more.length, 2);
  t.is(x.client.connectionIds?.spares, clientSpares + 2, 'the client took them as new (sequence numbers went on)');
  t.deepEqual(server.connectionIds?.issued.slice(-2), more);
  t.is(roundTrip(x.link, 'after').atClient.at(-1), 'after to client');
});

test('a record received before hibernating is refused as a replay after thawing', (t) => {
  const x = served();
  const captured: Uint8Array[] = [];
  x.client.send(new TextEncoder().encode('once'));
  for (let d = x.client.pollTransmit(); d; d = x.client.pollTransmit()) captured.push(d);
  for (const d of captured) x.link.server.receive(d, x.link.now);
  t.deepEqual(x.link.server.pollEvent()?.type === 'data' ? 'delivered' : 'not delivered', 'delivered');
  x.link.run(x.link.now + 60_000);
  const frozen = x.link.server.hibernate(x.link.now);
  if (frozen === undefined) return t.fail('hibernates');
  const server = thawed(x, frozen);
  const replays = server.stats.drops.replay;
  for (const d of captured) server.receive(d, x.link.now + 1);
  t.is(server.pollEvent(), undefined, 'nothing delivered');
  t.is(server.stats.drops.replay, replays + captured.length, 'counted as a replay');
});

test('thawed within 2 × MSL the server still ACKs a retransmitted Finished (its handshake read keys came back from their secret); thawed after, they are gone', (t) => {
  const config = resolveConfig('server', {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    tickets: 0,
  });
  const server = DtlsConnection.serverSharing(config, { wallClock });
  const client = DtlsConnection.client({ trustAnchors: [serverId.caDer], serverName: 'server.test', wallClock });
  const { copies, now: connected } = retransmittedFinished(client, server, 2);
  t.is(copies.length, 2, 'the client resent its Finished twice');
  while (server.pollTransmit());
  // The server's own ACK timer runs out (its ACK lost too), so it is at rest.
  answerWithin(server, connected);
  const now = connected + 1000;
  while (server.pollEvent());
  const frozen = server.hibernate(now);
  if (frozen === undefined) return t.fail('hibernates with its handshake read keys');
  const soon = DtlsConnection.thaw(config, { wallClock }, frozen, now);
  soon.receive(copies[0]!, now);
  t.truthy(answerWithin(soon, now), 'an ACK');
  t.is(soon.state, 'connected');
  const late = now + HANDSHAKE_KEYS_RETENTION_MS;
  const after = DtlsConnection.thaw(config, { wallClock }, frozen, late);
  after.receive(copies[1]!, late);
  t.is(answerWithin(after, late), undefined, 'nothing: the handshake keys went at the thaw');
  t.is(after.state, 'connected');
});

test('a session that is not at rest does not hibernate, and is left as it was', (t) => {
  const withData = served();
  withData.link.server.send(new Uint8Array([1, 2, 3]));
  t.is(withData.link.server.hibernate(withData.link.now), undefined, 'a record waiting to be sent');
  withData.link.run(withData.link.now + 60_000);
  t.deepEqual(withData.link.events.client.filter((e) => e.type === 'data').length, 1, 'the record still goes out');
  t.not(withData.link.server.hibernate(withData.link.now), undefined, 'once sent, it hibernates');

  const client = served();
  t.is(client.client.hibernate(client.link.now), undefined, 'a client');

  const moving = served({ cid: { length: 4 } }, { cid: { length: 4 } });
  const sendFromClient = (path: string): void => {
    moving.client.send(new Uint8Array([7]));
    for (let d = moving.client.pollTransmit(); d; d = moving.client.pollTransmit())
      moving.link.server.receive(d, moving.link.now, path);
  };
  sendFromClient('a');
  sendFromClient('b'); // a new address: a return routability check starts (RFC 9853)
  t.is(moving.link.server.stats.paths.checks, 1);
  t.is(moving.link.server.hibernate(moving.link.now), undefined, 'a session checking a new path');

  const inspected = served({}, {}, { inspect: () => {} });
  t.is(inspected.link.server.hibernate(inspected.link.now), undefined, 'an inspected one');

  const auth = served({}, { postHandshakeAuth: true });
  t.is(auth.link.server.hibernate(auth.link.now), undefined, 'one that may still authenticate its client');
  t.is(roundTrip(auth.link, 'still').atServer.at(-1), 'still to server');
});
