import test from 'ava';
import fc from 'fast-check';
import { constants, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import {
  ecdsaDerToRaw,
  ecdsaRawToDer,
  parsePrivateKeyInfo,
  parseSubjectPublicKeyInfo,
  type SignatureKeyType,
} from '../../runtime/crypto/der.js';
import {
  NOBLE_SIGNATURE_ALGORITHMS,
  nobleImportPrivateKey,
  nobleImportPublicKey,
  nobleSign,
  nobleVerify,
} from '../../runtime/crypto/noble/signature.js';
import {
  NODE_SIGNATURE_ALGORITHMS,
  nodeImportPrivateKey,
  nodeImportPublicKey,
  nodeSign,
  nodeVerify,
} from '../../runtime/crypto/node/signature.js';
import {
  CryptoError,
  UnsupportedAlgorithmError,
  type PrivateKeyHandle,
  type PublicKeyHandle,
  type SignatureAlgorithm,
} from '../../runtime/crypto/provider.js';

interface Provider {
  readonly name: string;
  readonly algorithms: readonly SignatureAlgorithm[];
  importPublic(spki: Uint8Array): PublicKeyHandle;
  importPrivate(pkcs8: Uint8Array): PrivateKeyHandle;
  sign(algorithm: SignatureAlgorithm, key: PrivateKeyHandle, data: Uint8Array): Uint8Array;
  verify(algorithm: SignatureAlgorithm, key: PublicKeyHandle, data: Uint8Array, signature: Uint8Array): boolean;
}

const node: Provider = {
  name: 'node',
  algorithms: NODE_SIGNATURE_ALGORITHMS,
  importPublic: nodeImportPublicKey,
  importPrivate: nodeImportPrivateKey,
  sign: nodeSign,
  verify: nodeVerify,
};
const noble: Provider = {
  name: 'noble',
  algorithms: NOBLE_SIGNATURE_ALGORITHMS,
  importPublic: nobleImportPublicKey,
  importPrivate: nobleImportPrivateKey,
  sign: nobleSign,
  verify: nobleVerify,
};
const PROVIDERS = [node, noble] as const;

/** The key type each scheme needs (RFC 8446 §4.2.3). */
const KEY_TYPE: Readonly<Record<SignatureAlgorithm, SignatureKeyType>> = {
  ecdsa_secp256r1_sha256: 'ec-p256',
  ecdsa_secp384r1_sha384: 'ec-p384',
  ecdsa_secp521r1_sha512: 'ec-p521',
  rsa_pss_rsae_sha256: 'rsa',
  rsa_pss_rsae_sha384: 'rsa',
  rsa_pss_rsae_sha512: 'rsa',
  rsa_pss_pss_sha256: 'rsa-pss',
  rsa_pss_pss_sha384: 'rsa-pss',
  rsa_pss_pss_sha512: 'rsa-pss',
  ed25519: 'ed25519',
  ed448: 'ed448',
  rsa_pkcs1_sha256: 'rsa',
  rsa_pkcs1_sha384: 'rsa',
  rsa_pkcs1_sha512: 'rsa',
};
const ALL_ALGORITHMS = Object.keys(KEY_TYPE) as SignatureAlgorithm[];
const RSA_ALGORITHMS = ALL_ALGORITHMS.filter((a) => a.startsWith('rsa'));
const KEY_TYPES: readonly SignatureKeyType[] = ['ec-p256', 'ec-p384', 'ec-p521', 'ed25519', 'ed448', 'rsa', 'rsa-pss'];

interface KeyPairDer {
  readonly spki: Uint8Array;
  readonly pkcs8: Uint8Array;
}

function makeKeyPair(type: SignatureKeyType): KeyPairDer {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  switch (type) {
    case 'ec-p256':
    case 'ec-p384':
    case 'ec-p521':
      pair = generateKeyPairSync('ec', { namedCurve: `P-${type.slice(4)}` });
      break;
    case 'ed25519':
      pair = generateKeyPairSync('ed25519');
      break;
    case 'ed448':
      pair = generateKeyPairSync('ed448');
      break;
    case 'rsa':
      pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      break;
    case 'rsa-pss':
      pair = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
      break;
  }
  return {
    spki: new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' })),
    pkcs8: new Uint8Array(pair.privateKey.export({ format: 'der', type: 'pkcs8' })),
  };
}

/** Two independent real keys of every type, made by node:crypto. */
const KEYS = new Map(KEY_TYPES.map((type) => [type, [makeKeyPair(type), makeKeyPair(type)] as const]));
const keysOf = (type: SignatureKeyType): readonly [KeyPairDer, KeyPairDer] =>
  KEYS.get(type) ?? [makeKeyPair(type), makeKeyPair(type)];

const supportedBy = (a: SignatureAlgorithm): Provider[] => PROVIDERS.filter((p) => p.algorithms.includes(a));

const flipBit = (b: Uint8Array, bit: number): Uint8Array => {
  const out = b.slice();
  const i = Math.floor(bit / 8) % out.length;
  out[i] = (out[i] ?? 0) ^ (1 << (bit % 8));
  return out;
};

test('node offers all fourteen schemes; noble all but RSA', (t) => {
  t.deepEqual([...NODE_SIGNATURE_ALGORITHMS].sort(), [...ALL_ALGORITHMS].sort());
  t.deepEqual([...NOBLE_SIGNATURE_ALGORITHMS].sort(), ALL_ALGORITHMS.filter((a) => !a.startsWith('rsa')).sort());
});

test('der.ts reads the key type of every node:crypto key', (t) => {
  for (const type of KEY_TYPES) {
    const [k] = keysOf(type);
    t.is(parseSubjectPublicKeyInfo(k.spki).keyType, type);
    t.is(parsePrivateKeyInfo(k.pkcs8).keyType, type);
    for (const p of PROVIDERS) {
      t.is(p.importPublic(k.spki).keyType, type, p.name);
      t.is(p.importPrivate(k.pkcs8).keyType, type, p.name);
    }
  }
});

for (const algorithm of ALL_ALGORITHMS) {
  const [keys, otherKeys] = keysOf(KEY_TYPE[algorithm]);
  const providers = supportedBy(algorithm);

  for (const signer of providers) {
    test(`${algorithm}: signed by ${signer.name}, verified by ${providers.map((p) => p.name).join(' and ')}; any flipped bit fails`, (t) => {
      const priv = signer.importPrivate(keys.pkcs8);
      const verifiers = providers.map((p) => ({
        p,
        key: p.importPublic(keys.spki),
        other: p.importPublic(otherKeys.spki),
      }));
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.nat(), (data, dataBit, sigBit) => {
          const sig = signer.sign(algorithm, priv, data);
          for (const { p, key, other } of verifiers) {
            if (!p.verify(algorithm, key, data, sig)) return false;
            if (p.verify(algorithm, key, flipBit(data, dataBit), sig)) return false;
            if (p.verify(algorithm, key, data, flipBit(sig, sigBit))) return false;
            if (p.verify(algorithm, other, data, sig)) return false;
          }
          return true;
        }),
        { numRuns: 20 },
      );
      t.pass();
    });
  }

  test(`${algorithm}: keys of the wrong type make verify false`, (t) => {
    const signer = providers[0] ?? node;
    const data = new TextEncoder().encode('TLS 1.3, server CertificateVerify');
    const sig = signer.sign(algorithm, signer.importPrivate(keys.pkcs8), data);
    for (const type of KEY_TYPES.filter((k) => k !== KEY_TYPE[algorithm])) {
      const [wrong] = keysOf(type);
      for (const p of providers)
        t.false(p.verify(algorithm, p.importPublic(wrong.spki), data, sig), `${p.name} with ${type}`);
      for (const p of providers)
        t.throws(
          () => p.sign(algorithm, p.importPrivate(wrong.pkcs8), data),
          { instanceOf: CryptoError },
          `${p.name} signing with ${type}`,
        );
    }
  });

  test(`${algorithm}: malformed signatures make verify false`, (t) => {
    const data = new Uint8Array([1, 2, 3]);
    for (const p of providers) {
      const key = p.importPublic(keys.spki);
      for (const sig of [new Uint8Array(0), new Uint8Array(1), new Uint8Array(600).fill(0x30)])
        t.false(p.verify(algorithm, key, data, sig), p.name);
    }
  });
}

