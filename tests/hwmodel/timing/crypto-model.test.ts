import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { CryptoTimingModel, cryptoUnitOf, DEFAULT_PROFILE, NS, US } from '../../../hwmodel/timing/index.js';
import type { AcceleratedCrypto, CryptoProfile, CryptoCostTable } from '../../../hwmodel/timing/index.js';

/** The default profile with a few figures set to values easy to check by hand. */
function profile(): CryptoProfile {
  const t = DEFAULT_PROFILE.crypto.software.table;
  const table: CryptoCostTable = {
    ...t,
    aead: {
      ...t.aead,
      TLS_AES_128_GCM_SHA256: { seal: { setupUs: 2, perByteNs: 0.5 }, open: { setupUs: 3, perByteNs: 0.25 } },
    },
    mask: { ...t.mask, 'aes-256': { setupUs: 1.5, perByteNs: 0 } },
    hash: { ...t.hash, sha384: { setupUs: 1, perByteNs: 2 } },
    keyExchange: { ...t.keyExchange, x25519: { generateUs: 40, deriveUs: 50 } },
    signature: { ...t.signature, ed25519: { signUs: 30, verifyUs: 70 } },
  };
  const a = DEFAULT_PROFILE.crypto.accelerated;
  const accelerated: AcceleratedCrypto = {
    ...a,
    aead: {
      ...a.aead,
      TLS_AES_128_GCM_SHA256: {
        seal: { setupCycles: 40, bytesPerCycle: 16 },
        open: { setupCycles: 50, bytesPerCycle: 8 },
      },
    },
    keyExchange: { ...a.keyExchange, x25519: { generateCycles: 1000, deriveCycles: 1500 } },
  };
  return { software: { lanes: 2, table }, accelerated };
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
  t.is(
    m.cost({ op: 'mask', suite: 'TLS_AES_256_GCM_SHA384', bytes: 16 }),
    1.5 * US,
    'mask cipher derived from the suite',
  );
  t.is(m.cost({ op: 'hash', algorithm: 'sha384', bytes: 64 }), 1 * US + 128 * NS);
  t.is(
    m.cost({ op: 'hash', suite: 'TLS_AES_256_GCM_SHA384', bytes: 64 }),
    1 * US + 128 * NS,
    'hash derived from the suite',
  );
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
  for (const g of Object.keys(DEFAULT_PROFILE.crypto.software.table.keyExchange))
    t.true(m.cost({ op: 'kx_derive', algorithm: g, bytes: 0 }) > 0, g);
  for (const s of Object.keys(DEFAULT_PROFILE.crypto.software.table.signature))
    t.true(m.cost({ op: 'verify', algorithm: s, bytes: 100 }) > 0, s);
});

test('accelerated costs are cycles at the engine clock: setup plus the data at bytes per cycle, rounded up', (t) => {
  const hw = new CryptoTimingModel(profile(), { accelerated: true, clockPeriod: 2 * NS });
  t.is(hw.cycles({ op: 'aead_seal', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1000 }), 40 + 63);
  t.is(hw.cost({ op: 'aead_seal', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1000 }), (40 + 63) * 2 * NS);
  t.is(hw.cost({ op: 'aead_open', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1000 }), (50 + 125) * 2 * NS);
  t.is(hw.cost({ op: 'kx_derive', algorithm: 'x25519', bytes: 0 }), 1500 * 2 * NS);
  const fast = new CryptoTimingModel(profile(), { accelerated: true, clockPeriod: 1 * NS });
  t.is(
    fast.cost({ op: 'kx_generate', algorithm: 'x25519', bytes: 0 }),
    1000 * NS,
    'a faster clock, a shorter operation',
  );
  t.throws(() => new CryptoTimingModel(profile(), { accelerated: true, clockPeriod: 0 }), {
    instanceOf: ConfigError,
    message: /clockPeriod/,
  });
});

test('the accelerator does not follow the software table or the host load (a recalibrated host leaves it alone)', (t) => {
  const p = profile();
  const slowHost: CryptoProfile = {
    ...p,
    software: {
      ...p.software,
      table: {
        ...p.software.table,
        keyExchange: { ...p.software.table.keyExchange, x25519: { generateUs: 400, deriveUs: 500 } },
      },
    },
  };
  const op = { op: 'kx_derive', algorithm: 'x25519', bytes: 0 } as const;
  t.is(
    new CryptoTimingModel(slowHost, { accelerated: true }).cost(op),
    new CryptoTimingModel(p, { accelerated: true }).cost(op),
  );
  t.is(
    new CryptoTimingModel(p, { accelerated: true, loadFactor: 3 }).cost(op),
    new CryptoTimingModel(p, { accelerated: true }).cost(op),
  );
  t.not(new CryptoTimingModel(slowHost).cost(op), new CryptoTimingModel(p).cost(op));
});

test('operations go to the symmetric or the public-key unit', (t) => {
  t.is(cryptoUnitOf('aead_seal'), 'symmetric');
  t.is(cryptoUnitOf('mask'), 'symmetric');
  t.is(cryptoUnitOf('hkdf'), 'symmetric');
  t.is(cryptoUnitOf('kx_derive'), 'publicKey');
  t.is(cryptoUnitOf('sign'), 'publicKey');
  t.is(cryptoUnitOf('verify'), 'publicKey');
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
  t.throws(() => new CryptoTimingModel(profile(), { loadFactor: 0 }), {
    instanceOf: ConfigError,
    message: /loadFactor/,
  });
});

test('unknown algorithms and bad lengths are ConfigErrors naming the operation', (t) => {
  const m = new CryptoTimingModel(profile());
  const e = t.throws(() => m.cost({ op: 'sign', algorithm: 'dsa_sha1', bytes: 0 }), { instanceOf: ConfigError });
  t.is(e?.option, 'sign.algorithm');
  t.regex(e?.message ?? '', /dsa_sha1/);
  t.throws(() => m.cost({ op: 'aead_seal', suite: 'TLS_NULL', bytes: 1 }), {
    instanceOf: ConfigError,
    message: /aead_seal/,
  });
  t.throws(() => m.cost({ op: 'hash', algorithm: 'sha256', bytes: -1 }), {
    instanceOf: ConfigError,
    message: /hash\.bytes/,
  });
});

test('fromProfile applies the profile load factor unless overridden', (t) => {
  const op = { op: 'verify', algorithm: 'ed25519', bytes: 0 } as const;
  const p = { crypto: profile(), loadFactor: 2 };
  t.is(CryptoTimingModel.fromProfile(p).cost(op), 140 * US);
  t.is(CryptoTimingModel.fromProfile(p, { loadFactor: 1 }).cost(op), 70 * US);
  t.is(
    CryptoTimingModel.fromProfile(p, { accelerated: true }).cost(op),
    p.crypto.accelerated.signature.ed25519.verifyCycles * 2 * NS,
    'the engine ignores the host load',
  );
});
