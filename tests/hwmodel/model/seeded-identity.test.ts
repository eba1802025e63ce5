/**
 * Seeded identities (hwmodel/model/identity.ts): the CA and server keys,
 * serials and signatures come from the seed, so one seed is one run byte
 * for byte (every datagram of every connection, the VCD, the Chrome trace
 * and the engine trace), and another seed is another run.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import { ConfigError } from '../../../runtime/config-error.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { US } from '../../../hwmodel/kernel/index.js';
import { StringSink } from '../../../hwmodel/trace/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('the same seed gives the same P-256 and Ed25519 identities byte for byte; another seed another', (t) => {
  for (const kind of ['p256', 'ed25519', 'p384'] as const) {
    const a = makeSimIdentity(kind, { seed: 11 });
    const b = makeSimIdentity(kind, { seed: 11 });
    const c = makeSimIdentity(kind, { seed: 12 });
    t.is(hex(a.certificate.chain[0]!), hex(b.certificate.chain[0]!), kind);
    t.is(hex(a.certificate.privateKey), hex(b.certificate.privateKey), kind);
    t.is(hex(a.trustAnchors[0]!), hex(b.trustAnchors[0]!), kind);
    t.not(hex(a.certificate.privateKey), hex(c.certificate.privateKey), kind);
    t.not(hex(a.certificate.chain[0]!), hex(c.certificate.chain[0]!), kind);
  }
});

test('a seeded identity refuses a kind it cannot derive, and a bad seed, with a typed error', (t) => {
  t.throws(() => makeSimIdentity('rsa2048'), { instanceOf: ConfigError, message: /certificate.*rsa2048/ });
  t.throws(() => makeSimIdentity('p256', { seed: -1 }), { instanceOf: ConfigError, message: /seed/ });
});

const counted = { transcripts: 0 };

/** Every output of one run as bytes: transcripts, VCD, Chrome trace, engine trace and the report. */
function runBytes(seed: number, identitySeed: number): string {
  const vcd = new StringSink();
  const trace = new StringSink();
  const engineTrace = new StringSink();
  const r = simulate({
    connections: 6,
    records: 3,
    seed,
    group: 'secp256r1',
    identity: makeSimIdentity('p256', { seed: identitySeed }),
    arrivalRate: 20_000,
    latency: 20 * US,
    transcripts: true,
    vcd,
    trace,
    engineTrace,
  });
  const h = createHash('sha256');
  for (const c of r.transcripts ?? [])
    for (const d of [...c.clientSent, ...c.serverSent, ...c.serverReceived, ...c.clientReceived]) h.update(d);
  h.update(vcd.text).update(trace.text).update(engineTrace.text).update(JSON.stringify(r.report));
  counted.transcripts = (r.transcripts ?? []).length;
  return h.digest('hex');
}

test('one seed, one run: two runs of seed 5 agree on every output byte; seed 6 differs', (t) => {
  const a = runBytes(5, 5);
  t.is(counted.transcripts, 6, 'every connection transcribed');
  const b = runBytes(5, 5);
  t.is(a, b);
  t.not(runBytes(6, 6), a);
  // The identity alone moves the bytes (its certificate and signatures are in the flights).
  t.not(runBytes(5, 6), a);
});