for (const algorithm of RSA_ALGORITHMS) {
  test(`${algorithm}: noble imports the RSA key but reports the scheme as unsupported`, (t) => {
    const [keys] = keysOf(KEY_TYPE[algorithm]);
    const pub = nobleImportPublicKey(keys.spki);
    const priv = nobleImportPrivateKey(keys.pkcs8);
    t.is(pub.keyType, KEY_TYPE[algorithm]);
    t.is(priv.keyType, KEY_TYPE[algorithm]);
    const data = new Uint8Array([1]);
    const sig = nodeSign(algorithm, nodeImportPrivateKey(keys.pkcs8), data);
    t.throws(() => nobleSign(algorithm, priv, data), { instanceOf: UnsupportedAlgorithmError });
    t.throws(() => nobleVerify(algorithm, pub, data, sig), { instanceOf: UnsupportedAlgorithmError });
  });
}

for (const [algorithm, hash, saltLength] of [
  ['rsa_pss_rsae_sha256', 'sha256', 32],
  ['rsa_pss_rsae_sha384', 'sha384', 48],
  ['rsa_pss_pss_sha512', 'sha512', 64],
] as const) {
  test(`${algorithm}: the salt is as long as the hash (RFC 8446 §4.2.3)`, (t) => {
    const [keys] = keysOf(KEY_TYPE[algorithm]);
    const data = new Uint8Array([7]);
    const sig = nodeSign(algorithm, nodeImportPrivateKey(keys.pkcs8), data);
    const key = createPublicKey({ key: Buffer.from(keys.spki), format: 'der', type: 'spki' });
    const check = (salt: number): boolean =>
      verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt }, sig);
    t.true(check(saltLength));
    t.false(check(saltLength - 1));
  });
}

