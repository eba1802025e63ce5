import test from 'ava';
import fc from 'fast-check';
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  nobleGenerateKeyShare,
  nobleKeyShareFromPrivate,
  NOBLE_KEY_EXCHANGE_GROUPS,
} from '../../runtime/crypto/noble/key-exchange.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import {
  nodeGenerateKeyShare,
  nodeKeyShareFromPrivate,
  NODE_KEY_EXCHANGE_GROUPS,
} from '../../runtime/crypto/node/key-exchange.js';
import { CryptoError, type KeyExchangeGroup, type KeyShare } from '../../runtime/crypto/provider.js';
import { fromHex, hex } from '../support/canon.js';

/** The Diffie-Hellman groups (the hybrid x25519mlkem768 has its own tests: x25519-mlkem768.test.ts). */
const GROUPS = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'] as const satisfies readonly KeyExchangeGroup[];
type DhGroup = (typeof GROUPS)[number];

interface Provider {
  readonly name: string;
  generate(group: DhGroup): KeyShare;
  fromPrivate(group: DhGroup, privateKey: Uint8Array): KeyShare;
}

const node: Provider = { name: 'node', generate: nodeGenerateKeyShare, fromPrivate: nodeKeyShareFromPrivate };
const noble: Provider = { name: 'noble', generate: nobleGenerateKeyShare, fromPrivate: nobleKeyShareFromPrivate };
/** The native provider (X25519 in its addon, the rest node's), where the addon loaded. */
const native: readonly Provider[] = ((p) =>
  p
    ? [
        {
          name: 'native',
          generate: (g: DhGroup) => p.generateKeyShare(g),
          fromPrivate: (g: DhGroup, k: Uint8Array) => p.keyShareFromPrivate(g, k),
        },
      ]
    : [])(nativeProvider);
const PROVIDERS = [node, noble, ...native] as const;

const NIST_CURVE = { secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' } as const;
const FIELD_LENGTH = { x25519: 32, x448: 56, secp256r1: 32, secp384r1: 48, secp521r1: 66 } as const;

/** RFC 7748 §6.1 (X25519) and §6.2 (X448): Alice's and Bob's private and public keys and their shared secret. */
const RFC7748 = {
  x25519: {
    alicePrivate: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    bobPrivate: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
    bobPublic: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
  },
  x448: {
    alicePrivate:
      '9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b',
    alicePublic:
      '9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0',
    bobPrivate:
      '1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d',
    bobPublic:
      '3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609',
    shared:
      '07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d',
  },
} as const;

/** RFC 8410 §7 PKCS#8 encoding of a raw X25519/X448 private key, up to the key bytes. */
const PKCS8_PREFIX = { x25519: '302e020100300506032b656e04220420', x448: '3046020100300506032b656f043a0438' } as const;

const b64u = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

test('both providers offer all five groups and x25519mlkem768', (t) => {
  t.deepEqual([...NODE_KEY_EXCHANGE_GROUPS].sort(), [...GROUPS, 'x25519mlkem768'].sort());
  t.deepEqual([...NOBLE_KEY_EXCHANGE_GROUPS].sort(), [...GROUPS, 'x25519mlkem768'].sort());
});

for (const group of GROUPS) {
  for (const a of PROVIDERS) {
    for (const b of PROVIDERS) {
      test(`${group}: ${a.name} and ${b.name} agree on the shared secret`, (t) => {
        for (let i = 0; i < 5; i++) {
          const x = a.generate(group);
          const y = b.generate(group);
          const s1 = x.deriveSecret(y.publicKey);
          const s2 = y.deriveSecret(x.publicKey);
          t.is(s1.length, FIELD_LENGTH[group]);
          t.is(hex(s1), hex(s2));
          // RFC 8446 §4.2.8.2 wire forms.
          t.is(x.publicKey.length, group.startsWith('x') ? FIELD_LENGTH[group] : 1 + 2 * FIELD_LENGTH[group]);
          if (!group.startsWith('x')) t.is(x.publicKey[0], 0x04);
        }
      });
    }
  }
}

for (const group of ['x25519', 'x448'] as const) {
  const v = RFC7748[group];

  test(`${group}: the RFC 7748 vector agrees with node:crypto on its own`, (t) => {
    // Independent of the code under test: hand-built RFC 8410 PKCS#8, then node:crypto alone.
    const pkcs8 = (priv: string): KeyObject =>
      createPrivateKey({ key: Buffer.from(PKCS8_PREFIX[group] + priv, 'hex'), format: 'der', type: 'pkcs8' });
    const alice = pkcs8(v.alicePrivate);
    const bob = pkcs8(v.bobPrivate);
    const rawPublic = (k: KeyObject): string => hex(b64u(createPublicKey(k).export({ format: 'jwk' }).x));
    t.is(rawPublic(alice), v.alicePublic);
    t.is(rawPublic(bob), v.bobPublic);
    t.is(hex(diffieHellman({ privateKey: alice, publicKey: createPublicKey(bob) })), v.shared);
  });

  for (const p of PROVIDERS) {
    test(`${group}: ${p.name} reproduces RFC 7748 keys and shared secret`, (t) => {
      const alice = p.fromPrivate(group, fromHex(v.alicePrivate));
      const bob = p.fromPrivate(group, fromHex(v.bobPrivate));
      t.is(hex(alice.publicKey), v.alicePublic);
      t.is(hex(bob.publicKey), v.bobPublic);
      t.is(hex(alice.deriveSecret(fromHex(v.bobPublic))), v.shared);
      t.is(hex(bob.deriveSecret(fromHex(v.alicePublic))), v.shared);
    });
  }

  test(`${group}: node, noble and native agree on any private key and any peer value`, (t) => {
    const n = FIELD_LENGTH[group];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: n, maxLength: n }),
        fc.uint8Array({ minLength: n, maxLength: n }),
        (priv, peer) => {
          const a = nodeKeyShareFromPrivate(group, priv);
          const b = nobleKeyShareFromPrivate(group, priv);
          const c = nativeProvider?.keyShareFromPrivate(group, priv) ?? a;
          if (hex(a.publicKey) !== hex(b.publicKey) || hex(c.publicKey) !== hex(a.publicKey)) return false;
          const outcome = (s: KeyShare): string => {
            try {
              return hex(s.deriveSecret(peer));
            } catch (e) {
              return e instanceof CryptoError ? 'CryptoError' : `other: ${String(e)}`;
            }
          };
          return outcome(a) === outcome(b) && outcome(c) === outcome(a);
        },
      ),
      { numRuns: 50 },
    );
    t.pass();
  });
}

