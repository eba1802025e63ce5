/**
 * The 1.2 record layer under a hostile network (RFC 6347 §4.1.2.6,
 * §4.1.2.7): replays inside and outside the 64-record window, records of
 * an epoch that does not exist, a flood of epoch-1 records before the
 * ChangeCipherSpec (at most 8 held), explicit nonces and tags cut short,
 * length fields that run past the datagram. Each is dropped and counted
 * under its reason, nothing is thrown, and the session goes on.
 */
import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { decodeDatagram12, encodeDatagram12, type Dtls12WireRecord } from '../../runtime/record/datagram12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const SUITE = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';

function fresh(): Pair12<DtlsConnection> {
  return pair12(
    DtlsConnection.client({ ...ONLY_12, trustAnchors: [id.caDer], serverName: 'server.test', cipherSuites12: [SUITE] }),
    DtlsConnection.server({ ...ONLY_12, certificate, cipherSuites12: [SUITE] }),
  );
}

function connected(): Pair12<DtlsConnection> {
  const p = fresh();
  p.client.connect(0);
  pump(p);
  if (p.client.state !== 'connected' || p.server.state !== 'connected') throw new Error('no handshake');
  return p;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const received = (p: Pair12<DtlsConnection>): string[] =>
  p.events.server.flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));

/** `n` application data records the client sealed, one datagram each, not delivered. */
function sealed(p: Pair12<DtlsConnection>, n: number, label = 'm'): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    p.client.send(text(`${label}${i}`));
    out.push(p.client.pollTransmit()!);
  }
  return out;
}

/** The session still carries data both ways. */
function stillWorks(t: import('ava').ExecutionContext, p: Pair12<DtlsConnection>): void {
  const before = received(p).length;
  p.client.send(text('after'));
  p.server.send(text('reply'));
  pump(p);
  t.is(p.server.state, 'connected');
  t.is(p.client.state, 'connected');
  t.deepEqual(received(p).slice(before), ['after']);
  t.true(p.events.client.some((e) => e.type === 'data' && new TextDecoder().decode(e.data) === 'reply'));
}

test('replays: inside the window refused as replay, left of it as too-old; an unseen record inside the window still taken', (t) => {
  const p = connected();
  const records = sealed(p, 70);
  // Record 65 and record 1 are held back (reordered), the rest delivered in order.
  records.forEach((r, i) => i !== 65 && i !== 1 && p.server.receive(r, p.now));
  pump(p);
  t.is(received(p).length, 68);
  const drops = { ...p.server.stats.drops };
  p.server.receive(records[60]!, p.now); // seen, inside the window (highest 69, window 6..69)
  p.server.receive(records[69]!, p.now); // seen, the highest
  p.server.receive(records[3]!, p.now); // seen, left of the window
  p.server.receive(records[1]!, p.now); // never seen, but left of the window: RFC 6347 §4.1.2.6 rejects it
  p.server.receive(records[65]!, p.now); // never seen, inside the window: taken
  pump(p);
  t.is(p.server.stats.drops.replay - drops.replay, 2);
  t.is(p.server.stats.drops['too-old'] - drops['too-old'], 2);
  t.deepEqual(received(p).slice(68), ['m65']);
  t.is(received(p).filter((m) => m === 'm60').length, 1, 'delivered once');
  stillWorks(t, p);
});

test('records of epochs that do not exist (2, 65535) are dropped as unknown-epoch', (t) => {
  const p = connected();
  const [genuine] = sealed(p, 1);
  const drops = p.server.stats.drops['unknown-epoch'];
  for (const epoch of [2, 3, 0xffff]) {
    const future = genuine!.slice();
    future[3] = epoch >>> 8;
    future[4] = epoch & 0xff;
    p.server.receive(future, p.now);
  }
  t.is(p.server.stats.drops['unknown-epoch'] - drops, 3);
  t.deepEqual(received(p), []);
  p.server.receive(genuine!, p.now); // the real one, epoch 1, still opens
  pump(p);
  t.deepEqual(received(p), ['m0']);
  stillWorks(t, p);
});

test('a flood of epoch-1 records before the ChangeCipherSpec: 8 held, the rest dropped; the held forgeries fail, the handshake completes', (t) => {
  const p = fresh();
  let flooded = false;
  const FLOOD = 20;
  p.client.connect(0);
  pump(p, (from, d) => {
    if (from !== 'client' || flooded) return d;
    const records = decodeDatagram12(d);
    const ccs = records.findIndex((w) => w.kind === 'record' && w.record.type === 'change_cipher_spec');
    if (ccs < 0) return d;
    flooded = true;
    // ClientKeyExchange first (the server then has its pending read keys), then the flood, then ChangeCipherSpec + Finished.
    p.server.receive(encodeDatagram12(records.slice(0, ccs)), p.now);
    const finished = records.find((w) => w.record.epoch === 1);
    if (finished?.kind !== 'record') throw new Error('no epoch-1 Finished');
    for (let i = 0; i < FLOOD; i++) {
      const forged: Dtls12WireRecord = {
        kind: 'record',
        record: {
          ...finished.record,
          sequenceNumber: 100 + i,
          fragment: finished.record.fragment.map((b, k) => (k === 9 ? b ^ (i + 1) : b)),
        },
      };
      p.server.receive(encodeDatagram12([forged]), p.now);
    }
    t.is(p.server.stats.drops['unknown-epoch'], FLOOD - 8, 'all but 8 dropped before the ChangeCipherSpec');
    return encodeDatagram12(records.slice(ccs));
  });
  t.true(flooded);
  t.is(p.server.state, 'connected');
  t.is(p.server.stats.drops.authentication, 8, 'the 8 held records opened after the ChangeCipherSpec, and failed');
  stillWorks(t, p);
});

test('explicit nonces and tags cut short are dropped as too-short; a length past the datagram as malformed', (t) => {
  const p = connected();
  const [genuine] = sealed(p, 1);
  const header = genuine!.subarray(0, 13);
  const withFragment = (n: number): Uint8Array => {
    const r = new Uint8Array(13 + n);
    r.set(header);
    r[11] = n >>> 8;
    r[12] = n & 0xff;
    r.set(genuine!.subarray(13, 13 + n), 13);
    return r;
  };
  const drops = { ...p.server.stats.drops };
  // 0..7 bytes: not even the explicit nonce; 8..23: the nonce, but no room for the 16-byte tag.
  for (const n of [0, 1, 7, 8, 15, 23]) p.server.receive(withFragment(n), p.now);
  t.is(p.server.stats.drops['too-short'] - drops['too-short'], 6);
  // Length fields past the datagram: the record's own, and a second record's after a whole first one.
  const past = genuine!.slice();
  past[11] = 0x40;
  p.server.receive(past, p.now);
  const second = Uint8Array.from([...genuine!, ...header.slice(0, 11), 0x00, 0xff, 1, 2, 3]);
  p.server.receive(second, p.now);
  const cut = genuine!.subarray(0, 12); // a header cut inside its length field
  p.server.receive(cut, p.now);
  t.is(p.server.stats.drops.malformed - drops.malformed, 3);
  t.deepEqual(received(p), [], 'nothing delivered from a datagram that does not parse');
  p.server.receive(genuine!, p.now);
  pump(p);
  t.deepEqual(received(p), ['m0']);
  stillWorks(t, p);
});
