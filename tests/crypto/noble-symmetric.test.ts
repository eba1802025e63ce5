import crypto from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { type AeadAlgorithm, type AeadKey, CryptoError, type HashAlgorithm } from '../../runtime/crypto/provider.js';
import { aeadKeyLength } from '../../runtime/crypto/suites.js';
import { aeadKeyMaterial, nobleAead } from '../../runtime/crypto/noble/aead.js';
import { AEAD_KNOWN_ANSWERS as KNOWN_ANSWERS } from '../vectors/aead-known-answers.js';
import { maskKeyMaterial, nobleMask } from '../../runtime/crypto/noble/mask.js';
import {
  nobleCreateHash,
  nobleDigest,
  nobleHkdfExpand,
  nobleHkdfExtract,
  nobleHmac,
} from '../../runtime/crypto/noble/hash.js';

/** Symmetric primitives of the noble provider: published vectors, cross-checks against node:crypto, and misuse. */

const ALL_AEADS: readonly AeadAlgorithm[] = [
  'aes-128-gcm',
  'aes-256-gcm',
  'chacha20-poly1305',
  'aes-128-ccm',
  'aes-128-ccm-8',
];

function h(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** node:crypto's seal for the same AEAD, as the reference. */
function nodeSeal(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  switch (algorithm) {
    case 'aes-128-gcm':
    case 'aes-256-gcm': {
      const c = crypto.createCipheriv(algorithm, key, nonce);
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(plaintext), c.final()]);
      return concat(ct, c.getAuthTag());
    }
    case 'chacha20-poly1305': {
      const c = crypto.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const ct = Buffer.concat([c.update(plaintext), c.final()]);
      return concat(ct, c.getAuthTag());
    }
    case 'aes-128-ccm':
    case 'aes-128-ccm-8': {
      const c = crypto.createCipheriv('aes-128-ccm', key, nonce, {
        authTagLength: algorithm === 'aes-128-ccm' ? 16 : 8,
      });
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const ct = Buffer.concat([c.update(plaintext), c.final()]);
      return concat(ct, c.getAuthTag());
    }
  }
}

// --- Published vectors ----------------------------------------------------

for (const v of KNOWN_ANSWERS) {
  test(`AEAD known answer: ${v.name}`, (t) => {
    const key = nobleAead(v.algorithm, h(v.key));
    t.is(hex(key.seal(h(v.nonce), h(v.aad), h(v.plaintext))), v.sealed);
    const opened = key.open(h(v.nonce), h(v.aad), h(v.sealed));
    t.is(opened === undefined ? 'undefined' : hex(opened), v.plaintext);
  });
}

// --- Cross-checks against node:crypto ---------------------------------------

const aeadCase = (algorithm: AeadAlgorithm, maxLength: number) =>
  fc.record({
    key: fc.uint8Array({ minLength: aeadKeyLength(algorithm), maxLength: aeadKeyLength(algorithm) }),
    nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    aad: fc.uint8Array({ maxLength: 48 }),
    plaintext: fc.uint8Array({ maxLength }),
  });

for (const algorithm of ALL_AEADS) {
  test(`${algorithm} agrees with node:crypto on random inputs, both ways`, (t) => {
    fc.assert(
      fc.property(aeadCase(algorithm, 200), ({ key, nonce, aad, plaintext }) => {
        const ours = nobleAead(algorithm, key);
        const sealed = ours.seal(nonce, aad, plaintext);
        const reference = nodeSeal(algorithm, key, nonce, aad, plaintext);
        if (hex(sealed) !== hex(reference)) return false;
        const opened = ours.open(nonce, aad, reference);
        return opened !== undefined && hex(opened) === hex(plaintext);
      }),
      { numRuns: 300 },
    );
    t.pass();
  });
}

test('AES-CCM: the 0xFFFE + 4-byte AAD length form agrees with node:crypto', (t) => {
  for (const aadLength of [0xfeff, 0xff00, 0x10000 + 3]) {
    const key = crypto.randomBytes(16);
    const nonce = crypto.randomBytes(12);
    const aad = crypto.randomBytes(aadLength);
    const plaintext = crypto.randomBytes(37);
    for (const algorithm of ['aes-128-ccm', 'aes-128-ccm-8'] as const) {
      t.is(
        hex(nobleAead(algorithm, key).seal(nonce, aad, plaintext)),
        hex(nodeSeal(algorithm, key, nonce, aad, plaintext)),
        `${algorithm} aad ${aadLength}`,
      );
    }
  }
});

