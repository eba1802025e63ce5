import test from 'ava';
import { encodeAlert, encodeEncryptedExtensions, encodeServerHello } from '../../generated/wire/index.js';
import { ConnectionStateError, DtlsConnection } from '../../runtime/connection/connection.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../runtime/shared/connection-limits.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import {
  bytesFrom,
  forgedCiphertext,
  handshakeFragment,
  plaintextAck,
  plaintextAlert,
  plaintextRecord,
} from '../support/attacker.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair, reach } from '../support/stepper.js';
import { injectHandshakeMessage, injectRecord } from '../support/inject.js';

/**
 * The hostile-network items of the connection-core issue, through the
 * public sans-I/O API: each sends what an attacker (off-path, or the peer
 * itself where it says so) could, and checks the session survives, nothing
 * throws and nothing grows past its cap.
 */

const serverId = makeIdentity('p256', 'server.test');

/** Delivers everything each side has to send, until quiet, at time `now`. */
function pump(
  a: DtlsConnection,
  b: DtlsConnection,
  now: number,
  drop: (from: 'a' | 'b', d: Uint8Array) => boolean = () => false,
): void {
  for (let round = 0; round < 50; round++) {
    let moved = false;
    for (let d = a.pollTransmit(); d; d = a.pollTransmit()) {
      if (drop('a', d)) continue;
      moved = true;
      b.receive(d, now);
    }
    for (let d = b.pollTransmit(); d; d = b.pollTransmit()) {
      if (drop('b', d)) continue;
      moved = true;
      a.receive(d, now);
    }
    if (!moved) return;
  }
}

function established(): Link {
  const { link } = handshake(serverId);
  if (link.client.state !== 'connected' || link.server.state !== 'connected') throw new Error('no handshake');
  return link;
}

/** Both directions still carry data after the attack. */
function stillTalks(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void }, link: Link, label: string): void {
  const { atServer, atClient } = roundTrip(link, label);
  t.deepEqual(atServer.at(-1), `${label} to server`, `${label}: client → server`);
  t.deepEqual(atClient.at(-1), `${label} to client`, `${label}: server → client`);
}

// ── 1. ACK growth from old, zero-length and out-of-order fragments ─────────

test('item 1: old and zero-length handshake fragments and an out-of-order one cannot grow the pending ACK; the handshake then completes', (t) => {
  const { client, server } = makePair(serverId);
  client.connect(0);
  pump(client, server, 0, (from) => from === 'b'); // the server's flight is "lost": it stays mid-handshake
  t.is(server.state, 'waitClientFinished');
  for (let i = 0; i < 25; i++) {
    const f = handshakeFragment({ msgType: 'client_hello', length: i % 2 ? 0 : 200, messageSeq: 0, fragmentOffset: 0 });
    server.receive(plaintextRecord('handshake', f, 5000 + i), 1);
  }
  server.receive(
    plaintextRecord(
      'handshake',
      handshakeFragment({
        msgType: 'finished',
        length: 32,
        messageSeq: 5,
        fragmentOffset: 3,
        fragment: new Uint8Array(1),
      }),
      6000,
    ),
    1,
  );
  t.notThrows(() => server.handleTimeout(200));
  t.true(server.stats.retained.ackRecords <= DEFAULT_CONNECTION_LIMITS.maxAckRecords);
  t.is(server.failure, undefined);
  // The real client retransmits; the server answers and the handshake ends.
  const link = new Link(client, server);
  link.now = 200;
  link.run();
  t.is(client.state, 'connected');
  t.is(server.state, 'connected');
});

test('item 1: the same junk sent to a connected session changes nothing', (t) => {
  const link = established();
  for (let i = 0; i < 200; i++) {
    link.server.receive(
      plaintextRecord(
        'handshake',
        handshakeFragment({ msgType: 'client_hello', length: 0, messageSeq: i % 3, fragmentOffset: 0 }),
        100 + i,
      ),
      link.now,
    );
    link.client.receive(
      plaintextRecord(
        'handshake',
        handshakeFragment({ msgType: 'server_hello', length: 0, messageSeq: i % 3, fragmentOffset: 0 }),
        100 + i,
      ),
      link.now,
    );
  }
  link.run(link.now + 1000);
  t.true(link.server.stats.drops['plaintext-refused'] >= 200);
  t.is(link.server.stats.retained.ackRecords, 0);
  stillTalks(t, link, 'after junk');
});

// ── 2. Unauthenticated teardown ────────────────────────────────────────────

/** Handshake messages each side has received in a full handshake: what `message_seq` the next one would carry is among these. */
const NEXT_SEQS = [2, 3, 4, 5, 6];

