import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { CryptoTimingModel, DEFAULT_PROFILE, NS, US } from '../../../hwmodel/timing/index.js';
import type { CryptoProfile, CryptoCostTable } from '../../../hwmodel/timing/index.js';

/** The default profile with a few figures set to values easy to check by hand. */
function profile(overrides: CryptoProfile['accelerated']['overrides'] = undefined): CryptoProfile {
  const t = DEFAULT_PROFILE.crypto.software.table;
  const table: CryptoCostTable = {
    ...t,
    aead: { ...t.aead, TLS_AES_128_GCM_SHA256: { seal: { setupUs: 2, perByteNs: 0.5 }, open: { setupUs: 3, perByteNs: 0.25 } } },
    mask: { ...t.mask, 'aes-256': { setupUs: 1.5, perByteNs: 0 } },
    hash: { ...t.hash, sha384: { setupUs: 1, perByteNs: 2 } },
    keyExchange: { ...t.keyExchange, x25519: { generateUs: 40, deriveUs: 50 } },
    signature: { ...t.signature, ed25519: { signUs: 30, verifyUs: 70 } },
  };
  const accelerated = { lanes: 4, speedup: { aead: 10, mask: 5, hash: 4, hmac: 4, hkdf: 4, keyExchange: 20, signature: 10 } };
  return { software: { lanes: 2, table }, accelerated: overrides === undefined ? accelerated : { ...accelerated, overrides } };
}

test('AEAD cost is setup plus per byte, seal and open apart', (t) => {
  const m = new CryptoTimingModel(profile());
  t.is(m.cost({ op: 'aead_seal', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1000 }), 2 * US + 500 * NS);
  t.is(m.cost({ op: 'aead_open', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1000 }), 3 * US + 250 * NS);
  t.is(m.cost({ op: 'aead_seal', suite: 'TLS_AES_128_GCM_SHA256', bytes: 0 }), 2 * US);
});

test('a suite is found by RFC name in any case or by AEAD algorithm name', (t) => {
  const m = new CryptoTimingModel(profile());
  const expected = 2 * US + 100 * NS;
  t.is(m.cost({ op: 'aead_seal', suite: 'tls_aes_128_gcm_sha256', bytes: 200 }), expected);
  t.is(m.cost({ op: 'aead_seal', algorithm: 'aes-128-gcm', bytes: 200 }), expected);
});

test('mask, hash, key exchange and signature costs come from their entries', (t) => {
  const m = new CryptoTimingModel(profile());
  t.is(m.cost({ op: 'mask', algorithm: 'aes-256', bytes: 16 }), 1.5 * US);
  t.is(m.cost({ op: 'mask', suite: 'TLS_AES_256_GCM_SHA384', bytes: 16 }), 1.5 * US, 'mask cipher derived from the suite');
  t.is(m.cost({ op: 'hash', algorithm: 'sha384', bytes: 64 }), 1 * US + 128 * NS);
  t.is(m.cost({ op: 'hash', suite: 'TLS_AES_256_GCM_SHA384', bytes: 64 }), 1 * US + 128 * NS, 'hash derived from the suite');
  t.is(m.cost({ op: 'kx_generate', algorithm: 'x25519', bytes: 0 }), 40 * US);
  t.is(m.cost({ op: 'kx_derive', algorithm: 'x25519', bytes: 32 }), 50 * US);
  t.is(m.cost({ op: 'sign', algorithm: 'ed25519', bytes: 130 }), 30 * US);
  t.is(m.cost({ op: 'verify', algorithm: 'ed25519', bytes: 130 }), 70 * US);
});