test('AEADs accept Buffer views at odd offsets and leave inputs alone', (t) => {
  for (const algorithm of ALL_AEADS) {
    const backing = crypto.randomBytes(aeadKeyLength(algorithm) + 12 + 7 + 33 + 1);
    const key = backing.subarray(1, 1 + aeadKeyLength(algorithm));
    const nonce = backing.subarray(1 + key.length, 13 + key.length);
    const aad = backing.subarray(13 + key.length, 20 + key.length);
    const plaintext = backing.subarray(20 + key.length);
    const before = hex(backing);
    const ours = nobleAead(algorithm, key);
    const sealed = ours.seal(nonce, aad, plaintext);
    t.is(hex(sealed), hex(nodeSeal(algorithm, key, nonce, aad, plaintext)), algorithm);
    const padded = Buffer.concat([Buffer.alloc(3), sealed]).subarray(3);
    t.is(hex(ours.open(nonce, aad, padded) ?? new Uint8Array()), hex(plaintext), algorithm);
    t.is(hex(backing), before, `${algorithm} left its inputs alone`);
  }
});

test('AEAD keys are copied: changing the caller key afterwards changes nothing', (t) => {
  for (const algorithm of ALL_AEADS) {
    const key = crypto.randomBytes(aeadKeyLength(algorithm));
    const expected = nodeSeal(algorithm, key, new Uint8Array(12), new Uint8Array(), new Uint8Array(20));
    const ours = nobleAead(algorithm, key);
    key.fill(0xaa);
    t.is(hex(ours.seal(new Uint8Array(12), new Uint8Array(), new Uint8Array(20))), hex(expected), algorithm);
  }
});

// --- Authentication failures ---------------------------------------------

function flipped(b: Uint8Array, bit: number): Uint8Array {
  const c = new Uint8Array(b);
  c[bit >>> 3] = (c[bit >>> 3] ?? 0) ^ (1 << (bit & 7));
  return c;
}

for (const algorithm of ALL_AEADS) {
  test(`${algorithm}: any flipped bit in ciphertext, tag, nonce or AAD makes open return undefined`, (t) => {
    const key = nobleAead(algorithm, crypto.randomBytes(aeadKeyLength(algorithm)));
    const nonce = crypto.randomBytes(12);
    const aad = crypto.randomBytes(13);
    const plaintext = crypto.randomBytes(21); // a full block and a partial one
    const sealed = key.seal(nonce, aad, plaintext);
    t.is(hex(key.open(nonce, aad, sealed) ?? new Uint8Array()), hex(plaintext));
    let rejected = 0;
    for (let bit = 0; bit < sealed.length * 8; bit++)
      if (key.open(nonce, aad, flipped(sealed, bit)) === undefined) rejected++;
    for (let bit = 0; bit < nonce.length * 8; bit++)
      if (key.open(flipped(nonce, bit), aad, sealed) === undefined) rejected++;
    for (let bit = 0; bit < aad.length * 8; bit++)
      if (key.open(nonce, flipped(aad, bit), sealed) === undefined) rejected++;
    t.is(rejected, (sealed.length + nonce.length + aad.length) * 8);
    // Dropping or adding a byte of AAD or ciphertext fails too.
    t.is(key.open(nonce, aad.subarray(1), sealed), undefined);
    t.is(key.open(nonce, concat(aad, new Uint8Array(1)), sealed), undefined);
    t.is(key.open(nonce, aad, sealed.subarray(1)), undefined);
  });

  test(`${algorithm}: input shorter than the tag opens to undefined, without throwing`, (t) => {
    const key = nobleAead(algorithm, crypto.randomBytes(aeadKeyLength(algorithm)));
    for (let n = 0; n < key.tagLength; n++)
      t.is(key.open(new Uint8Array(12), new Uint8Array(), new Uint8Array(n)), undefined);
    // Exactly a tag long: an empty plaintext, which here does not authenticate.
    t.is(key.open(new Uint8Array(12), new Uint8Array(), new Uint8Array(key.tagLength)), undefined);
    t.is(
      hex(
        key.open(
          new Uint8Array(12),
          new Uint8Array(),
          key.seal(new Uint8Array(12), new Uint8Array(), new Uint8Array()),
        ) ?? h('ff'),
      ),
      '',
    );
  });
}

// --- Key handling ---------------------------------------------------------

function isZero(buffers: readonly (Uint8Array | Uint32Array)[] | Uint8Array | Uint32Array | undefined): boolean {
  if (buffers === undefined) return false;
  const list = Array.isArray(buffers) ? buffers : [buffers];
  return list.length > 0 && list.every((b: Uint8Array | Uint32Array) => b.every((x) => x === 0));
}