const spoofed: readonly [string, () => readonly Uint8Array[]][] = [
  ['a plaintext fatal alert', () => [plaintextAlert('fatal', 'handshake_failure')]],
  ['a plaintext close_notify', () => [plaintextAlert('warning', 'close_notify')]],
  ['a malformed plaintext ACK', () => [plaintextRecord('ack', Uint8Array.of(0xff, 0x01, 0x02))]],
  [
    'a plaintext ClientHello with a high message_seq',
    () => {
      const fresh = DtlsConnection.client({ checkServerIdentity: false });
      fresh.connect(0);
      const [record] = decodeDatagram(fresh.pollTransmit() ?? new Uint8Array(0));
      if (record?.kind !== 'plaintext') throw new Error('no ClientHello');
      const body = record.record.fragment.subarray(12);
      return NEXT_SEQS.map((seq) =>
        plaintextRecord(
          'handshake',
          handshakeFragment({
            msgType: 'client_hello',
            length: body.length,
            messageSeq: seq,
            fragmentOffset: 0,
            fragment: body,
          }),
          900 + seq,
        ),
      );
    },
  ],
  [
    'a plaintext KeyUpdate with a high message_seq',
    () =>
      NEXT_SEQS.map((seq) =>
        plaintextRecord(
          'handshake',
          handshakeFragment({
            msgType: 'key_update',
            length: 1,
            messageSeq: seq,
            fragmentOffset: 0,
            fragment: Uint8Array.of(1),
          }),
          900 + seq,
        ),
      ),
  ],
  [
    'conflicting plaintext fragments',
    () =>
      NEXT_SEQS.flatMap((seq) => [
        plaintextRecord(
          'handshake',
          handshakeFragment({
            msgType: 'key_update',
            length: 4,
            messageSeq: seq,
            fragmentOffset: 0,
            fragment: Uint8Array.of(1, 2),
          }),
          900 + seq,
        ),
        plaintextRecord(
          'handshake',
          handshakeFragment({
            msgType: 'key_update',
            length: 4,
            messageSeq: seq,
            fragmentOffset: 0,
            fragment: Uint8Array.of(3, 4),
          }),
          950 + seq,
        ),
      ]),
  ],
  ['a plaintext warning alert', () => [plaintextAlert('warning', 'bad_certificate')]],
  ['a forged ciphertext alert', () => [forgedCiphertext(3, 9, bytesFrom(3, 24))]],
];

for (const [what, make] of spoofed) {
  test(`item 2: ${what} does not end an authenticated session`, (t) => {
    const link = established();
    for (const d of make()) link.server.receive(d, link.now);
    for (const d of make()) link.client.receive(d, link.now);
    link.run(link.now + 5000);
    t.is(link.server.state, 'connected');
    t.is(link.client.state, 'connected');
    t.is(link.server.failure, undefined);
    stillTalks(t, link, what);
  });
}

test('item 2: a spoofed plaintext ACK naming our KeyUpdate record does not move our write epoch', (t) => {
  const link = established();
  link.server.updateKeys(false);
  const ku = link.server.pollTransmit();
  if (!ku) return void t.fail('no KeyUpdate sent');
  const [record] = decodeDatagram(ku);
  if (record?.kind !== 'ciphertext') return void t.fail('KeyUpdate not protected');
  // The attacker guesses the record number (epoch 3, the next sequence numbers) and "acknowledges" it in plaintext.
  for (let seq = 0; seq < 8; seq++) link.server.receive(plaintextAck([{ epoch: 3, sequenceNumber: seq }]), link.now);
  // The real KeyUpdate reaches the client only now; everything goes on.
  link.client.receive(ku, link.now);
  link.run(link.now + 5000);
  stillTalks(t, link, 'after the spoofed ACK');
});

// ── 3. A lost KeyUpdate ACK ────────────────────────────────────────────────

test('item 3: when the ACK of a KeyUpdate is lost, the retransmitted KeyUpdate is ACKed again and data keeps flowing both ways', (t) => {
  let dropAcks = true;
  const { link } = handshake(serverId);
  const filtered = new Link(link.client, link.server, {
    filter: (from, index) => !(dropAcks && from === 'client' && index === 0), // the client's first datagram after the KeyUpdate: its ACK
  });
  filtered.now = link.now;
  filtered.server.updateKeys(false);
  filtered.run(filtered.now + 2_000);
  dropAcks = false;
  filtered.run(filtered.now + 30_000); // past the old read keys' retention
  t.true(filtered.server.stats.retransmissions >= 1, 'the KeyUpdate was retransmitted');
  stillTalks(t, filtered, 'after the lost ACK');
  t.is(filtered.server.stats.flightState, 'acknowledged');
});

// ── 4. Memory ───────────────────────────────────────────────────────────────

