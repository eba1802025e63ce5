import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import {
  anchoredLinearFit,
  COSTED_AS,
  CostSamples,
  compareFigure,
  costedUs,
  mean,
  median,
  quantile,
  recordTime,
  robustLinearFit,
  trimmedMean,
} from '../../../hwmodel/calibrate/index.js';
import type { CryptoOp } from '../../../hwmodel/model/crypto-ops.js';

const op = (kind: CryptoOp['kind'], algorithm: string, bytes: number, us: number): CryptoOp => ({
  kind,
  algorithm,
  bytes,
  ms: us / 1000,
});

test('median and trimmed mean ignore the tail', (t) => {
  t.is(median([5, 1, 3]), 3);
  t.is(median([4, 1, 3, 2]), 2.5);
  t.is(trimmedMean([1, 2, 3, 4, 100], 0.2), 3);
  t.is(trimmedMean([2, 4], 0), 3);
  t.is(mean([1, 2, 6]), 3);
  t.throws(() => mean([]), { instanceOf: ConfigError });
  t.throws(() => median([]), { instanceOf: ConfigError });
  t.throws(() => trimmedMean([1], 0.5), { instanceOf: ConfigError });
});

test('quantile interpolates between the sorted samples; recordTime keeps to the fast cluster of record chunks', (t) => {
  t.is(quantile([3, 1, 2], 0), 1);
  t.is(quantile([3, 1, 2], 1), 3);
  t.is(quantile([4, 1, 3, 2], 0.5), 2.5);
  t.is(quantile([10, 20], 0.25), 12.5);
  t.throws(() => quantile([], 0.1), { instanceOf: ConfigError });
  t.throws(() => quantile([1], 1.5), { instanceOf: ConfigError });
  // Chunks as the calibration saw them: a tight fast cluster and 60 % of them two to three times slower.
  const fast = [8.4, 8.5, 8.6, 8.7, 8.8, 8.5, 8.6, 8.9, 8.4, 8.6];
  const slow = [17, 22, 25, 19, 30, 21, 18, 27, 24, 20, 26, 23, 16, 29, 28];
  const t0 = recordTime([...fast, ...slow]);
  t.true(t0 >= 8.4 && t0 <= 8.9, `${t0}`);
  t.true(median([...fast, ...slow]) > 16); // what the median made of the same chunks
});

test('robustLinearFit recovers a line through noisy buckets and shrugs off outliers', (t) => {
  const samples = [];
  for (const bytes of [16, 64, 256, 1024, 4096, 16384]) {
    for (const noise of [-0.02, -0.01, 0, 0, 0.01, 0.02]) samples.push({ bytes, us: 3 + bytes * 0.0005 + noise });
    samples.push({ bytes, us: 500 }); // a preempted call
  }
  const fit = robustLinearFit(samples);
  t.true(Math.abs(fit.setupUs - 3) < 1e-6, String(fit.setupUs));
  t.true(Math.abs(fit.perByteNs - 0.5) < 1e-6, String(fit.perByteNs));
  const fixed = robustLinearFit([
    { bytes: 16, us: 2 },
    { bytes: 16, us: 9 },
    { bytes: 16, us: 3 },
  ]);
  t.deepEqual(fixed, { setupUs: 3, perByteNs: 0 });
});

