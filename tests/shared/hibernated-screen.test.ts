import test from 'ava';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { frozenSessionStats } from '../../runtime/dtls13/connection-hibernation.js';
import { resolveConfig, type ResolvedConfig } from '../../runtime/shared/config.js';
import { screenFrozen, thawSession, type FrozenSession } from '../../runtime/shared/hibernation.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import type { ScreeningContext } from '../../runtime/record/hibernated-reader.js';
import { bytesFrom, forgedCiphertext, plaintextAlert } from '../support/attacker.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * A hibernated session screens a datagram without thawing (screenFrozen):
 * forged, replayed, plaintext and malformed datagrams are dropped and
 * counted in the frozen session, which stays frozen; a new authentic
 * record asks for a thaw, and the thawed session delivers it once, with
 * what screening counted in its stats and its keys' failure counts. Near
 * half a key's integrity limit (AES-128-CCM_8: 2^7) it thaws, so that the
 * awake session asks for new keys (RFC 9147 §4.5.3).
 */

const serverId = makeIdentity('p256', 'server.test');
const providers = [...(nativeProvider ? [nativeProvider] : []), nodeProvider] as CryptoProvider[];
const wallClock = (): number => TEST_TIME;

interface Frozen {
  readonly client: DtlsConnection;
  readonly config: ResolvedConfig;
  readonly context: ScreeningContext;
  readonly now: number;
  frozen: FrozenSession;
  /** A datagram of application data the server received before it hibernated. */
  readonly received: Uint8Array;
}

function hibernated(provider: CryptoProvider, server: ConnectionOptions = {}, client: ConnectionOptions = {}): Frozen {
  const config = resolveConfig('server', {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    provider,
    ...server,
  });
  const s = DtlsConnection.serverSharing(config, { wallClock });
  const c = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock,
    provider,
    ...client,
  });
  const link = new Link(c, s);
  c.connect(0);
  link.run();
  c.send(new TextEncoder().encode('before'));
  const received = c.pollTransmit();
  if (received === undefined) throw new Error('the client sends its record');
  s.receive(received, link.now);
  link.run(link.now + 60_000);
  const frozen = s.hibernate(link.now);
  if (frozen === undefined) throw new Error('the session hibernates');
  const ours = new Set((s.connectionIds?.issued ?? []).map((cid) => cid.join()));
  const context: ScreeningContext = {
    provider,
    replayWindow: config.replayWindow,
    maxRecordsPerDatagram: config.limits.maxRecordsPerDatagram,
    ownsConnectionId: (cid) => ours.has(cid.join()),
  };
  return { client: c, config, context, now: link.now, frozen, received };
}

/** Screens `d`: true when the session must thaw for it; else `x.frozen` is the session kept again. */
function screen(x: Frozen, d: Uint8Array): boolean {
  const kept = screenFrozen(x.frozen, d, x.context);
  if (kept === undefined) return true;
  x.frozen = kept;
  return false;
}

function drops(x: Frozen): Record<string, number> {
  return Object.fromEntries(Object.entries(frozenSessionStats(x.frozen).drops).filter(([, n]) => n > 0));
}

for (const provider of providers)
  test(`${provider.name}: forged, replayed, plaintext and malformed datagrams leave a hibernated session frozen, counted; a new record thaws it and is delivered once`, (t) => {
    const x = hibernated(provider);
    const before = frozenSessionStats(x.frozen);
    const forged = [
      forgedCiphertext(3, 7, bytesFrom(1, 32)), // the session's epoch
      forgedCiphertext(2, 7, bytesFrom(2, 32)), // the handshake's, kept for 2 × MSL
      forgedCiphertext(0, 7, bytesFrom(3, 32)), // epoch 4: ahead, waited for by no session at rest
      forgedCiphertext(3, 8, bytesFrom(4, 8)), // shorter than the record number mask needs
      plaintextAlert('fatal', 'bad_record_mac'),
      Uint8Array.from([0x2c, 0x00]), // a unified header cut short
      x.received, // a replay of a record it received
    ];
    // The same datagrams at the session awake (thawed from the same form): what it drops, screening drops.
    const awake = DtlsConnection.thaw(x.config, { wallClock }, x.frozen, x.now);
    for (const d of forged) awake.receive(d, x.now);
    for (const d of forged) t.false(screen(x, d), `screened without a thaw: ${d.length} bytes`);
    const awakeDrops = Object.fromEntries(Object.entries(awake.stats.drops).filter(([, n]) => n > 0));
    awakeDrops['unknown-epoch'] = (awakeDrops['unknown-epoch'] ?? 0) + 1; // held by the awake session for keys it may get; none come to one at rest
    t.deepEqual(drops(x), awakeDrops, 'the drops an awake session counts (but the record of an epoch ahead)');
    t.deepEqual(awake.stats.ignored['deferred-cap'], 0);
    // Many forged records in one datagram: one decryption, the rest unread (as an awake session past its budget).
    forged.push(concat(Array.from({ length: 200 }, (_, i) => forgedCiphertext(3, i, bytesFrom(i + 9, 16)))));
    t.false(screen(x, forged.at(-1)!));
    t.deepEqual(drops(x), {
      ...awakeDrops,
      authentication: awakeDrops['authentication']! + 1,
      'authentication-rate': 127,
      'records-per-datagram': 1,
    });
    t.is(
      frozenSessionStats(x.frozen).datagramsReceived,
      before.datagramsReceived + forged.length,
      'each datagram counted',
    );
    // The client's next record thaws it; the thawed server delivers it once and counts on from what screening counted.
    x.client.send(new TextEncoder().encode('after'));
    const next = x.client.pollTransmit()!;
    t.true(screen(x, next), 'a new authentic record thaws it');
    const server = DtlsConnection.thaw(x.config, { wallClock }, x.frozen, x.now + 1);
    server.receive(next, x.now + 1);
    server.receive(next, x.now + 2);
    const data: string[] = [];
    for (let e = server.pollEvent(); e; e = server.pollEvent())
      if (e.type === 'data') data.push(new TextDecoder().decode(e.data));
    t.deepEqual(data, ['after'], 'delivered once: its copy is a replay');
    t.is(server.stats.drops.authentication, 3);
    t.is(server.stats.drops.replay, 2);
    t.is(server.stats.datagramsReceived, before.datagramsReceived + forged.length + 2);
    const again = server.hibernate(x.now + 3);
    if (again === undefined) return t.fail('hibernates again');
    const failed = Object.fromEntries(thawSession(again).records.reads.map((r) => [r.epoch, r.failed]));
    // Each forged record was the first failure in a row of its epoch: it and its probe a span ahead (sequence-recovery.ts).
    t.deepEqual(failed, { 2: 2, 3: 4 }, "the keys' failed authentications (RFC 9147 §4.5.3) carried over");
  });

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

