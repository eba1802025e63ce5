import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import test from 'ava';
import {
  exportKeyingMaterial,
  extendedMasterSecret,
  keyBlock,
  masterSecret,
  verifyData,
} from '../../runtime/dtls12/key-derivation.js';
import { prf } from '../../runtime/dtls12/prf.js';
import { DTLS12_CIPHER_SUITES } from '../../runtime/versions/suites12.js';
import { fromHex, hex } from '../support/canon.js';
import { PROVIDERS } from '../support/providers.js';
import { PRF_VECTORS } from '../vectors/tls12-prf.js';

/**
 * The TLS 1.2 PRF and what is derived with it, against the published PRF
 * vectors and against Debian's OpenSSL 3 (`openssl kdf … TLS1-PRF`), an
 * implementation that shares no code with ours: random secrets and seeds,
 * the labels of RFC 5246 §8.1, §6.3 and §7.4.9, RFC 7627 §4 and RFC 5705.
 */

/** OpenSSL's TLS1-PRF of `secret` over `label` + `seed` (its "seed" options are concatenated). */
function opensslPrf(
  hash: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): string {
  const args = [
    'kdf',
    '-keylen',
    String(length),
    '-kdfopt',
    `digest:${hash.toUpperCase()}`,
    '-kdfopt',
    `hexsecret:${hex(secret)}`,
    '-kdfopt',
    `seed:${label}`,
  ];
  if (seed.length > 0) args.push('-kdfopt', `hexseed:${hex(seed)}`);
  args.push('TLS1-PRF');
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl kdf failed: ${r.stderr}`);
  return r.stdout.trim().replace(/:/g, '').toLowerCase();
}

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

for (const provider of PROVIDERS) {
  test(`${provider.name}: the published TLS 1.2 PRF vectors (P_SHA256, P_SHA384)`, (t) => {
    for (const v of PRF_VECTORS) {
      const out = prf(provider, v.hash, fromHex(v.secret), v.label, fromHex(v.seed), v.output.length / 2);
      t.is(hex(out), v.output, v.hash);
    }
  });

  test(`${provider.name}: every prefix length of P_hash is the prefix of the longer output (blocks cut, not recomputed)`, (t) => {
    const v = PRF_VECTORS[0]!;
    for (const n of [0, 1, 31, 32, 33, 64, 99])
      t.is(hex(prf(provider, v.hash, fromHex(v.secret), v.label, fromHex(v.seed), n)), v.output.slice(0, 2 * n));
  });
}

test('master secret, extended master secret, key block, verify_data and exporter equal OpenSSL TLS1-PRF with the RFC labels', (t) => {
  const provider = PROVIDERS[0]!;
  for (const hash of ['sha256', 'sha384'] as const) {
    for (let round = 0; round < 3; round++) {
      const pms = randomBytes(32 + round * 17);
      const cr = randomBytes(32);
      const sr = randomBytes(32);
      const sessionHash = randomBytes(hash === 'sha256' ? 32 : 48);
      t.is(
        hex(masterSecret(provider, hash, pms, cr, sr)),
        opensslPrf(hash, pms, 'master secret', concat(cr, sr), 48),
        `${hash} master secret`,
      );
      const ems = extendedMasterSecret(provider, hash, pms, sessionHash);
      t.is(
        hex(ems),
        opensslPrf(hash, pms, 'extended master secret', sessionHash, 48),
        `${hash} extended master secret`,
      );
      t.is(
        hex(verifyData(provider, hash, ems, 'client', sessionHash)),
        opensslPrf(hash, ems, 'client finished', sessionHash, 12),
      );
      t.is(
        hex(verifyData(provider, hash, ems, 'server', sessionHash)),
        opensslPrf(hash, ems, 'server finished', sessionHash, 12),
      );
      const ctx = randomBytes(round * 5);
      t.is(
        hex(exportKeyingMaterial(provider, hash, ems, 'EXTRACTOR-dtls_srtp', cr, sr, ctx, 60)),
        opensslPrf(
          hash,
          ems,
          'EXTRACTOR-dtls_srtp',
          concat(cr, sr, Uint8Array.of(ctx.length >> 8, ctx.length & 0xff), ctx),
          60,
        ),
      );
      t.is(
        hex(exportKeyingMaterial(provider, hash, ems, 'EXTRACTOR-dtls_srtp', cr, sr, undefined, 60)),
        opensslPrf(hash, ems, 'EXTRACTOR-dtls_srtp', concat(cr, sr), 60),
      );
    }
  }
});

test('the key block of each 1.2 suite: key expansion over server_random + client_random, cut client key, server key, client IV, server IV', (t) => {
  const provider = PROVIDERS[0]!;
  const master = randomBytes(48);
  const cr = randomBytes(32);
  const sr = randomBytes(32);
  for (const suite of Object.values(DTLS12_CIPHER_SUITES)) {
    const k = suite.keyLength;
    const iv = suite.fixedIvLength;
    const expected = opensslPrf(suite.hash, master, 'key expansion', concat(sr, cr), 2 * k + 2 * iv);
    const kb = keyBlock(provider, suite, master, cr, sr);
    t.is(hex(kb.client.key) + hex(kb.server.key) + hex(kb.client.iv) + hex(kb.server.iv), expected, suite.name);
    t.is(kb.client.iv.length, suite.nonce === 'xor' ? 12 : 4);
  }
});

test('exporter labels the PRF already uses are refused (RFC 5705 §4), and so is a context over 2^16 - 1 bytes', (t) => {
  const provider = PROVIDERS[0]!;
  const z = new Uint8Array(32);
  for (const label of [
    'client finished',
    'server finished',
    'master secret',
    'key expansion',
    'extended master secret',
  ]) {
    t.throws(() => exportKeyingMaterial(provider, 'sha256', z, label, z, z, undefined, 16), { instanceOf: RangeError });
  }
  t.throws(() => exportKeyingMaterial(provider, 'sha256', z, 'EXPERIMENTAL', z, z, new Uint8Array(65536), 16), {
    instanceOf: RangeError,
  });
});
