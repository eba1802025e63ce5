/**
 * Forged records are cheap to send: one 65,499-byte datagram carries 3,119
 * minimal ones (21 bytes each). A session reads 128 records of a datagram
 * at most (`limits.maxRecordsPerDatagram`) and, past 100 failing ones in a
 * second (`limits.maxFailedAuthenticationsPerSecond`), opens no more of a
 * datagram after its first failure, so the peer's own records still open;
 * CCM_8, whose integrity limit is 2^7 forgeries, needs `allowCcm8`.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { bytesFrom, forgedCiphertext } from '../support/attacker.js';
import { handshake, roundTrip } from '../support/handshake.js';
import type { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const serverId = makeIdentity('p256', 'server.test');

/** The most minimal forged records (unified header, 16-bit sequence number, length, 16 bytes) that fit a 65,507-byte datagram. */
function floodDatagram(seed: number): Uint8Array {
  const records: Uint8Array[] = [];
  for (let i = 0; (i + 1) * 21 <= 65_507; i++) records.push(forgedCiphertext(3, i, bytesFrom(seed + i, 16)));
  const out = new Uint8Array(records.length * 21);
  records.forEach((r, i) => out.set(r, i * 21));
  return out;
}

/** One genuine record from the client, opened by the server at `at`: what the server handed up. */
function genuineAt(link: Link, at: number, text: string): string[] {
  link.client.send(new TextEncoder().encode(text));
  const out: string[] = [];
  for (let d = link.client.pollTransmit(); d !== undefined; d = link.client.pollTransmit()) link.server.receive(d, at);
  for (let e = link.server.pollEvent(); e; e = link.server.pollEvent())
    if (e.type === 'data') out.push(new TextDecoder().decode(e.data));
  return out;
}

test('a datagram of 3,119 forged records: 128 read, 100 decryptions tried, the rest dropped unread and counted', (t) => {
  const { link } = handshake(serverId);
  const flood = floodDatagram(1);
  t.is(flood.length, 3119 * 21);
  link.server.receive(flood, link.now);
  const drops = link.server.stats.drops;
  t.is(drops.authentication, 100);
  t.is(drops['authentication-rate'], 28);
  t.is(drops['records-per-datagram'], 1);
  // A second flood in the same second costs one decryption.
  link.server.receive(floodDatagram(5000), link.now + 500);
  t.is(link.server.stats.drops.authentication, 101);
  t.is(link.server.stats.drops['authentication-rate'], 28 + 127);
  t.is(link.server.failure, undefined);
});

test("a flood does not stall the session: within the flooded second the peer's own records still open, and after it", (t) => {
  const { link } = handshake(serverId);
  const start = link.now;
  for (let i = 0; i < 20; i++) link.server.receive(floodDatagram(7 + i * 4000), start + i);
  t.deepEqual(genuineAt(link, start + 500, 'during'), ['during'], 'a genuine datagram opens between flood datagrams');
  t.deepEqual(genuineAt(link, start + 1000, 'after'), ['after']);
  link.now = start + 1000;
  const { atServer, atClient } = roundTrip(link, 'later');
  t.deepEqual([atServer.at(-1), atClient.at(-1)], ['later to server', 'later to client']);
});

test('CCM_8 is refused unless allowCcm8 is set, naming cipherSuites', (t) => {
  for (const make of [
    () => DtlsConnection.client({ cipherSuites: ['tls_aes_128_ccm_8_sha256'] }),
    () => DtlsConnection.server({ certificate: serverId, cipherSuites: ['tls_aes_128_ccm_8_sha256'] }),
  ]) {
    const e = t.throws(make, { instanceOf: ConfigError });
    t.is(e?.option, 'cipherSuites');
    t.regex(e?.message ?? '', /allowCcm8: true/);
  }
  t.is(
    t.throws(() => DtlsConnection.client({ allowCcm8: 'yes' as unknown as boolean }), { instanceOf: ConfigError })
      ?.option,
    'allowCcm8',
  );
  t.notThrows(() => DtlsConnection.client({ cipherSuites: ['tls_aes_128_ccm_8_sha256'], allowCcm8: true }));
});

test('with allowCcm8, a flood datagram spends one failure of the CCM_8 key: one a datagram (its rate, one a second, starts at 3/4 of 2^7)', (t) => {
  // Issue 56 finding 5: before, the key's rate (one a second) applied from its first failure and the second flood was not tried.
  const ccm8 = { cipherSuites: ['tls_aes_128_ccm_8_sha256'], allowCcm8: true } as const;
  const { link } = handshake(serverId, { client: ccm8, server: ccm8 });
  link.server.receive(floodDatagram(11), link.now);
  link.server.receive(floodDatagram(12), link.now + 999);
  t.is(link.server.failure, undefined);
  t.is(link.server.stats.drops.authentication, 2);
  t.is(link.server.stats.drops['authentication-rate'], 127 + 127, 'the rest of each datagram: dropped untried');
  const { atServer } = roundTrip(link, 'ccm8');
  t.is(atServer.at(-1), 'ccm8 to server');
});

test('CCM_8: forgeries that reach 1/8 of the integrity limit ask for new keys (update_requested); the new epoch opens, the session goes on', (t) => {
  const ccm8 = { cipherSuites: ['tls_aes_128_ccm_8_sha256'], allowCcm8: true } as const;
  const { link } = handshake(serverId, { client: ccm8, server: ccm8 });
  t.is(link.server.stats.drops.authentication, 0);
  const updatesBefore = link.client.stats.handshakeMessagesReceived;
  const answersBefore = link.server.stats.handshakeMessagesReceived;
  // One flood datagram a second: each spends one failure of the epoch-3 key (the key's rate), 16 reach 1/8 of 2^7.
  for (let i = 0; i < 16; i++) link.server.receive(floodDatagram(100 + i * 4000), link.now + i * 1000);
  t.is(link.server.stats.drops.authentication, 16);
  link.run(link.now + 16_000);
  t.is(link.server.failure, undefined);
  t.true(link.client.stats.handshakeMessagesReceived > updatesBefore, 'the server sent a KeyUpdate');
  const { atServer, atClient } = roundTrip(link, 'rekeyed');
  t.deepEqual([atServer.at(-1), atClient.at(-1)], ['rekeyed to server', 'rekeyed to client']);
  t.true(
    link.server.stats.handshakeMessagesReceived > answersBefore,
    'the client answered with a KeyUpdate of its own: its keys moved on',
  );
});

test('the caps are limits options, checked at configuration', (t) => {
  for (const [name, value] of [
    ['maxRecordsPerDatagram', 0],
    ['maxFailedAuthenticationsPerSecond', 0],
    ['maxRecordsPerDatagram', 1.5],
  ] as const) {
    const e = t.throws(() => DtlsConnection.client({ limits: { [name]: value } }), { instanceOf: ConfigError });
    t.is(e?.option, `limits.${name}`);
  }
});
