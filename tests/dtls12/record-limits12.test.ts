/**
 * Issue 49 item 1, in memory: a 1.2 session reads at most 128 records of a
 * datagram (`limits.maxRecordsPerDatagram`) and, past 100 failures in a
 * second (`limits.maxFailedAuthenticationsPerSecond`), opens no more of a
 * datagram after its first failure: the 1.3 record layer's limits and drop
 * reasons, through the same IntegrityMonitor (runtime/dtls12/record-path.ts).
 * A 65,507-byte datagram of minimal forged epoch-1 records (1,770 of 37
 * bytes; 1,455 of 45 with an 8-byte RFC 9146 CID) was all decrypted before.
 * tests/dtls12/flood12-udp.test.ts sends the same over real UDP.
 */
import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import type { Dtls12Options } from '../../runtime/dtls12/config.js';
import { forgedFlood12, forgedRecord12 } from '../support/forged12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const certificate = { chain: id.chain, privateKey: id.privateKey };

function connected(options: Partial<Dtls12Options> = {}): Pair12<DtlsConnection> {
  const p = pair12(
    DtlsConnection.client({ ...ONLY_12, trustAnchors: [id.caDer], serverName: 'server.test', ...options }),
    DtlsConnection.server({ ...ONLY_12, certificate, ...options }),
  );
  p.client.connect(0);
  pump(p);
  if (p.server.state !== 'connected') throw new Error('no handshake');
  return p;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const got = (p: Pair12<DtlsConnection>, side: 'client' | 'server'): string[] =>
  p.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));

/** The client's next record for `s`, sealed and not delivered. */
function sealed(p: Pair12<DtlsConnection>, s: string): Uint8Array {
  p.client.send(text(s));
  return p.client.pollTransmit()!;
}

for (const cid of [undefined, 8] as const) {
  const name = cid === undefined ? 'plain records' : 'tls12_cid records';
  test(`${name}: a 65,507-byte datagram of forged records opens 128 at most, tries 100, drops the rest untried`, (t) => {
    const p = connected(cid === undefined ? {} : { cid });
    const local = p.server.connectionIds?.local;
    t.is(local?.length, cid);
    const flood = forgedFlood12(1000, 1, local);
    t.is(flood.records, cid === undefined ? 1770 : 1455);
    p.server.receive(flood.datagram, p.now);
    t.is(p.server.stats.drops.authentication, 100);
    t.is(p.server.stats.drops['authentication-rate'], 28);
    t.is(p.server.stats.drops['records-per-datagram'], 1);
    // A second flood in the same second costs one decryption; the client's own record still opens.
    p.server.receive(forgedFlood12(5000, 7, local).datagram, p.now + 500);
    t.is(p.server.stats.drops.authentication, 101);
    t.is(p.server.stats.drops['authentication-rate'], 28 + 127);
    p.server.receive(sealed(p, 'during'), p.now + 600);
    pump(p);
    t.deepEqual(got(p, 'server'), ['during']);
    t.is(p.server.state, 'connected');
    p.now += 1000;
    p.server.send(text('reply'));
    pump(p);
    t.deepEqual(got(p, 'client'), ['reply']);
  });
}

test('the caps are the limits options: maxRecordsPerDatagram 4 reads four records of a datagram, however many it holds', (t) => {
  const p = connected({ limits: { maxRecordsPerDatagram: 4 } });
  const records = [0, 1, 2, 3, 4, 5].map((i) => sealed(p, `m${i}`));
  const datagram = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  records.reduce((at, r) => (datagram.set(r, at), at + r.length), 0);
  p.server.receive(datagram, p.now);
  pump(p);
  t.deepEqual(got(p, 'server'), ['m0', 'm1', 'm2', 'm3']);
  t.is(p.server.stats.drops['records-per-datagram'], 1);
});

test('a datagram whose framing fails past the 128th record is still refused whole (malformed), as before the cap', (t) => {
  const p = connected();
  const flood = forgedFlood12(1000, 3);
  const cut = flood.datagram.subarray(0, flood.datagram.length - 5);
  p.server.receive(cut, p.now);
  t.is(p.server.stats.drops.malformed, 1);
  t.is(p.server.stats.drops.authentication, 0, 'nothing opened');
});

test("CCM_8, limits.integrityPolicy12 'rate': forgeries spend one failure of the key a second (its 2^7 over 128 s); the key’s records open again once the second ends", (t) => {
  // Issue 56 finding 5: this was the default; the default is now 'count' (tests/dtls12/integrity-policy12.test.ts).
  const p = connected({
    cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_128_ccm_8'],
    allowCcm8: true,
    limits: { integrityPolicy12: 'rate' },
  });
  // 3,000 forged datagrams within one second: one is tried.
  for (let i = 0; i < 3000; i++) p.server.receive(forgedRecord12(1, 100 + i, 1200, i), p.now + i / 10);
  t.is(p.server.stats.drops.authentication, 1);
  t.is(p.server.stats.drops['authentication-rate'], 2999);
  const during = sealed(p, 'during');
  p.server.receive(during, p.now + 500);
  t.deepEqual(
    got(p, 'server'),
    [],
    'while the flood’s second lasts, the key’s records are not tried (RFC 9147 Appendix B.3: CCM_8 needs such a safeguard)',
  );
  p.now += 1000;
  p.server.receive(sealed(p, 'after'), p.now);
  p.server.send(text('reply'));
  pump(p);
  t.deepEqual(got(p, 'server'), ['after']);
  t.deepEqual(got(p, 'client'), ['reply']);
  t.is(p.server.state, 'connected');
});
