/**
 * Issue 56 finding 5, attacker: forged datagrams at a steady rate from the
 * client's address, against an AES-128-CCM-8 session, with the client
 * sending 50 genuine records a second over a 50 ms round trip (simulated
 * clock over the sans-I/O connections: tests/support/forgery-rate.ts; the
 * attacker watches the client's records and forges under the key the
 * client writes with). Before, one forgery a second held the key's
 * records back for the rest of each second (the per-key rate of one
 * failure a second, from the first): 3 % of genuine records delivered in
 * both versions, 0 % at 100 a second. Now DTLS 1.3 opens every record
 * below 3/4 of the key's integrity limit and asks for new keys at 1/8 of
 * it, so forgeries make it rekey; DTLS 1.2, which cannot rekey, opens and
 * counts by default (`limits.integrityPolicy12` 'count'), and 'close' ends
 * the session at the limit. `npm run bench -- attacks` prints the figures.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { forgedRecord12 } from '../support/forged12.js';
import { forgeryRun } from '../support/forgery-rate.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump } from '../dtls12/pair12.js';

const id = makeIdentity('p256', 'server.test');

test('DTLS 1.3 CCM_8, 1 forged datagram a second: every genuine record delivered; the forgeries cause KeyUpdates, never a stall', (t) => {
  const o = forgeryRun(id, { version: 'DTLSv1.3', suite: 'ccm8', forgedPerSecond: 1 });
  t.is(o.ended, undefined);
  t.true(o.deliveredPercent >= 99, `${o.delivered} of ${o.sent} delivered`);
  t.is(o.authenticationRate, 0, 'no record dropped untried');
  t.is(o.authentication, o.forged, 'every forgery tried and counted');
  t.true(o.keyUpdates >= 1, 'the peer sent new keys when asked (1/8 of 2^7: 16 forgeries)');
});

test('DTLS 1.3 CCM_8, 100 forged datagrams a second: at least 90 % of genuine records delivered, the session goes on', (t) => {
  const o = forgeryRun(id, { version: 'DTLSv1.3', suite: 'ccm8', forgedPerSecond: 100 });
  t.is(o.ended, undefined);
  t.true(o.deliveredPercent >= 90, `${o.delivered} of ${o.sent} delivered`);
  // Each key took at most 2^7 failures: 3,200 forgeries could only be spent over 25 keys or more.
  t.true(o.keyUpdates >= o.authentication / 128, `${o.keyUpdates} KeyUpdates for ${o.authentication} failures`);
});

test('DTLS 1.2 CCM_8, 1 forged datagram a second, default limits.integrityPolicy12 (count): every genuine record delivered', (t) => {
  const o = forgeryRun(id, { version: 'DTLSv1.2', suite: 'ccm8', forgedPerSecond: 1 });
  t.is(o.ended, undefined);
  t.true(o.deliveredPercent >= 99, `${o.delivered} of ${o.sent} delivered`);
  t.is(o.authentication, o.forged, 'every forgery tried and counted (stats.drops.authentication)');
});

test('DTLS 1.2 CCM_8, limits.integrityPolicy12 rate: the per-key rate holds the genuine records back while the flood lasts (the trade-off it documents)', (t) => {
  const o = forgeryRun(id, {
    version: 'DTLSv1.2',
    suite: 'ccm8',
    forgedPerSecond: 1,
    serverLimits: { integrityPolicy12: 'rate' },
  });
  t.is(o.ended, undefined);
  t.true(o.deliveredPercent < 50, `${o.delivered} of ${o.sent} delivered`);
  t.true(o.authentication <= 33, 'one failure a second at most');
});

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

test('DTLS 1.2 CCM_8, limits.integrityPolicy12 close: the 2^7th failed record ends the session with bad_record_mac, not the one before', (t) => {
  const options = {
    minVersion: 'DTLSv1.2',
    maxVersion: 'DTLSv1.2',
    cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_128_ccm_8'],
    allowCcm8: true,
  } as const;
  const p = pair12(
    DtlsConnection.client({ ...options, trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.server({
      ...options,
      certificate: { chain: id.chain, privateKey: id.privateKey },
      limits: { integrityPolicy12: 'close' },
    }),
  );
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'connected');
  for (let i = 0; i < 127; i++) p.server.receive(forgedRecord12(1, 1000 + i, 64, i + 1), p.now + i * 1000);
  t.is(p.server.state, 'connected', '127 failures: still within the limit');
  p.client.send(text('within'));
  pump(p);
  t.true(p.events.server.some((e) => e.type === 'data' && new TextDecoder().decode(e.data) === 'within'));
  p.server.receive(forgedRecord12(1, 5000, 64, 999), p.now);
  t.is(p.server.failure?.alert, 'bad_record_mac');
  t.regex(p.server.failure?.message ?? '', /128 records failed authentication.*integrityPolicy12/);
});

test('DTLS 1.2 CCM_8, limits.integrityPolicy12 close: a datagram of forged records spends one failure, so the limit takes 2^7 datagrams, not two', (t) => {
  const options = {
    minVersion: 'DTLSv1.2',
    maxVersion: 'DTLSv1.2',
    cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_128_ccm_8'],
    allowCcm8: true,
  } as const;
  const p = pair12(
    DtlsConnection.client({ ...options, trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.server({
      ...options,
      certificate: { chain: id.chain, privateKey: id.privateKey },
      limits: { integrityPolicy12: 'close' },
    }),
  );
  p.client.connect(0);
  pump(p);
  const datagram = (n: number): Uint8Array => {
    const records = Array.from({ length: 100 }, (_, i) => forgedRecord12(1, 1000 + n * 100 + i, 24, n * 100 + i + 1));
    const out = new Uint8Array(records.reduce((sum, r) => sum + r.length, 0));
    records.reduce((at, r) => (out.set(r, at), at + r.length), 0);
    return out;
  };
  for (let n = 0; n < 127; n++) p.server.receive(datagram(n), p.now);
  t.is(p.server.state, 'connected');
  t.is(p.server.stats.drops.authentication, 127, 'one failure a datagram');
  t.is(p.server.stats.drops['authentication-rate'], 127 * 99, 'the rest of each datagram dropped untried');
  p.server.receive(datagram(127), p.now);
  t.is(p.server.failure?.alert, 'bad_record_mac');
});

test('limits.integrityPolicy12 is checked at configuration', (t) => {
  const e = t.throws(() => DtlsConnection.client({ limits: { integrityPolicy12: 'stall' as 'rate' } }), {
    instanceOf: ConfigError,
  });
  t.is(e?.option, 'limits.integrityPolicy12');
  t.notThrows(() => DtlsConnection.client({ limits: { integrityPolicy12: 'close' } }));
});
