import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { nativeBinding, type NativeBinding } from '../../runtime/crypto/native/binding.js';
import { NATIVE_DISABLED_BY_ENV, nativeProvider, nativeUnavailableReason } from '../../runtime/crypto/native/index.js';
import { nativeRandomBytes } from '../../runtime/crypto/native/random.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { CryptoError, type CryptoProvider, type HashAlgorithm } from '../../runtime/crypto/provider.js';
import { fromHex, hex } from '../support/canon.js';
import { RFC7748_EXCHANGE, rfc7748Exchange } from '../support/native-x25519.js';

/**
 * HMAC, HKDF, the incremental hash, X25519 and random bytes in the native addon (native/src/kdf.c, x25519.c):
 * RFC 5869's vectors on every provider, agreement with node:crypto's own
 * HKDF on random inputs, the bounds, that the calls really go to the addon,
 * and that a refused X25519 value leaves no OpenSSL error queued for node.
 * Without the addon (DTLS13_NATIVE=0) the vectors still run on node and noble.
 */

const range = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** RFC 5869 Appendix A.1–A.3 (SHA-256). */
const RFC5869 = [
  {
    name: 'A.1 basic',
    ikm: fromHex('0b'.repeat(22)),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'A.2 longer inputs and outputs',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm: 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'A.3 zero-length salt and info',
    ikm: fromHex('0b'.repeat(22)),
    salt: new Uint8Array(0),
    info: new Uint8Array(0),
    length: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
] as const;

const PROVIDERS: readonly CryptoProvider[] = [nodeProvider, nobleProvider, ...(nativeProvider ? [nativeProvider] : [])];

for (const p of PROVIDERS) {
  for (const v of RFC5869) {
    test(`${p.name}: RFC 5869 ${v.name}`, (t) => {
      const prk = p.hkdfExtract('sha256', v.salt, v.ikm);
      t.is(hex(prk), v.prk);
      t.is(hex(p.hkdfExpand('sha256', prk, v.info, v.length)), v.okm);
      t.is(hex(p.hmac('sha256', v.salt, v.ikm)), v.prk);
    });
  }
}

function nativeKdfTests(native: CryptoProvider, binding: NativeBinding): void {
  for (const h of ['sha256', 'sha384'] as const satisfies readonly HashAlgorithm[]) {
    const n = h === 'sha256' ? 32 : 48;
    test(`${h}: native HMAC, HKDF-Extract and HKDF-Expand give node:crypto's own HKDF bytes on any input, any length up to 255 * HashLen`, (t) => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 100 }),
          fc.integer({ min: 1, max: 255 * n }),
          (salt, ikm, info, length) => {
            const prk = native.hkdfExtract(h, salt, ikm);
            return (
              hex(prk) === crypto.createHmac(h, salt).update(ikm).digest('hex') &&
              hex(native.hmac(h, ikm, info)) === crypto.createHmac(h, ikm).update(info).digest('hex') &&
              hex(native.hkdfExpand(h, prk, info, length)) ===
                Buffer.from(crypto.hkdfSync(h, ikm, salt, info, length)).toString('hex')
            );
          },
        ),
        { numRuns: 150 },
      );
      t.pass();
    });

    test(`${h}: native HKDF-Expand of 0 bytes, of exactly 255 * HashLen, and one byte more (a RangeError, as node's)`, (t) => {
      const prk = crypto.randomBytes(n);
      t.is(native.hkdfExpand(h, prk, new Uint8Array(0), 0).length, 0);
      t.is(
        hex(native.hkdfExpand(h, prk, Uint8Array.of(1), 255 * n)),
        hex(nodeProvider.hkdfExpand(h, prk, Uint8Array.of(1), 255 * n)),
      );
      t.throws(() => native.hkdfExpand(h, prk, new Uint8Array(0), 255 * n + 1), { instanceOf: RangeError });
      t.throws(() => nodeProvider.hkdfExpand(h, prk, new Uint8Array(0), 255 * n + 1), { instanceOf: RangeError });
    });
  }

  test('the native provider computes HMAC, HKDF, X25519, random bytes, several HkdfLabels, a server’s X25519 answer, the incremental hash and the one-shot digest in the addon, not through node:crypto', (t) => {
    const calls: string[] = [];
    const spied = binding as unknown as Record<string, unknown>;
    const originals = new Map<string, unknown>();
    for (const name of [
      'hmacIn',
      'hkdfExpandIn',
      'x25519Create',
      'x25519Derive',
      'randomFill',
      'hashInit',
      'hashUpdate',
      'hashDigest',
      'hashAbsorb',
      'hkdfExpandLabelsIn',
      'x25519Answer',
    ]) {
      const f = spied[name] as (...args: unknown[]) => unknown;
      originals.set(name, f);
      spied[name] = (...args: unknown[]): unknown => {
        calls.push(name);
        return f(...args);
      };
    }
    try {
      const prk = native.hkdfExtract('sha256', new Uint8Array(0), new Uint8Array(32));
      native.hkdfExpand('sha384', prk, new Uint8Array(3), 100);
      native.hmac('sha256', prk, prk);
      const share = native.generateKeyShare('x25519');
      share.deriveSecret(nodeProvider.generateKeyShare('x25519').publicKey);
      share.release();
      native.answerKeyShare!('x25519', nodeProvider.generateKeyShare('x25519').publicKey);
      native.hkdfExpandMany!(
        'sha256',
        prk,
        [Uint8Array.of(0, 16, 9, ...new TextEncoder().encode('dtls13key'), 0)],
        [16],
      );
      native.randomBytes(300); // past the reserve (random.ts): a call of its own
      const transcript = native.createHash('sha384');
      transcript.update(Uint8Array.of(1));
      transcript.digest();
      native.digest('sha256', Uint8Array.of(2));
    } finally {
      for (const [name, f] of originals) spied[name] = f;
    }
    // A transcript's updates are staged and hashed with its digest (hash.ts): hashInit, then one hashAbsorb.
    const hashCalls = ['hashInit', 'hashAbsorb'];
    t.deepEqual(calls, [
      'hmacIn',
      'hkdfExpandIn',
      'hmacIn',
      'x25519Create',
      'x25519Derive',
      'x25519Answer',
      'hkdfExpandLabelsIn',
      'randomFill',
      ...hashCalls,
      ...hashCalls,
    ]);
  });

  test('native random bytes come from a reserve one addon call refills: the lengths asked, never the same bytes twice, zeroed once handed out', (t) => {
    let fills = 0;
    let reserve: Uint8Array | undefined;
    const counting = {
      randomFill: (out: Uint8Array): void => {
        fills++;
        if (out.length === 1024) reserve = out;
        binding.randomFill(out);
      },
    } as unknown as NativeBinding;
    const randomBytes = nativeRandomBytes(counting);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const r = randomBytes(12); // 2,400 bytes: the reserve filled three times
      t.is(r.length, 12);
      seen.add(hex(r));
    }
    t.is(seen.size, 200, 'no two draws alike (none all zero from a reserve used up)');
    t.is(fills, 3);
    t.is(
      reserve?.subarray(0, 2400 - 2 * 1024).some((b) => b !== 0),
      false,
      'what was handed out is zeroed in the reserve',
    );
    t.is(randomBytes(300).length, 300);
    t.is(fills, 4, 'a large request is a call of its own');
    t.is(randomBytes(0).length, 0);
  });

  test("the native one-shot digest gives node:crypto's bytes for any input, empty, short and past the kept buffer, one after another", (t) => {
    fc.assert(
      fc.property(fc.constantFrom<HashAlgorithm>('sha256', 'sha384'), fc.uint8Array({ maxLength: 700 }), (h, data) => {
        t.is(hex(native.digest(h, data)), crypto.createHash(h).update(data).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });

  test('inputs and outputs larger than the kept scratch buffer (4 KiB) give the same bytes as node', (t) => {
    const key = crypto.randomBytes(3000);
    const data = crypto.randomBytes(2000);
    t.is(hex(native.hmac('sha384', key, data)), crypto.createHmac('sha384', key).update(data).digest('hex'));
    const prk = crypto.randomBytes(48);
    t.is(
      hex(native.hkdfExpand('sha384', prk, data.subarray(0, 255), 255 * 48)),
      hex(nodeProvider.hkdfExpand('sha384', prk, data.subarray(0, 255), 255 * 48)),
    );
    // And the small path right after still starts from a clean buffer.
    t.is(
      hex(native.hmac('sha256', Uint8Array.of(1), Uint8Array.of(2))),
      crypto.createHmac('sha256', Uint8Array.of(1)).update(Uint8Array.of(2)).digest('hex'),
    );
  });

  for (const h of ['sha256', 'sha384'] as const) {
    test(`${h}: the native incremental hash agrees with node:crypto's through updates, digests on the way and forks`, (t) => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }), fc.nat(12), (chunks, forkAt) => {
          const ours = native.createHash(h);
          const theirs = crypto.createHash(h);
          let fork: { ours: ReturnType<typeof native.createHash>; theirs: crypto.Hash } | undefined;
          for (const [i, chunk] of chunks.entries()) {
            if (i === forkAt) fork = { ours: ours.clone(), theirs: theirs.copy() };
            ours.update(chunk);
            theirs.update(chunk);
            if (hex(ours.digest()) !== theirs.copy().digest('hex')) return false;
          }
          if (fork) {
            fork.ours.update(Uint8Array.of(7));
            fork.theirs.update(Uint8Array.of(7));
            if (hex(fork.ours.digest()) !== fork.theirs.digest('hex')) return false;
          }
          // The fork left the original alone, and digest() left it running.
          return hex(ours.digest()) === theirs.digest('hex') && ours.algorithm === h;
        }),
        { numRuns: 150 },
      );
      t.pass();
    });
  }

  test('the addon refuses a hash state it did not make (wrong size, misaligned, fields out of range) instead of using it', (t) => {
    const err = { instanceOf: RangeError, code: 'ERR_DTLS13_NATIVE' };
    const state = new Uint8Array(new ArrayBuffer(binding.hashStateLength + 8));
    t.throws(() => binding.hashInit(0, state), { ...err, message: /hashInit: expected a hash state/ });
    t.throws(() => binding.hashInit(0, state.subarray(1, 1 + binding.hashStateLength)), {
      ...err,
      message: /hashInit: expected a hash state/,
    });
    const ok = state.subarray(0, binding.hashStateLength);
    t.throws(() => binding.hashInit(5, ok), { ...err, message: /hashInit: unknown hash/ });
    binding.hashInit(0, ok);
    binding.hashUpdate(ok, new Uint8Array(100));
    const out = new Uint8Array(48);
    binding.hashDigest(ok, out);
    t.is(hex(out.subarray(0, 32)), crypto.createHash('sha256').update(new Uint8Array(100)).digest('hex'));
    // Garbage where the block fill count and digest length live: refused, never used as an index.
    ok.fill(0xff, 4);
    t.throws(() => binding.hashUpdate(ok, new Uint8Array(10)), {
      ...err,
      message: /hashUpdate: the hash state is not one hashInit made/,
    });
    t.throws(() => binding.hashDigest(ok, out), {
      ...err,
      message: /hashDigest: the hash state is not one hashInit made/,
    });
    t.throws(() => binding.hashDigest(new Uint8Array(new ArrayBuffer(binding.hashStateLength)), out), {
      ...err,
      message: /not one hashInit made/,
    });
  });

  test('native random bytes: the length asked, none for 0, never the same 32 bytes twice', (t) => {
    t.is(native.randomBytes(0).length, 0);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const r = native.randomBytes(32);
      t.is(r.length, 32);
      seen.add(hex(r));
    }
    t.is(seen.size, 200);
    t.is(native.randomBytes(70_000).length, 70_000);
  });

  test('the addon checks the HMAC and HKDF arguments itself and throws a RangeError naming the call', (t) => {
    const err = { instanceOf: RangeError, code: 'ERR_DTLS13_NATIVE' };
    const scratch = new Uint8Array(200);
    t.throws(() => binding.hmacIn(0, scratch, 100, 69), {
      ...err,
      message: /hmacIn: the inputs and the output do not fit/,
    });
    t.notThrows(() => binding.hmacIn(0, scratch, 100, 68));
    t.throws(() => binding.hmacIn(2, scratch, 1, 1), { ...err, message: /hmacIn: unknown hash/ });
    t.throws(() => binding.hmacIn(0, scratch, -1, 1), { ...err, message: /hmacIn: expected a non-negative integer/ });
    t.throws(() => binding.hkdfExpandIn(0, new Uint8Array(9000), 32, 1, 255 * 32 + 1), {
      ...err,
      message: /hkdfExpandIn: more than 255/,
    });
    t.throws(() => binding.hkdfExpandIn(1, scratch, 32, 10, 159), {
      ...err,
      message: /hkdfExpandIn: the inputs and the output do not fit/,
    });
    t.throws(() => binding.x25519Create(new Uint8Array(31), new Uint8Array(32)), {
      ...err,
      message: /x25519Create: .*32 bytes/,
    });
    const share = binding.x25519Create(new Uint8Array(0), new Uint8Array(32));
    t.throws(() => binding.x25519Derive(share, new Uint8Array(33), new Uint8Array(32)), {
      ...err,
      message: /x25519Derive/,
    });
    binding.release(share);
    t.throws(() => binding.x25519Derive(share, new Uint8Array(32), new Uint8Array(32)), {
      ...err,
      message: /released/,
    });
  });

  test('x25519: a low-order peer value the addon refuses is a CryptoError and leaves no OpenSSL error queued for node', (t) => {
    const pkcs8 = crypto
      .generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'der', type: 'pkcs8' });
    const share = native.generateKeyShare('x25519');
    for (const peer of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))])
      t.throws(() => share.deriveSecret(peer), { instanceOf: CryptoError });
    t.notThrows(() => crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
  });

  test('x25519: RFC 7748 §6.1 on both addon paths: OpenSSL 3 bundled in node called directly, EVP_PKEY with DTLS13_NATIVE_X25519=evp', (t) => {
    const bundled3 = process.config.variables.node_shared_openssl !== true && process.versions.openssl.startsWith('3.');
    t.is(binding.x25519Direct?.(), bundled3);
    t.deepEqual(rfc7748Exchange(binding), RFC7748_EXCHANGE);
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/native-x25519.ts', import.meta.url))],
      {
        env: { ...process.env, DTLS13_NATIVE_X25519: 'evp' },
        encoding: 'utf8',
      },
    );
    t.is(child.status, 0, child.stderr);
    t.deepEqual(JSON.parse(child.stdout) as unknown, { direct: false, exchange: RFC7748_EXCHANGE });
  });

  test('x25519: fresh native shares are distinct and agree with node and noble shares', (t) => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const a = native.generateKeyShare('x25519');
      seen.add(hex(a.publicKey));
      for (const other of [nodeProvider, nobleProvider]) {
        const b = other.generateKeyShare('x25519');
        t.is(hex(a.deriveSecret(b.publicKey)), hex(b.deriveSecret(a.publicKey)));
      }
    }
    t.is(seen.size, 20);
  });
}

const NATIVE_KDF = "the native provider's HMAC, HKDF, X25519, random bytes and incremental hash";
if (nativeProvider !== undefined && nativeBinding !== undefined) nativeKdfTests(nativeProvider, nativeBinding);
// Turned off, they say so; missing where npm ci builds the addon, they fail (as tests/crypto/native.test.ts does).
else if (NATIVE_DISABLED_BY_ENV)
  test.skip(`${NATIVE_KDF} — not run: ${nativeUnavailableReason ?? 'DTLS13_NATIVE'}`, () => {});
else test(NATIVE_KDF, (t) => t.fail(`no native provider: ${nativeUnavailableReason ?? 'the addon has no binding'}`));