test('item 4: one-byte fragments of the next nine messages and forged future-epoch records stay within the caps', (t) => {
  const { client, server } = makePair(serverId);
  client.connect(0);
  pump(client, server, 0, (from) => from === 'b');
  for (let seq = 1; seq <= 9; seq++) {
    const f = handshakeFragment({
      msgType: 'client_hello',
      length: 0x1ffff,
      messageSeq: seq,
      fragmentOffset: 5,
      fragment: Uint8Array.of(1),
    });
    server.receive(plaintextRecord('handshake', f, 7000 + seq), 1);
  }
  for (let i = 0; i < 64; i++) server.receive(forgedCiphertext(0, i, bytesFrom(i + 1, 600)), 1); // epoch bits 0: epoch 4, not installed
  const r = server.stats.retained;
  t.is(r.reassemblyBytes, 0);
  t.true(r.deferredBytes <= DEFAULT_CONNECTION_LIMITS.maxDeferredBytes, `${r.deferredBytes} deferred bytes`);
  t.true(server.stats.ignored['deferred-cap'] > 0);
});

test('item 4: thousands of KeyUpdates leave no more read epochs than the cap', (t) => {
  const link = established();
  for (let i = 0; i < 1000; i++) {
    (i % 2 ? link.client : link.server).updateKeys(i % 5 === 0);
    link.run(link.now + 50);
  }
  link.run(link.now + 20_000);
  t.true(
    link.client.stats.retained.readEpochs <= DEFAULT_CONNECTION_LIMITS.maxReadEpochs,
    `client ${link.client.stats.retained.readEpochs}`,
  );
  t.true(
    link.server.stats.retained.readEpochs <= DEFAULT_CONNECTION_LIMITS.maxReadEpochs,
    `server ${link.server.stats.retained.readEpochs}`,
  );
  stillTalks(t, link, 'after 1000 key updates');
});

// ── 8. The smaller ones ─────────────────────────────────────────────────────

test('item 8: data that arrives after close_notify is not delivered, and send() after close() throws', (t) => {
  const link = established();
  link.client.send(new TextEncoder().encode('late'));
  const late = link.client.pollTransmit();
  link.client.close();
  t.throws(() => link.client.send(new Uint8Array(1)), { instanceOf: ConnectionStateError });
  link.run(link.now + 1000); // close_notify reaches the server
  if (!late) return void t.fail('nothing sent');
  link.server.receive(late, link.now);
  const data = [...link.events.server, ...drain(link.server)].filter((e) => e.type === 'data');
  t.deepEqual(data, []);
  t.true(link.events.server.some((e) => e.type === 'closed' && e.reason === 'close_notify'));
});

function drain(c: DtlsConnection) {
  const out = [];
  for (let e = c.pollEvent(); e; e = c.pollEvent()) out.push(e);
  return out;
}

test('item 8: forged records past 1/8 of the integrity limit start a KeyUpdate; the session survives 1,500 forgeries under CCM_8', (t) => {
  // The per-second caps on failed authentications off (all keys', and the key's own): these forgeries all come at one instant.
  const ccm8 = { cipherSuites: ['tls_aes_128_ccm_8_sha256'], allowCcm8: true } as const;
  const { link } = handshake(serverId, {
    client: ccm8,
    server: { ...ccm8, limits: { maxFailedAuthenticationsPerSecond: 1_000_000, integrityBudgetSeconds: 0 } },
  });
  const clientMessagesBefore = link.client.stats.handshakeMessagesReceived;
  for (let i = 0; i < 1500; i++) {
    link.server.receive(forgedCiphertext(3, i, bytesFrom(i + 9, 40)), link.now);
    if (i % 50 === 0) link.run(link.now + 100);
  }
  link.run(link.now + 5000);
  t.true(link.server.stats.drops.authentication > 0);
  t.is(link.server.failure, undefined);
  // The server asked for new keys: the client received KeyUpdates (its answer moves the server off the forged-at epoch).
  t.true(link.client.stats.handshakeMessagesReceived > clientMessagesBefore, 'no KeyUpdate reached the client');
  stillTalks(t, link, 'after forgeries');
});

test('item 8: at the integrity limit of the current read key, with no KeyUpdate possible, the connection closes', (t) => {
  // The per-second caps on failed authentications off (all keys', and the key's own): these forgeries all come at one instant.
  const ccm8 = { cipherSuites: ['tls_aes_128_ccm_8_sha256'], allowCcm8: true } as const;
  const { link } = handshake(serverId, {
    client: ccm8,
    server: { ...ccm8, limits: { maxFailedAuthenticationsPerSecond: 1_000_000, integrityBudgetSeconds: 0 } },
  });
  // The peer never answers (its datagrams go nowhere), so the requested KeyUpdate cannot complete.
  for (let i = 0; i < 1500 && !link.server.failure; i++)
    link.server.receive(forgedCiphertext(3, i, bytesFrom(i + 11, 40)), link.now);
  t.is(link.server.failure?.alert, 'bad_record_mac');
});