/** The INTEGER contents of a big-endian magnitude: leading zeros trimmed, one added when the top bit is set. */
function minimalInteger(m: Uint8Array): number[] {
  const i = m.findIndex((b) => b !== 0);
  const trimmed = [...m.subarray(i < 0 ? m.length - 1 : i)];
  return (trimmed[0] ?? 0) & 0x80 ? [0, ...trimmed] : trimmed;
}

/** SEQUENCE { INTEGER r, INTEGER s } from INTEGER contents, written independently of der.ts. */
function derSequence(r: number[], s: number[]): Uint8Array {
  const tlv = (tag: number, v: number[]): number[] => [tag, ...(v.length < 0x80 ? [v.length] : [0x81, v.length]), ...v];
  return new Uint8Array(tlv(0x30, [...tlv(0x02, r), ...tlv(0x02, s)]));
}

const ECDSA = [
  { algorithm: 'ecdsa_secp256r1_sha256', type: 'ec-p256', curve: p256, size: 32 },
  { algorithm: 'ecdsa_secp384r1_sha384', type: 'ec-p384', curve: p384, size: 48 },
  { algorithm: 'ecdsa_secp521r1_sha512', type: 'ec-p521', curve: p521, size: 66 },
] as const;

for (const { algorithm, type, curve, size } of ECDSA) {
  test(`${algorithm}: both providers accept high-S and low-S forms of a signature`, (t) => {
    const [keys] = keysOf(type);
    const n = curve.Point.Fn.ORDER;
    const data = new Uint8Array([42]);
    for (const signer of PROVIDERS) {
      const raw = ecdsaDerToRaw(signer.sign(algorithm, signer.importPrivate(keys.pkcs8), data), size);
      const s = BigInt(`0x${Buffer.from(raw.subarray(size)).toString('hex')}`);
      const flipped = raw.slice();
      flipped.set(Buffer.from((n - s).toString(16).padStart(2 * size, '0'), 'hex'), size);
      for (const v of PROVIDERS) {
        const key = v.importPublic(keys.spki);
        t.true(v.verify(algorithm, key, data, ecdsaRawToDer(raw)), `${signer.name} → ${v.name}`);
        t.true(v.verify(algorithm, key, data, ecdsaRawToDer(flipped)), `${signer.name} → ${v.name}, s negated`);
      }
    }
  });

  test(`${algorithm}: both providers refuse non-DER encodings of a valid signature`, (t) => {
    const [keys] = keysOf(type);
    const data = new Uint8Array([42]);
    const der = nodeSign(algorithm, nodeImportPrivateKey(keys.pkcs8), data);
    const raw = ecdsaDerToRaw(der, size);
    t.deepEqual(ecdsaRawToDer(raw), der);
    const r = minimalInteger(raw.subarray(0, size));
    const sv = minimalInteger(raw.subarray(size));
    t.deepEqual(derSequence(r, sv), der, 'the helper rebuilds the signature');
    const nonMinimal = derSequence([0, ...r], sv);
    const padded = Uint8Array.of(...der, 0);
    for (const p of PROVIDERS) {
      const key = p.importPublic(keys.spki);
      t.false(p.verify(algorithm, key, data, padded), `${p.name}: trailing data`);
      t.false(p.verify(algorithm, key, data, raw), `${p.name}: raw r||s`);
      t.false(p.verify(algorithm, key, data, nonMinimal), `${p.name}: r with a superfluous leading zero`);
    }
  });
}