for (const algorithm of ALL_AEADS) {
  test(`${algorithm}: release() zeroes the key material and disables the key`, (t) => {
    const key: AeadKey = nobleAead(algorithm, crypto.randomBytes(aeadKeyLength(algorithm)));
    const sealed = key.seal(new Uint8Array(12), new Uint8Array(), new Uint8Array(5));
    t.false(isZero(aeadKeyMaterial(key)));
    key.release();
    t.true(isZero(aeadKeyMaterial(key)));
    t.throws(() => key.seal(new Uint8Array(12), new Uint8Array(), new Uint8Array(5)), { instanceOf: CryptoError });
    t.throws(() => key.open(new Uint8Array(12), new Uint8Array(), sealed), { instanceOf: CryptoError });
  });

  test(`${algorithm}: a key or nonce of the wrong length is a CryptoError`, (t) => {
    const length = aeadKeyLength(algorithm);
    for (const bad of [0, length - 1, length + 1, length === 16 ? 32 : 16, 24]) {
      t.throws(() => nobleAead(algorithm, new Uint8Array(bad)), { instanceOf: CryptoError }, `key ${bad}`);
    }
    const key = nobleAead(algorithm, new Uint8Array(length));
    for (const bad of [0, 8, 11, 13, 16]) {
      t.throws(
        () => key.seal(new Uint8Array(bad), new Uint8Array(), new Uint8Array(3)),
        { instanceOf: CryptoError },
        `seal nonce ${bad}`,
      );
      t.throws(
        () => key.open(new Uint8Array(bad), new Uint8Array(), new Uint8Array(40)),
        { instanceOf: CryptoError },
        `open nonce ${bad}`,
      );
    }
  });
}

// --- Record number masks (RFC 9147 §4.2.3) --------------------------------

function nodeChaChaMask(snKey: Uint8Array, sample: Uint8Array): Uint8Array {
  // node's chacha20 IV is the 16 bytes counter (little-endian) || nonce, exactly the sample.
  const c = crypto.createCipheriv('chacha20', snKey, sample.subarray(0, 16));
  return new Uint8Array(c.update(new Uint8Array(16)));
}

function nodeAesMask(snKey: Uint8Array, sample: Uint8Array): Uint8Array {
  const c = crypto.createCipheriv(snKey.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', snKey, null);
  c.setAutoPadding(false);
  return new Uint8Array(c.update(sample.subarray(0, 16)));
}

test('ChaCha20 mask agrees with node:crypto (counter || nonce from the sample)', (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 16, maxLength: 40 }),
      (snKey, sample) => {
        return hex(nobleMask('chacha20', snKey).mask(sample)) === hex(nodeChaChaMask(snKey, sample));
      },
    ),
    { numRuns: 300 },
  );
  // Block counters at the edges, including 0xffffffff, which noble's chacha20() refuses.
  const snKey = crypto.randomBytes(32);
  const mask = nobleMask('chacha20', snKey);
  for (const counter of ['00000000', '01000000', 'feffffff', 'ffffffff']) {
    const sample = concat(h(counter), crypto.randomBytes(12));
    t.is(hex(mask.mask(sample)), hex(nodeChaChaMask(snKey, sample)), counter);
  }
});

for (const [algorithm, keyLength] of [
  ['aes-128', 16],
  ['aes-256', 32],
] as const) {
  test(`${algorithm} mask agrees with node's AES-ECB`, (t) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: keyLength, maxLength: keyLength }),
        fc.uint8Array({ minLength: 16, maxLength: 40 }),
        (snKey, sample) => {
          return hex(nobleMask(algorithm, snKey).mask(sample)) === hex(nodeAesMask(snKey, sample));
        },
      ),
      { numRuns: 300 },
    );
    t.pass();
  });
}

test('masks: the sample is left alone, short samples and wrong keys are CryptoErrors, release() zeroes and disables', (t) => {
  for (const [algorithm, keyLength] of [
    ['aes-128', 16],
    ['aes-256', 32],
    ['chacha20', 32],
  ] as const) {
    const backing = crypto.randomBytes(20);
    const sample = backing.subarray(3, 19);
    const before = hex(backing);
    const mask = nobleMask(algorithm, crypto.randomBytes(keyLength));
    t.is(mask.mask(sample).length, 16);
    t.is(hex(backing), before, `${algorithm} left the sample alone`);
    t.throws(() => mask.mask(new Uint8Array(15)), { instanceOf: CryptoError }, algorithm);
    t.throws(
      () => nobleMask(algorithm, new Uint8Array(keyLength === 16 ? 32 : 16)),
      { instanceOf: CryptoError },
      algorithm,
    );
    t.false(isZero(maskKeyMaterial(mask)));
    mask.release();
    t.true(isZero(maskKeyMaterial(mask)), `${algorithm} zeroed`);
    t.throws(() => mask.mask(sample), { instanceOf: CryptoError }, algorithm);
  }
});