test('item 8: an unsolicited extension in ServerHello or EncryptedExtensions is unsupported_extension', (t) => {
  const p = reach(makePair(serverId), 'client', 'waitServerHello');
  if (!p) return void t.fail('no pair');
  const sh = encodeServerHello({
    legacyVersion: 'dtls1_2',
    random: bytesFrom(5, 32),
    legacySessionIdEcho: new Uint8Array(0),
    cipherSuite: 'tls_aes_128_gcm_sha256',
    legacyCompressionMethod: 0,
    isHelloRetryRequest: false,
    extensions: [
      { extensionType: 'supported_versions', extensionData: { selectedVersion: 'dtls1_3' } },
      {
        extensionType: 'key_share',
        extensionData: { serverShare: { group: 'x25519', keyExchange: bytesFrom(6, 32) } },
      },
      { extensionType: 'server_name', extensionData: new Uint8Array(0) },
    ],
  });
  injectHandshakeMessage(p.client, 2, sh, 0);
  t.is(p.client.failure?.alert, 'unsupported_extension');

  const q = reach(makePair(serverId, { client: { serverName: 'server.test' } }), 'client', 'waitEncryptedExtensions');
  if (!q) return void t.fail('no pair');
  injectHandshakeMessage(
    q.client,
    8,
    encodeEncryptedExtensions({ extensions: [{ extensionType: 'early_data', extensionData: {} }] }),
    2,
  );
  t.is(q.client.failure?.alert, 'unsupported_extension');
});

test('item 8: a warning-level alert other than close_notify and user_canceled ends the session; user_canceled does not', (t) => {
  const link = established();
  injectRecord(link.client, {
    kind: 'record',
    epoch: 3,
    sequenceNumber: 900,
    contentType: 'alert',
    content: encodeAlert({ level: 'warning', description: 'user_canceled' }),
    protected: true,
  });
  t.is(link.client.state, 'connected');
  injectRecord(link.client, {
    kind: 'record',
    epoch: 3,
    sequenceNumber: 901,
    contentType: 'alert',
    content: encodeAlert({ level: 'warning', description: 'bad_certificate' }),
    protected: true,
  });
  t.is(link.client.state, 'failed');
  t.is(link.client.failure?.alert, 'bad_certificate');
});

test("item 8: a client whose final flight is never ACKed stays connected (the server's epoch-3 data acknowledges it)", (t) => {
  const { client, server } = makePair(serverId);
  const link = new Link(client, server, { filter: (from, index) => !(from === 'server' && index >= 1) }); // every server datagram after its flight is lost
  client.connect(0);
  link.run(600_000);
  t.is(client.state, 'connected');
  t.is(client.failure, undefined);
  // Once the server's data gets through, it is the acknowledgement: the client stops retransmitting.
  const open = new Link(client, server);
  open.now = link.now;
  server.send(Uint8Array.of(1));
  open.run(open.now + 120_000);
  t.is(client.pollTimeout(), undefined);
  t.is(client.state, 'connected');
});

test('item 8: a burst of retransmitted ClientHellos makes one retransmission of the server flight, not one per record', (t) => {
  const { client, server } = makePair(serverId);
  client.connect(0);
  const ch = client.pollTransmit();
  if (!ch) return void t.fail('no ClientHello');
  server.receive(ch, 0);
  while (server.pollTransmit()); // the server flight is lost
  for (let i = 0; i < 10; i++) server.receive(ch, 1 + i); // ten copies in one burst
  server.handleTimeout(100);
  t.is(server.stats.retransmissions, 1);
  // A second burst before the retransmit timeout (spoofed repeats, say) does not pump another flight out.
  for (let i = 0; i < 10; i++) server.receive(ch, 300 + i);
  server.handleTimeout(400);
  t.is(server.stats.retransmissions, 1);
});

test('item 8: fragments the connection refused are not ACKed', (t) => {
  const { client, server } = makePair(serverId);
  client.connect(0);
  pump(client, server, 0, (from) => from === 'b');
  server.receive(
    plaintextRecord(
      'handshake',
      handshakeFragment({
        msgType: 'client_hello',
        length: 10,
        messageSeq: 3,
        fragmentOffset: 0,
        fragment: new Uint8Array(10),
      }),
    ),
    1,
  );
  server.handleTimeout(500);
  t.is(server.stats.retained.ackRecords, 0);
});