test('with connection IDs: a record without one, or with one not the session’s, is dropped unopened; one with its CID is opened', (t) => {
  const x = hibernated(nativeProvider ?? nodeProvider, { cid: 6 }, { cid: 4 });
  const cid = x.client.connectionIds?.peer;
  if (cid === undefined) return t.fail('CIDs negotiated');
  const withCid = (c: Uint8Array): Uint8Array => {
    const body = bytesFrom(5, 32);
    return Uint8Array.from([0x3c | 3, ...c, 0x00, 0x09, 0, body.length, ...body]);
  };
  t.false(screen(x, forgedCiphertext(3, 9, bytesFrom(6, 32))), 'no CID');
  t.false(screen(x, withCid(Uint8Array.from([9, 9, 9, 9, 9, 9]))), 'not its CID');
  t.false(screen(x, withCid(cid)), 'its CID, forged');
  t.deepEqual(drops(x), { 'connection-id': 2, authentication: 1 });
  x.client.send(new Uint8Array([1]));
  t.true(screen(x, x.client.pollTransmit()!), 'its CID, authentic');
});

test('AES-128-CCM_8 (integrity limit 2^7): a hibernated session screens forgeries until 1/8 of the limit, then thaws, and the awake session asks for new keys', (t) => {
  const suite = { cipherSuites: ['tls_aes_128_ccm_8_sha256'], allowCcm8: true } as const;
  const x = hibernated(nativeProvider ?? nodeProvider, suite, suite);
  let screened = 0;
  let d = forgedCiphertext(3, 0, bytesFrom(0, 32));
  for (; screened < 1000; screened++) {
    d = forgedCiphertext(3, screened, bytesFrom(screened, 32));
    if (screen(x, d)) break;
  }
  t.is(
    screened,
    14,
    'thawed where one more failure and its probe could reach 1/8 of the limit (16), where the awake session asks for new keys',
  );
  t.is(thawSession(x.frozen).records.reads.find((r) => r.epoch === 3)?.failed, 14);
  const server = DtlsConnection.thaw(x.config, { wallClock }, x.frozen, x.now + 1);
  server.receive(d, x.now + 1);
  // A second later: the key takes one failure a second (limits.integrityBudgetSeconds), and this one is its 16th.
  server.receive(forgedCiphertext(3, 999, bytesFrom(999, 32)), x.now + 1002);
  t.is(server.state, 'connected');
  // The awake session asked for new keys (a KeyUpdate with update_requested): the client's next records come in epoch 4.
  const link = new Link(x.client, server);
  link.now = x.now + 1002;
  link.run(link.now + 60_000);
  x.client.send(new Uint8Array([1]));
  link.run(link.now + 60_000);
  const again = server.hibernate(link.now);
  if (again === undefined) return t.fail('hibernates again');
  t.is(thawSession(again).session.read.epoch, 4, 'the peer updated its keys');
  t.is(server.state, 'connected');
});

for (const [lost, spans] of [
  [70_000, 1],
  [140_000, 2],
] as const) {
  test(`after ${lost} records lost in a row, a hibernated session finds the peer again as an awake one does: the k-th record in a row that fails is tried k spans further, and thaws it`, (t) => {
    const x = hibernated(nativeProvider ?? nodeProvider);
    // Records the server never sees: the peer's sequence numbers are more than `spans` 16-bit spans ahead of its window.
    const gone = new Uint8Array(1);
    for (let i = 0; i < lost; i++) {
      x.client.send(gone);
      while (x.client.pollTransmit());
    }
    let screened = 0;
    let d: Uint8Array | undefined;
    for (; screened < 100; screened++) {
      x.client.send(new TextEncoder().encode(`found ${screened}`));
      d = x.client.pollTransmit();
      if (d === undefined || screen(x, d)) break;
    }
    t.is(screened, spans - 1, 'the k-th failure in a row is probed k spans ahead, as SequenceRecovery does awake');
    t.is(frozenSessionStats(x.frozen).drops.authentication, spans - 1);
    const server = DtlsConnection.thaw(x.config, { wallClock }, x.frozen, x.now + 1);
    server.receive(d!, x.now + 1);
    const data: string[] = [];
    for (let e = server.pollEvent(); e; e = server.pollEvent())
      if (e.type === 'data') data.push(new TextDecoder().decode(e.data));
    t.deepEqual(data, [`found ${spans - 1}`]);
  });
}