test('der.ts: ECDSA r||s survives a DER round trip', (t) => {
  fc.assert(
    fc.property(fc.constantFrom(32, 48, 66), fc.uint8Array({ minLength: 132, maxLength: 132 }), (size, bytes) => {
      const raw = bytes.subarray(0, 2 * size);
      if (raw.subarray(0, size).every((b) => b === 0) || raw.subarray(size).every((b) => b === 0)) return true;
      return Buffer.from(ecdsaDerToRaw(ecdsaRawToDer(raw), size)).equals(raw);
    }),
  );
  t.pass();
});

test('der.ts: malformed ECDSA DER throws CryptoError', (t) => {
  const bad = [
    '',
    '30',
    '3000',
    '300402010102',
    '3006020101020101ff', // empty, truncated, missing s, trailing byte
    '3006020100020101', // r = 0
    '30060201ff020101', // r negative
    '300702020001020101', // r not minimal
    '3080020101020101' + '0000', // indefinite length
    '308106020101020101', // non-minimal length
  ];
  for (const h of bad) t.throws(() => ecdsaDerToRaw(Buffer.from(h, 'hex'), 32), { instanceOf: CryptoError }, h);
  t.throws(
    () => ecdsaDerToRaw(ecdsaRawToDer(new Uint8Array(66).fill(0xff)), 32),
    { instanceOf: CryptoError },
    'r too large',
  );
});

test('malformed or unsupported keys throw CryptoError from both providers', (t) => {
  const [ec] = keysOf('ec-p256');
  const x25519 = generateKeyPairSync('x25519');
  const dh = [
    { what: 'x25519 spki', spki: new Uint8Array(x25519.publicKey.export({ format: 'der', type: 'spki' })) },
    { what: 'truncated', spki: ec.spki.subarray(0, ec.spki.length - 1) },
    { what: 'trailing byte', spki: Uint8Array.of(...ec.spki, 0) },
    { what: 'empty', spki: new Uint8Array(0) },
  ];
  const offCurve = ec.spki.slice();
  offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] ?? 0) ^ 1;
  dh.push({ what: 'point not on the curve', spki: offCurve });
  const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  dh.push({ what: 'secp256k1', spki: new Uint8Array(secp256k1.publicKey.export({ format: 'der', type: 'spki' })) });
  for (const p of PROVIDERS) {
    for (const { what, spki } of dh)
      t.throws(() => p.importPublic(spki), { instanceOf: CryptoError }, `${p.name}: ${what}`);
    t.throws(
      () => p.importPrivate(new Uint8Array(x25519.privateKey.export({ format: 'der', type: 'pkcs8' }))),
      { instanceOf: CryptoError },
      `${p.name}: x25519 pkcs8`,
    );
    t.throws(() => p.importPrivate(ec.pkcs8.subarray(1)), { instanceOf: CryptoError }, `${p.name}: garbage pkcs8`);
  }
});

test('a handle from the other provider is refused with CryptoError', (t) => {
  const [k] = keysOf('ed25519');
  const data = new Uint8Array([1]);
  t.throws(() => nodeSign('ed25519', nobleImportPrivateKey(k.pkcs8), data), { instanceOf: CryptoError });
  t.throws(() => nobleSign('ed25519', nodeImportPrivateKey(k.pkcs8), data), { instanceOf: CryptoError });
});

test('a released private key can no longer sign', (t) => {
  const [k] = keysOf('ec-p256');
  for (const p of PROVIDERS) {
    const priv = p.importPrivate(k.pkcs8);
    p.sign('ecdsa_secp256r1_sha256', priv, new Uint8Array([1]));
    priv.release();
    t.throws(() => p.sign('ecdsa_secp256r1_sha256', priv, new Uint8Array([1])), { instanceOf: CryptoError }, p.name);
  }
});