test('every suite, group and scheme of the default profile has a positive cost', (t) => {
  const m = new CryptoTimingModel(DEFAULT_PROFILE.crypto);
  for (const suite of Object.keys(DEFAULT_PROFILE.crypto.software.table.aead)) {
    t.true(m.cost({ op: 'aead_seal', suite, bytes: 1200 }) > m.cost({ op: 'aead_seal', suite, bytes: 100 }), suite);
  }
  for (const g of Object.keys(DEFAULT_PROFILE.crypto.software.table.keyExchange)) t.true(m.cost({ op: 'kx_derive', algorithm: g, bytes: 0 }) > 0, g);
  for (const s of Object.keys(DEFAULT_PROFILE.crypto.software.table.signature)) t.true(m.cost({ op: 'verify', algorithm: s, bytes: 100 }) > 0, s);
});

test('hardware acceleration divides by the op-class speed-up and changes the lane count', (t) => {
  const sw = new CryptoTimingModel(profile());
  const hw = new CryptoTimingModel(profile(), { accelerated: true });
  const seal = { op: 'aead_seal', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1000 } as const;
  t.is(hw.cost(seal), Math.round(sw.cost(seal) / 10));
  t.is(hw.cost({ op: 'kx_derive', algorithm: 'x25519', bytes: 0 }), (50 * US) / 20);
  t.is(hw.cost({ op: 'sign', algorithm: 'ed25519', bytes: 0 }), 3 * US);
  t.is(sw.lanes, 2);
  t.is(hw.lanes, 4);
});

test('an accelerated override replaces the computed figure for its entry only', (t) => {
  const hw = new CryptoTimingModel(profile({ keyExchange: { x25519: { generateUs: 1, deriveUs: 1.5 } } }), { accelerated: true });
  t.is(hw.cost({ op: 'kx_derive', algorithm: 'x25519', bytes: 0 }), 1.5 * US);
  t.is(hw.cost({ op: 'sign', algorithm: 'ed25519', bytes: 0 }), 3 * US, 'other entries still use the speed-up');
  const sw = new CryptoTimingModel(profile({ keyExchange: { x25519: { generateUs: 1, deriveUs: 1.5 } } }));
  t.is(sw.cost({ op: 'kx_derive', algorithm: 'x25519', bytes: 0 }), 50 * US, 'overrides do not apply in software');
});

test('the load factor multiplies every cost', (t) => {
  const idle = new CryptoTimingModel(profile());
  const loaded = new CryptoTimingModel(profile(), { loadFactor: 1.5 });
  for (const op of [
    { op: 'aead_open', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1000 },
    { op: 'verify', algorithm: 'ed25519', bytes: 0 },
  ] as const) {
    t.is(loaded.cost(op), Math.round(idle.cost(op) * 1.5));
  }
  t.throws(() => new CryptoTimingModel(profile(), { loadFactor: 0 }), { instanceOf: ConfigError, message: /loadFactor/ });
});

test('unknown algorithms and bad lengths are ConfigErrors naming the operation', (t) => {
  const m = new CryptoTimingModel(profile());
  const e = t.throws(() => m.cost({ op: 'sign', algorithm: 'dsa_sha1', bytes: 0 }), { instanceOf: ConfigError });
  t.is(e?.option, 'sign.algorithm');
  t.regex(e?.message ?? '', /dsa_sha1/);
  t.throws(() => m.cost({ op: 'aead_seal', suite: 'TLS_NULL', bytes: 1 }), { instanceOf: ConfigError, message: /aead_seal/ });
  t.throws(() => m.cost({ op: 'hash', algorithm: 'sha256', bytes: -1 }), { instanceOf: ConfigError, message: /hash\.bytes/ });
});

test('fromProfile applies the profile load factor unless overridden', (t) => {
  const op = { op: 'verify', algorithm: 'ed25519', bytes: 0 } as const;
  const p = { crypto: profile(), loadFactor: 2 };
  t.is(CryptoTimingModel.fromProfile(p).cost(op), 140 * US);
  t.is(CryptoTimingModel.fromProfile(p, { loadFactor: 1 }).cost(op), 70 * US);
  t.is(CryptoTimingModel.fromProfile(p, { accelerated: true }).cost(op), 14 * US);
});
