import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import fc from 'fast-check';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { NATIVE_DISABLED_BY_ENV, nativeProvider, nativeUnavailableReason } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import {
  CryptoError,
  type AeadAlgorithm,
  type CryptoProvider,
  type MaskAlgorithm,
} from '../../runtime/crypto/provider.js';
import { DEFAULT_PREFERENCE, defaultProvider, selectProvider } from '../../runtime/crypto/registry.js';
import {
  ALL_CIPHER_SUITES,
  CIPHER_SUITES,
  aeadKeyLength,
  type SupportedCipherSuite,
} from '../../runtime/crypto/suites.js';
import type { TrafficKeys } from '../../runtime/keyschedule/derived-keys.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import { fromHex, hex } from '../support/canon.js';
import { aesDirectExpected, aesGcmDisagreements, aesMaskDisagreements } from '../support/native-aes.js';
import { chachaDisagreements, chachaMaskDisagreements } from '../support/native-chacha.js';
import { AEAD_KNOWN_ANSWERS as KNOWN_ANSWERS } from '../vectors/aead-known-answers.js';

/**
 * The native provider (dtls13's addon on node's OpenSSL): published vectors, byte-for-byte agreement with node:crypto
 * for its AEADs, masks and whole records, the batch path, misuse, and the registry's choice. The addon is built by `npm
 * ci`; with DTLS13_NATIVE=0 these tests check that it is left out instead.
 */

const AEADS: readonly AeadAlgorithm[] = [
  'aes-128-gcm',
  'aes-256-gcm',
  'chacha20-poly1305',
  'aes-128-ccm',
  'aes-128-ccm-8',
];
const MASKS: readonly MaskAlgorithm[] = ['aes-128', 'aes-256', 'chacha20'];

const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max });

function keysFor(suite: SupportedCipherSuite, seed: number): TrafficKeys {
  const p = CIPHER_SUITES[suite];
  const fill = (n: number, k: number): Uint8Array =>
    Uint8Array.from({ length: n }, (_, i) => (i * 31 + k * 7 + seed) & 0xff);
  return { key: fill(p.keyLength, 1), iv: fill(12, 2), snKey: fill(p.keyLength, 3) };
}

/** A sender and a receiver for one suite and provider, with shared keys in epoch 3. */
function layers(
  provider: CryptoProvider,
  suite: SupportedCipherSuite,
  keys: TrafficKeys,
  cid?: Uint8Array,
): { tx: RecordLayer; rx: RecordLayer } {
  const tx = new RecordLayer({ provider, sendConnectionId: cid });
  const rx = new RecordLayer({ provider, receiveConnectionId: cid });
  tx.installWriteKeys(3, suite, keys);
  rx.reader.installReadKeys(3, suite, keys, 0);
  return { tx, rx };
}