test('CostSamples files logged operations under the table entries the model charges them to', (t) => {
  const s = new CostSamples();
  s.addAll([
    op('aead_seal', 'aes-128-gcm', 100, 5),
    op('aead_seal', 'aes-128-gcm', 1000, 6),
    op('aead_open', 'aes-128-gcm', 100, 7),
    op('aead_open', 'aes-128-gcm', 1000, 8),
    op('aead_seal', 'chacha20-poly1305', 100, 1), // no open: no entry
    op('mask', 'chacha20', 16, 4),
    op('mask', 'chacha20', 16, 2),
    op('mask', 'chacha20', 16, 3),
    op('hkdf_extract', 'sha384', 48, 10),
    op('hkdf_expand', 'sha384', 48, 12),
    op('hkdf_expand', 'sha384', 48, 11),
    op('kx_generate', 'x25519', 0, 40),
    op('kx_derive', 'x25519', 0, 50),
    op('kx_derive', 'x25519', 0, 70),
    op('kx_derive', 'x25519', 0, 60),
    op('kx_generate', 'secp256r1', 0, 30), // no derive: no entry
    op('sign', 'ed25519', 100, 20),
    op('verify', 'ed25519', 100, 30),
    op('aead_key', 'aes-128-gcm', 16, 999),
    op('random', 'random', 32, 999),
    op('key_import', 'spki', 91, 999),
  ]);
  const o = s.overrides();
  const seal = o.aead?.TLS_AES_128_GCM_SHA256?.seal;
  t.true(
    Math.abs((seal?.setupUs ?? 0) - (5 - 100 / 900)) < 1e-9 && Math.abs((seal?.perByteNs ?? 0) - 1000 / 900) < 1e-9,
    JSON.stringify(seal),
  );
  t.is(o.aead?.TLS_AES_128_GCM_SHA256?.open.setupUs, seal?.setupUs === undefined ? -1 : seal.setupUs + 2);
  t.is(o.aead?.TLS_CHACHA20_POLY1305_SHA256, undefined);
  t.deepEqual(o.mask?.chacha20, { setupUs: 3, perByteNs: 0 });
  t.deepEqual(o.hkdf?.sha384, { setupUs: 11, perByteNs: 0 });
  t.is(o.hkdf?.sha256, undefined);
  t.deepEqual(o.keyExchange?.x25519, { generateUs: 40, deriveUs: 60 });
  t.is(o.keyExchange?.secp256r1, undefined);
  t.deepEqual(o.signature?.ed25519, { signUs: 20, verifyUs: 30 });
  t.is(s.count('x25519/kx_derive'), 3);
  t.is(COSTED_AS.hkdf_expand, 'hkdf');
  t.is(COSTED_AS.aead_key, undefined);
  t.is(costedUs([op('hash', 'sha256', 10, 2), op('random', 'random', 32, 50), op('verify', 'ed25519', 1, 3)]), 5);
});

test('compareFigure: ratio is predicted over measured, within the tolerance either side', (t) => {
  const target = { suite: 'tls_aes_128_gcm_sha256', group: 'x25519', scheme: 'ed25519' } as const;
  const over = compareFigure(target, 'handshakeMs', 4, 5, 0.1);
  t.like(over, { ratio: 1.25, within: false, measured: 4, predicted: 5, metric: 'handshakeMs' });
  t.like(compareFigure(target, 'recordsPerSecond', 1000, 920, 0.1), { ratio: 0.92, within: true });
  t.like(compareFigure(target, 'recordsPerSecond', 1000, 890, 0.1), { within: false });
  t.like(compareFigure(target, 'recordsPerSecond', 0, 890, 0.1), { within: false });
});

test("anchoredLinearFit takes the slope from direct timing and the fixed cost from the protocol's own calls", (t) => {
  const direct = [16, 256, 4096, 16384].flatMap((bytes) =>
    [0, 0.01, -0.01].map((noise) => ({ bytes, us: 10 + bytes * 0.0005 + noise })),
  );
  const inPlace = [1201, 1201, 1217, 1201, 50].map((bytes, i) => ({
    bytes,
    us: 2 + bytes * 0.0005 + (i === 4 ? 40 : 0),
  }));
  const fit = anchoredLinearFit(inPlace, direct);
  t.true(Math.abs(fit.perByteNs - 0.5) < 1e-6, String(fit.perByteNs));
  t.true(Math.abs(fit.setupUs - 2) < 1e-9, String(fit.setupUs));
  t.deepEqual(anchoredLinearFit([], direct), robustLinearFit(direct));
  const s = new CostSamples();
  for (const p of direct) s.add(op('hmac', 'sha256', p.bytes, p.us), 'direct');
  for (const p of inPlace) s.add(op('hmac', 'sha256', p.bytes, p.us));
  t.deepEqual(s.overrides().hmac?.sha256, fit);
  t.is(s.count('hmac/sha256'), direct.length + inPlace.length);
});