for (const group of ['secp256r1', 'secp384r1', 'secp521r1'] as const) {
  test(`${group}: shares from a node:crypto private key reproduce its public key`, (t) => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: NIST_CURVE[group] });
    const jwk = privateKey.export({ format: 'jwk' });
    const expected = `04${hex(b64u(jwk.x))}${hex(b64u(jwk.y))}`;
    for (const p of PROVIDERS) t.is(hex(p.fromPrivate(group, b64u(jwk.d)).publicKey), expected, p.name);
  });
}

/** Peer values every provider must refuse. */
function invalidPeers(group: DhGroup): { what: string; value: Uint8Array }[] {
  const valid = nodeGenerateKeyShare(group).publicKey;
  const n = FIELD_LENGTH[group];
  const out = [
    { what: 'empty', value: new Uint8Array(0) },
    { what: 'one byte short', value: valid.subarray(0, valid.length - 1) },
    { what: 'one byte long', value: Uint8Array.of(...valid, 0) },
  ];
  if (group === 'x25519' || group === 'x448') {
    const one = new Uint8Array(n);
    one[0] = 1;
    out.push({ what: 'all-zero point', value: new Uint8Array(n) }, { what: 'u = 1 (low order)', value: one });
  } else {
    const offCurve = valid.slice();
    offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] ?? 0) ^ 1;
    const wrongPrefix = valid.slice();
    wrongPrefix[0] = 0x02;
    const compressed = valid.slice(0, 1 + n);
    compressed[0] = 0x02 | ((valid[valid.length - 1] ?? 0) & 1);
    const zeros = new Uint8Array(valid.length);
    zeros[0] = 0x04;
    out.push(
      { what: 'point not on the curve', value: offCurve },
      { what: 'uncompressed length with a compressed prefix', value: wrongPrefix },
      { what: 'compressed point', value: compressed },
      { what: 'all-zero coordinates', value: zeros },
    );
  }
  return out;
}

for (const group of GROUPS) {
  for (const p of PROVIDERS) {
    test(`${group}: ${p.name} refuses invalid peer values with CryptoError`, (t) => {
      const share = p.generate(group);
      for (const { what, value } of invalidPeers(group)) {
        t.throws(() => share.deriveSecret(value), { instanceOf: CryptoError }, what);
      }
    });

    test(`${group}: ${p.name} refuses a private key of the wrong length`, (t) => {
      t.throws(() => p.fromPrivate(group, new Uint8Array(FIELD_LENGTH[group] + 1).fill(1)), {
        instanceOf: CryptoError,
      });
    });

    test(`${group}: ${p.name} share is unusable after release`, (t) => {
      const a = p.generate(group);
      const peer = p.generate(group).publicKey;
      a.deriveSecret(peer);
      a.release();
      t.throws(() => a.deriveSecret(peer), { instanceOf: CryptoError });
    });
  }
}

for (const group of ['secp256r1', 'secp384r1', 'secp521r1'] as const) {
  for (const p of PROVIDERS) {
    test(`${group}: ${p.name} refuses out-of-range private keys`, (t) => {
      t.throws(() => p.fromPrivate(group, new Uint8Array(FIELD_LENGTH[group])), { instanceOf: CryptoError }, 'zero');
      t.throws(
        () => p.fromPrivate(group, new Uint8Array(FIELD_LENGTH[group]).fill(0xff)),
        { instanceOf: CryptoError },
        'above the order',
      );
    });
  }
}

test('noble release zeroes its copy, not the caller’s private key', (t) => {
  const priv = fromHex(RFC7748.x25519.alicePrivate);
  const share = nobleKeyShareFromPrivate('x25519', priv);
  share.release();
  t.is(hex(priv), RFC7748.x25519.alicePrivate);
});
