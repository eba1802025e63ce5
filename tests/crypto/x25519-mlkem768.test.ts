import test from 'ava';
import { shake128 } from '@noble/hashes/sha3.js';
import { nobleMlKem768 } from '../../runtime/crypto/noble/ml-kem.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { CryptoError, type KeyExchangeGroup, type KeyShare } from '../../runtime/crypto/provider.js';
import { X25519_MLKEM768_PRIVATE_LENGTH } from '../../runtime/crypto/x25519-mlkem768.js';
import { fromHex, hex } from '../support/canon.js';
import { ML_KEM_768_ACCUMULATED } from '../vectors/ml-kem-accumulated.js';

const PROVIDERS = [nodeProvider, nobleProvider].map((p) => ({
  name: p.name,
  generate: (g: KeyExchangeGroup) => p.generateKeyShare(g),
  fromPrivate: (g: KeyExchangeGroup, k: Uint8Array) => p.keyShareFromPrivate(g, k),
}));
const GROUP: KeyExchangeGroup = 'x25519mlkem768';

test('ML-KEM-768 (the Kem the providers use) reproduces the C2SP accumulated vectors (10,000 tests)', (t) => {
  const v = ML_KEM_768_ACCUMULATED;
  const rng = shake128.create({});
  const acc = shake128.create({});
  t.is(hex(shake128.create({}).xof(16)), v.rngStart);
  for (let i = 0; i < v.tests; i++) {
    const d = rng.xof(32);
    const z = rng.xof(32);
    const m = rng.xof(32);
    const invalid = rng.xof(nobleMlKem768.ciphertextLength);
    const seed = new Uint8Array(64);
    seed.set(d, 0);
    seed.set(z, 32);
    const { encapsulationKey, decapsulationKey } = nobleMlKem768.keyGen(seed);
    const { ciphertext, sharedSecret } = nobleMlKem768.encapsulate(encapsulationKey, m);
    if (hex(nobleMlKem768.decapsulate(ciphertext, decapsulationKey)) !== hex(sharedSecret))
      return void t.fail(`test ${i}: Decaps(ct) is not Encaps's K`);
    for (const out of [
      encapsulationKey,
      decapsulationKey,
      ciphertext,
      sharedSecret,
      nobleMlKem768.decapsulate(invalid, decapsulationKey),
    ])
      acc.update(out);
  }
  t.is(hex(acc.xof(32)), v.hash);
});

/** A fixed private key: ML-KEM seed bytes 0..63, then RFC 7748 §6.1's Alice X25519 key. */
const ALICE_X25519 = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const ALICE_X25519_PUBLIC = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
const fixedPrivate = (): Uint8Array =>
  Uint8Array.from([...Array.from({ length: 64 }, (_, i) => i), ...fromHex(ALICE_X25519)]);

test('the client share is the encapsulation key then the X25519 value (1184 + 32 bytes), from a fixed private key on both providers', (t) => {
  t.is(X25519_MLKEM768_PRIVATE_LENGTH, 96);
  const expectedKey = hex(nobleMlKem768.keyGen(fixedPrivate().subarray(0, 64)).encapsulationKey);
  for (const p of PROVIDERS) {
    const share = p.fromPrivate(GROUP, fixedPrivate());
    t.is(share.group, GROUP);
    t.is(share.publicKey.length, 1216, p.name);
    t.is(hex(share.publicKey.subarray(0, 1184)), expectedKey, p.name);
    t.is(hex(share.publicKey.subarray(1184)), ALICE_X25519_PUBLIC, p.name);
  }
});

test('client and server agree across providers: server share ciphertext then X25519 (1088 + 32), secret = ML-KEM secret then X25519 secret', (t) => {
  for (const c of PROVIDERS) {
    for (const s of PROVIDERS) {
      const client = c.fromPrivate(GROUP, fixedPrivate());
      const server = s.generate(GROUP);
      const serverSecret = server.deriveSecret(client.publicKey);
      t.is(server.publicKey.length, 1120);
      const clientSecret = client.deriveSecret(server.publicKey);
      t.is(hex(clientSecret), hex(serverSecret), `${c.name} client, ${s.name} server`);
      t.is(clientSecret.length, 64);
      // The parts, computed on their own.
      const kemSecret = nobleMlKem768.decapsulate(
        server.publicKey.subarray(0, 1088),
        nobleMlKem768.keyGen(fixedPrivate().subarray(0, 64)).decapsulationKey,
      );
      t.is(hex(clientSecret.subarray(0, 32)), hex(kemSecret));
      const x25519Secret = nodeProvider
        .keyShareFromPrivate('x25519', fromHex(ALICE_X25519))
        .deriveSecret(server.publicKey.subarray(1088));
      t.is(hex(clientSecret.subarray(32)), hex(x25519Secret));
    }
  }
});

/** The client share with its first ML-KEM coefficient set to 4095, not reduced modulo q = 3329 (FIPS 203 §7.2). */
function unreducedKey(share: Uint8Array): Uint8Array {
  const out = share.slice();
  out[0] = 0xff;
  out[1] = (out[1] ?? 0) | 0x0f;
  return out;
}

test('refused with CryptoError (illegal_parameter): bad lengths, an unreduced encapsulation key, a zero X25519 value, a second use, use after release', (t) => {
  for (const p of PROVIDERS) {
    const client = p.generate(GROUP).publicKey;
    const cases: [string, () => unknown][] = [
      ['client share one byte short', () => p.generate(GROUP).deriveSecret(client.subarray(0, 1215))],
      ['client share one byte long', () => p.generate(GROUP).deriveSecret(Uint8Array.of(...client, 0))],
      ['a server share sent as the client share', () => p.generate(GROUP).deriveSecret(new Uint8Array(1120))],
      ['unreduced encapsulation key', () => p.generate(GROUP).deriveSecret(unreducedKey(client))],
      [
        'all-zero X25519 value',
        () => p.generate(GROUP).deriveSecret(Uint8Array.of(...client.subarray(0, 1184), ...new Uint8Array(32))),
      ],
      [
        'server ciphertext of the wrong length',
        () => {
          const c = p.generate(GROUP);
          void c.publicKey;
          return c.deriveSecret(new Uint8Array(1216));
        },
      ],
      [
        'a server share answering twice',
        () => {
          const s = p.generate(GROUP);
          s.deriveSecret(client);
          return s.deriveSecret(client);
        },
      ],
      [
        'after release',
        () => {
          const s: KeyShare = p.generate(GROUP);
          s.release();
          return s.deriveSecret(client);
        },
      ],
      ['a private key of 95 bytes', () => p.fromPrivate(GROUP, new Uint8Array(95))],
    ];
    for (const [what, run] of cases) t.throws(run, { instanceOf: CryptoError }, `${p.name}: ${what}`);
    t.regex(t.throws(() => p.generate(GROUP).deriveSecret(unreducedKey(client)))?.message ?? '', /FIPS 203 §7\.2/);
  }
});

test('a decapsulation with a tampered ciphertext gives a different secret (implicit rejection), so the handshake fails at Finished', (t) => {
  const client = nodeProvider.keyShareFromPrivate(GROUP, fixedPrivate());
  const server = nodeProvider.generateKeyShare(GROUP);
  const secret = server.deriveSecret(client.publicKey);
  const tampered = server.publicKey.slice();
  tampered[5] = (tampered[5] ?? 0) ^ 1;
  t.not(hex(client.deriveSecret(tampered)), hex(secret));
});