function nativeTests(native: CryptoProvider): void {
  test('the native provider is the default when it loads, node and noble the fallbacks; { native: false } leaves it out', (t) => {
    t.is(native.name, 'native');
    t.deepEqual(DEFAULT_PREFERENCE, ['native', 'node', 'noble']);
    t.is(defaultProvider(), native);
    t.is(defaultProvider({ native: false }), nodeProvider);
    t.is(selectProvider([{ kind: 'aead', algorithm: 'chacha20-poly1305' }]), native);
    t.true(native.supports({ kind: 'signature', algorithm: 'rsa_pss_rsae_sha256' }));
    t.regex(nativeBinding?.openssl ?? '', /^OpenSSL 3\./);
  });

  for (const v of KNOWN_ANSWERS) {
    test(`native AEAD known answer: ${v.name}`, (t) => {
      const key = native.aead(v.algorithm, fromHex(v.key));
      t.is(hex(key.seal(fromHex(v.nonce), fromHex(v.aad), fromHex(v.plaintext))), v.sealed);
      const opened = key.open(fromHex(v.nonce), fromHex(v.aad), fromHex(v.sealed));
      t.is(opened === undefined ? 'undefined' : hex(opened), v.plaintext);
      const forged = fromHex(v.sealed);
      forged[forged.length - 1]! ^= 1;
      t.is(key.open(fromHex(v.nonce), fromHex(v.aad), forged), undefined);
    });
  }

  test('chacha20-poly1305 and its masks on both addon paths: OpenSSL 3 in node called directly, its EVP cipher and the portable block with DTLS13_NATIVE_CHACHA=evp', (t) => {
    const bundled3 = process.config.variables.node_shared_openssl !== true && process.versions.openssl.startsWith('3.');
    const binding = nativeBinding;
    if (binding === undefined) return t.fail('no binding');
    t.is(binding.chachaDirect?.(), bundled3);
    t.is(binding.chachaBlockOpenssl?.(), bundled3);
    t.deepEqual(chachaDisagreements(binding), []);
    t.deepEqual(chachaMaskDisagreements(binding), []);
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/native-chacha.ts', import.meta.url))],
      { env: { ...process.env, DTLS13_NATIVE_CHACHA: 'evp' }, encoding: 'utf8' },
    );
    t.is(child.status, 0, child.stderr);
    t.deepEqual(JSON.parse(child.stdout) as unknown, { direct: false, block: false, disagreements: [] });
  });

  test("AES-GCM and AES masks on both addon paths: node's AES-NI and GHASH routines called directly, and its EVP ciphers with DTLS13_NATIVE_AES=evp", (t) => {
    const binding = nativeBinding;
    if (binding === undefined) return t.fail('no binding');
    t.is(binding.aesDirect?.(), aesDirectExpected());
    t.deepEqual(aesGcmDisagreements(binding), []);
    t.deepEqual(aesMaskDisagreements(binding), []);
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/native-aes.ts', import.meta.url))],
      { env: { ...process.env, DTLS13_NATIVE_AES: 'evp' }, encoding: 'utf8' },
    );
    t.is(child.status, 0, child.stderr);
    t.deepEqual(JSON.parse(child.stdout) as unknown, { direct: false, disagreements: [] });
  });

  for (const alg of AEADS) {
    test(`${alg}: native and node seal to the same bytes (sealInto too) and open each other's`, (t) => {
      fc.assert(
        fc.property(
          bytes(aeadKeyLength(alg), aeadKeyLength(alg)),
          bytes(12, 12),
          bytes(0, 40),
          bytes(0, 1500),
          fc.nat(9),
          (key, nonce, aad, pt, cut) => {
            const a = native.aead(alg, key);
            const b = nodeProvider.aead(alg, key);
            const ca = a.seal(nonce, aad, pt);
            const cb = b.seal(nonce, aad, pt);
            const into = new Uint8Array(ca.length + 7);
            const split = Math.min(cut, pt.length);
            const n = a.sealInto(nonce, aad, [pt.subarray(0, split), pt.subarray(split)], into, 7);
            return (
              hex(ca) === hex(cb) &&
              n === ca.length &&
              hex(into.subarray(7)) === hex(ca) &&
              hex(b.open(nonce, aad, ca) ?? Uint8Array.of(1)) === hex(pt) &&
              hex(a.open(nonce, aad, cb) ?? Uint8Array.of(1)) === hex(pt)
            );
          },
        ),
        { numRuns: 80 },
      );
      t.pass();
    });

    test(`${alg}: a forgery the addon refuses leaves no OpenSSL error queued for node's own calls`, (t) => {
      // node shares this OpenSSL; createPrivateKey reports whatever error is left on the thread's queue.
      const pkcs8 = crypto
        .generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'der', type: 'pkcs8' });
      const key = native.aead(alg, new Uint8Array(aeadKeyLength(alg)).fill(3));
      for (let i = 0; i < 3; i++)
        t.is(key.open(new Uint8Array(12).fill(i), new Uint8Array(5), new Uint8Array(40).fill(0xa5)), undefined);
      t.notThrows(() => crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
      key.release();
    });

    test(`${alg}: a wrong key length is a CryptoError; a released key throws; a short input opens to undefined`, (t) => {
      t.throws(() => native.aead(alg, new Uint8Array(aeadKeyLength(alg) + 1)), {
        instanceOf: CryptoError,
        message: /key/,
      });
      const key = native.aead(alg, new Uint8Array(aeadKeyLength(alg)).fill(9));
      t.is(key.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(key.tagLength - 1)), undefined);
      t.is(key.open(new Uint8Array(11), new Uint8Array(0), new Uint8Array(40)), undefined);
      t.throws(() => key.seal(new Uint8Array(11), new Uint8Array(0), new Uint8Array(4)), {
        instanceOf: CryptoError,
        message: /nonce/,
      });
      key.release();
      t.throws(() => key.seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(4)), {
        instanceOf: CryptoError,
        message: /released/,
      });
    });
  }

  for (const alg of MASKS) {
    test(`${alg} record number mask: native agrees with node`, (t) => {
      const keyLength = alg === 'aes-128' ? 16 : 32;
      fc.assert(
        fc.property(
          bytes(keyLength, keyLength),
          bytes(16, 40),
          (key, sample) => hex(native.mask(alg, key).mask(sample)) === hex(nodeProvider.mask(alg, key).mask(sample)),
        ),
        { numRuns: 150 },
      );
      if (alg === 'chacha20') {
        // Block counters at the edges (the sample's first four bytes, little-endian).
        const key = crypto.randomBytes(32);
        const a = native.mask(alg, key);
        const b = nodeProvider.mask(alg, key);
        for (const counter of ['00000000', '01000000', 'feffffff', 'ffffffff']) {
          const sample = Uint8Array.from([...fromHex(counter), ...crypto.randomBytes(12)]);
          t.is(hex(a.mask(sample)), hex(b.mask(sample)), counter);
        }
      }
      const m = native.mask(alg, new Uint8Array(keyLength));
      t.throws(() => m.mask(new Uint8Array(15)), { instanceOf: CryptoError, message: /16 bytes/ });
      m.release();
      t.throws(() => m.mask(new Uint8Array(16)), { instanceOf: CryptoError, message: /released/ });
      t.throws(() => native.mask(alg, new Uint8Array(keyLength - 1)), { instanceOf: CryptoError, message: /sn_key/ });
    });
  }

  for (const suite of ALL_CIPHER_SUITES) {
    test(`${suite}: whole records from the native record path are byte for byte node's, and each side opens the other's`, (t) => {
      const keys = keysFor(suite, 5);
      for (const cid of [undefined, Uint8Array.of(0xca, 0xfe)]) {
        for (const sequenceNumberLength of [8, 16] as const) {
          const n = layers(native, suite, keys, cid);
          const o = layers(nodeProvider, suite, keys, cid);
          // Past 2^8 records, so the 8-bit sequence number reconstruction wraps.
          for (let i = 0; i < 300; i++) {
            const content = crypto.randomBytes(i % 7 === 0 ? 0 : (i * 37) % 1400);
            const a = n.tx.writer.seal('application_data', content, { sequenceNumberLength });
            const b = o.tx.writer.seal('application_data', content, { sequenceNumberLength });
            if (hex(a.bytes) !== hex(b.bytes))
              return t.fail(`record ${i} differs (cid ${cid ? 'on' : 'off'}, ${sequenceNumberLength}-bit)`);
            const byNative = n.rx.reader.receive(b.bytes, 0);
            const byNode = o.rx.reader.receive(a.bytes, 0);
            for (const got of [byNative, byNode]) {
              const r = got[0];
              if (got.length !== 1 || r?.kind !== 'record' || hex(r.content) !== hex(content) || r.sequenceNumber !== i)
                return t.fail(`record ${i} did not open`);
            }
          }
        }
      }
      t.pass();
    });
  }

  test('the native receive path drops what node drops: flipped bits, replays, old records', (t) => {
    const keys = keysFor('tls_aes_128_gcm_sha256', 9);
    const n = layers(native, 'tls_aes_128_gcm_sha256', keys);
    const o = layers(nodeProvider, 'tls_aes_128_gcm_sha256', keys);
    const rec = o.tx.writer.seal('application_data', Uint8Array.of(1, 2, 3)).bytes;
    for (let bit = 0; bit < rec.length * 8; bit += 5) {
      const bad = Uint8Array.from(rec);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      t.is(n.rx.reader.receive(bad, 0).length, o.rx.reader.receive(bad, 0).length, `bit ${bit}`);
    }
    t.deepEqual(n.rx.reader.drops, o.rx.reader.drops);
    const before = Uint8Array.from(rec);
    t.is(n.rx.reader.receive(rec, 0).length, 1);
    t.is(hex(rec), hex(before), 'the datagram is left as it was');
    t.is(n.rx.reader.receive(rec, 0).length, 0);
    t.is(n.rx.reader.drops.replay, 1);
  });

  for (const provider of [nodeProvider, native]) {
    test(`sealBatch (${provider.name}): the same bytes as one seal per record, and they open`, (t) => {
      for (const suite of ALL_CIPHER_SUITES) {
        const keys = keysFor(suite, 3);
        const batch = layers(provider, suite, keys, Uint8Array.of(7));
        const single = layers(nodeProvider, suite, keys, Uint8Array.of(7));
        single.tx.writer.seal('application_data', Uint8Array.of(0)); // both at the same sequence number after this
        batch.tx.writer.seal('application_data', Uint8Array.of(0));
        const contents = Array.from({ length: 20 }, (_, i) => crypto.randomBytes(i * 61));
        const sealed = batch.tx.writer.sealBatch('application_data', contents);
        t.is(sealed.length, contents.length);
        for (let i = 0; i < contents.length; i++) {
          t.is(
            hex(sealed[i]!.bytes),
            hex(single.tx.writer.seal('application_data', contents[i]!).bytes),
            `${suite} record ${i}`,
          );
          t.is(sealed[i]!.number.sequenceNumber, i + 1);
          const got = single.rx.reader.receive(sealed[i]!.bytes, 0);
          t.is(got[0]?.kind === 'record' ? hex(got[0].content) : 'dropped', hex(contents[i]!));
        }
      }
    });
  }

  test('sealBatch checks every record before sealing any: content over 2^14 throws and uses no sequence number', (t) => {
    const keys = keysFor('tls_aes_128_gcm_sha256', 1);
    const { tx } = layers(native, 'tls_aes_128_gcm_sha256', keys);
    t.throws(() => tx.writer.sealBatch('application_data', [new Uint8Array(5), new Uint8Array(16385)]), {
      message: /exceeds 2\^14/,
    });
    t.is(tx.writer.seal('application_data', new Uint8Array(1)).number.sequenceNumber, 0);
  });

  test('the addon checks every offset and length itself and throws a RangeError naming the call', (t) => {
    const b = nativeBinding!;
    const h = b.recordCreate(0, new Uint8Array(16), new Uint8Array(12), 0, new Uint8Array(16));
    const buf = new Uint8Array(64);
    const code = { code: 'ERR_DTLS13_NATIVE' };
    t.throws(() => b.recordSeal(h, buf, 0, 5, 44, 0, 1, 2), {
      ...code,
      message: /recordSeal: the record does not fit/,
    });
    t.throws(() => b.recordSeal(h, buf, 60, 5, 0, 0, 1, 2), { ...code, message: /does not fit/ });
    t.throws(() => b.recordSeal(h, buf, 0, 5, 10, -1, 1, 2), { ...code, message: /sequence number/ });
    t.throws(() => b.recordSeal(h, buf, 0, 2, 10, 0, 1, 2), { ...code, message: /record number bytes/ });
    t.throws(() => b.recordOpen(h, buf, 0, 5, 60, 1, 2, 0, buf, 0), {
      ...code,
      message: /recordOpen: the record does not fit/,
    });
    t.throws(() => b.recordOpen(h, buf, 0, 5, 20, 1, 2, 0, new Uint8Array(3), 0), {
      ...code,
      message: /output buffer/,
    });
    t.throws(() => b.recordSealBatch(h, buf, new Float64Array([0, 5, 10, 0, 1, 2]), 2), {
      ...code,
      message: /fewer records/,
    });
    t.throws(() => b.recordSealBatch(h, buf, new Float64Array([0, 5, 10.5, 0, 1, 2]), 1), {
      ...code,
      message: /not a non-negative integer/,
    });
    t.throws(() => b.aeadSeal(h, new Uint8Array(12), buf, buf, 0, 1), { ...code, message: /handle of the right kind/ });
    t.throws(() => b.aeadCreate(9, new Uint8Array(16)), { ...code, message: /unknown AEAD/ });
    t.is(b.recordOpen(h, buf, 0, 5, 40, 1, 2, 0, buf, 0), -1, 'zeros do not authenticate');
    b.release(h);
    t.throws(() => b.recordSeal(h, buf, 0, 5, 10, 0, 1, 2), { ...code, message: /released/ });
  });

  test('batched datagram I/O: the addon checks its arguments, reports a bad descriptor as -errno, and an empty socket as 0', async (t) => {
    // Delivery, order and the fallback are tested through runtime/node/datagram-io.ts (tests/node/datagram-io.test.ts).
    const b = nativeBinding!;
    const code = { code: 'ERR_DTLS13_NATIVE' };
    t.throws(() => b.udpSendBatch(-1, [], 0, 0x7f000001, 4433), { ...code, message: /non-negative integer/ });
    t.throws(() => b.udpSendBatch(3, [new Uint8Array(1)], 1, 0x7f000001, 70_000), {
      ...code,
      message: /port out of range/,
    });
    t.throws(() => b.udpSendBatch(3, [new Uint8Array(1)], 2, 0x7f000001, 4433), { ...code, message: /Uint8Array/ });
    t.true(
      b.udpSendBatch(1_000_000, [new Uint8Array(1)], 1, 0x7f000001, 4433) < 0,
      'a bad descriptor is -errno, not a throw',
    );
    const laid = new Uint8Array(64);
    const layout = (...l: number[]): Int32Array => Int32Array.from(l);
    t.throws(() => b.udpSendLaid(3, [laid], layout(1, 0, 8), 1, 0x7f000001, 4433), { ...code, message: /index/ });
    t.throws(() => b.udpSendLaid(3, [laid], layout(-1, 0, 8), 1, 0x7f000001, 4433), { ...code, message: /index/ });
    t.throws(() => b.udpSendLaid(3, [laid], layout(0, 60, 8), 1, 0x7f000001, 4433), { ...code, message: /outside/ });
    t.throws(() => b.udpSendLaid(3, [laid], layout(0, -8, 8), 1, 0x7f000001, 4433), { ...code, message: /outside/ });
    t.throws(() => b.udpSendLaid(3, [laid], layout(0, 0, 8), 2, 0x7f000001, 4433), { ...code, message: /three per/ });
    t.throws(() => b.udpSendLaid(3, [laid], new Float64Array(3) as unknown as Int32Array, 1, 0x7f000001, 4433), {
      ...code,
      message: /Int32Array/,
    });
    t.throws(
      () => b.udpSendLaid(3, [new Uint16Array(8) as unknown as Uint8Array], layout(0, 0, 8), 1, 0x7f000001, 4433),
      {
        ...code,
        message: /Uint8Array/,
      },
    );
    t.true(
      b.udpSendLaid(1_000_000, [laid], layout(0, 56, 8), 1, 0x7f000001, 4433) < 0,
      'a bad descriptor is -errno, not a throw',
    );
    const slab = new Uint8Array(2 * 65_536);
    t.throws(() => b.udpRecvBatch(3, slab, 1500, new Uint32Array(6)), { ...code, message: /stride/ });
    t.throws(() => b.udpRecvBatch(3, slab, 65_536, new Float64Array(6) as unknown as Uint32Array), {
      ...code,
      message: /Uint32Array/,
    });
    t.true(b.udpRecvBatch(1_000_000, slab, 65_536, new Uint32Array(6)) < 0, 'a bad descriptor is -errno');
    const rx = createSocket('udp4');
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
    const fd = (rx as unknown as { [k: symbol]: { handle: { fd: number } } })[
      Object.getOwnPropertySymbols(rx).find((s) => s.description === 'state symbol')!
    ]!.handle.fd;
    t.is(b.udpRecvBatch(fd, slab, 65_536, new Uint32Array(6)), 0, 'nothing waiting: 0, at once');
    rx.close();
  });
}

if (NATIVE_DISABLED_BY_ENV) {
  test('DTLS13_NATIVE=0: no native provider; node is the default and first choice', (t) => {
    t.is(nativeProvider, undefined);
    t.regex(nativeUnavailableReason ?? '', /DTLS13_NATIVE/);
    t.is(defaultProvider(), nodeProvider);
    t.deepEqual(DEFAULT_PREFERENCE, ['node', 'noble']);
    t.is(selectProvider([{ kind: 'aead', algorithm: 'aes-128-gcm' }]).name, 'node');
  });
} else if (nativeProvider === undefined) {
  test('the native addon is built and loads (npm ci builds it; DTLS13_NATIVE=0 to run without)', (t) => {
    t.fail(`no native provider: ${nativeUnavailableReason}`);
  });
} else {
  nativeTests(nativeProvider);
}