// --- Hashes, HMAC, HKDF ---------------------------------------------------

test('HKDF: RFC 5869 test cases 1 and 3 (SHA-256)', (t) => {
  // RFC 5869 Appendix A.1, Test Case 1.
  const prk1 = nobleHkdfExtract('sha256', h('000102030405060708090a0b0c'), h('0b'.repeat(22)));
  t.is(hex(prk1), '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
  t.is(
    hex(nobleHkdfExpand('sha256', prk1, h('f0f1f2f3f4f5f6f7f8f9'), 42)),
    '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  );
  // RFC 5869 Appendix A.3, Test Case 3: zero-length salt and info.
  const prk3 = nobleHkdfExtract('sha256', new Uint8Array(), h('0b'.repeat(22)));
  t.is(hex(prk3), '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04');
  t.is(
    hex(nobleHkdfExpand('sha256', prk3, new Uint8Array(), 42)),
    '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  );
});

test('HKDF-Expand: lengths 0 and 255 * HashLen work, beyond and short PRKs are CryptoErrors; SHA-384 agrees with node', (t) => {
  const prk = crypto.randomBytes(48);
  t.is(nobleHkdfExpand('sha384', prk, new Uint8Array(), 0).length, 0);
  t.is(hex(nobleHkdfExpand('sha384', prk, h('01'), 255 * 48)), hex(expandReference('sha384', prk, h('01'), 255 * 48)));
  t.is(
    hex(nobleHkdfExpand('sha256', prk.subarray(0, 32), h('0203'), 77)),
    hex(expandReference('sha256', prk.subarray(0, 32), h('0203'), 77)),
  );
  t.throws(() => nobleHkdfExpand('sha384', prk, new Uint8Array(), 255 * 48 + 1), { instanceOf: CryptoError });
  t.throws(() => nobleHkdfExpand('sha256', new Uint8Array(31), new Uint8Array(), 32), { instanceOf: CryptoError });
  const salt = crypto.randomBytes(20);
  const ikm = crypto.randomBytes(48);
  t.is(hex(nobleHkdfExtract('sha384', salt, ikm)), hex(crypto.createHmac('sha384', salt).update(ikm).digest()));
});

/** HKDF-Expand written out from RFC 5869 §2.3 with node's HMAC. */
function expandReference(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  let previous = new Uint8Array();
  for (let i = 1; blocks.length * (algorithm === 'sha256' ? 32 : 48) < length; i++) {
    previous = new Uint8Array(
      crypto.createHmac(algorithm, prk).update(previous).update(info).update(Uint8Array.of(i)).digest(),
    );
    blocks.push(previous);
  }
  return concat(...blocks).subarray(0, length);
}

for (const algorithm of ['sha256', 'sha384'] as const) {
  test(`${algorithm}: digest and HMAC agree with node:crypto`, (t) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 200 }), (key, data) => {
        return (
          hex(nobleDigest(algorithm, data)) === crypto.createHash(algorithm).update(data).digest('hex') &&
          hex(nobleHmac(algorithm, key, data)) === crypto.createHmac(algorithm, key).update(data).digest('hex')
        );
      }),
      { numRuns: 200 },
    );
    t.pass();
  });

  test(`${algorithm}: IncrementalHash digest() leaves the state running and clone() forks it`, (t) => {
    const a = crypto.randomBytes(70);
    const b = crypto.randomBytes(130);
    const c = crypto.randomBytes(5);
    const running = nobleCreateHash(algorithm);
    t.is(running.algorithm, algorithm);
    t.is(hex(running.digest()), hex(nobleDigest(algorithm, new Uint8Array())));
    running.update(a);
    t.is(hex(running.digest()), hex(nobleDigest(algorithm, a)));
    t.is(hex(running.digest()), hex(nobleDigest(algorithm, a)), 'digest() twice');
    const fork = running.clone();
    running.update(b);
    t.is(hex(running.digest()), hex(nobleDigest(algorithm, concat(a, b))));
    fork.update(c);
    t.is(hex(fork.digest()), hex(nobleDigest(algorithm, concat(a, c))));
    t.is(hex(running.digest()), hex(nobleDigest(algorithm, concat(a, b))), 'the fork did not touch the original');
  });
}
