/** nativeKdf (runtime/crypto/native/kdf.ts): HMAC and HKDF in the addon, against RFC 4231, RFC 5869 and OpenSSL; several HkdfLabels and TLS 1.2's P_hash in one call. */
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { nativeBinding, NATIVE_DISABLED_BY_ENV } from '../../../runtime/crypto/native/binding.js';
import { nativeKdf } from '../../../runtime/crypto/native/kdf.js';
import { nodeProvider } from '../../../runtime/crypto/node/index.js';
import { pHash } from '../../../runtime/dtls12/prf.js';
import { checkKdf } from '../hash-checks.js';
import { hex } from '../../support/canon.js';
import { countedBinding } from './counted-binding.js';

const binding = nativeBinding;
test('the addon is loaded (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(binding !== undefined || NATIVE_DISABLED_BY_ENV));
(binding === undefined ? test.skip : test)('HMAC and HKDF, scratch and large inputs alike', (t) =>
  checkKdf(t, nativeKdf(binding!)),
);

/** An HkdfLabel (RFC 8446 §7.1): length, "dtls13" + label, context. */
function hkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const full = new TextEncoder().encode(`dtls13${label}`);
  return Uint8Array.of(length >>> 8, length & 0xff, full.length, ...full, context.length, ...context);
}

(binding === undefined ? test.skip : test)(
  'hkdfExpandMany: the bytes of hkdfExpand for each info, HkdfLabels in one addon call, anything else one call each',
  (t) => {
    const calls: string[] = [];
    const counted = countedBinding(binding!, calls);
    const kdf = nativeKdf(counted);
    const prk = new Uint8Array(randomBytes(48));
    const hash = new Uint8Array(randomBytes(48));
    for (const [algorithm, n] of [
      ['sha256', 32],
      ['sha384', 48],
    ] as const) {
      const infos = [
        hkdfLabel('key', new Uint8Array(0), 16),
        hkdfLabel('iv', new Uint8Array(0), 12),
        hkdfLabel('c ap traffic', hash.subarray(0, n), n),
        hkdfLabel('long', new Uint8Array(0), 3 * n + 5),
      ];
      const lengths = [16, 12, n, 3 * n + 5];
      calls.length = 0;
      const many = kdf.hkdfExpandMany(algorithm, prk.subarray(0, n), infos, lengths);
      t.deepEqual(
        calls,
        binding!.hkdfExpandLabelsIn === undefined ? Array(4).fill('hkdfExpandIn') : ['hkdfExpandLabelsIn'],
      );
      t.deepEqual(
        many.map((m) => hex(m)),
        infos.map((info, i) => hex(nodeProvider.hkdfExpand(algorithm, prk.subarray(0, n), info, lengths[i]!))),
        algorithm,
      );
      // Not HkdfLabels (a length the info does not name, a plain info): one call each, the same bytes as hkdfExpand.
      const plain = [new Uint8Array(3), hkdfLabel('key', new Uint8Array(0), 16)];
      calls.length = 0;
      const each = kdf.hkdfExpandMany(algorithm, prk, plain, [20, 17]);
      t.deepEqual(calls, ['hkdfExpandIn', 'hkdfExpandIn']);
      t.deepEqual(
        each.map((m) => hex(m)),
        [
          hex(nodeProvider.hkdfExpand(algorithm, prk, plain[0]!, 20)),
          hex(nodeProvider.hkdfExpand(algorithm, prk, plain[1]!, 17)),
        ],
      );
      t.throws(
        () => kdf.hkdfExpandMany(algorithm, prk, [hkdfLabel('x', new Uint8Array(0), 255 * n + 1)], [255 * n + 1]),
        {
          instanceOf: RangeError,
          message: /more than 255 \* HashLen/,
        },
      );
      t.throws(() => kdf.hkdfExpandMany(algorithm, prk, plain, [20]), {
        instanceOf: RangeError,
        message: /2 infos but 1 lengths/,
      });
    }
  },
);

(binding?.hkdfExpandLabelsIn === undefined ? test.skip : test)(
  'hkdfExpandLabelsIn refuses labels that do not parse, a count they do not match and outputs past the buffer (ERR_DTLS13_NATIVE)',
  (t) => {
    const label = hkdfLabel('key', new Uint8Array(0), 16);
    const scratch = new Uint8Array(new ArrayBuffer(32 + label.length + 16));
    scratch.set(label, 32);
    const call = (labelsLength: number, count: number, buffer = scratch): number =>
      binding!.hkdfExpandLabelsIn!(0, buffer, 32, labelsLength, count);
    t.is(call(label.length, 1), 16);
    for (const [labelsLength, count] of [
      [label.length, 2],
      [label.length, 0],
      [label.length - 1, 1],
    ] as const)
      t.throws(
        () => call(labelsLength, count),
        { code: 'ERR_DTLS13_NATIVE', message: /HkdfLabels/ },
        `${labelsLength} ${count}`,
      );
    t.throws(() => call(label.length, 1, scratch.slice(0, scratch.length - 1)), {
      code: 'ERR_DTLS13_NATIVE',
      message: /do not fit/,
    });
    t.throws(() => call(label.length + 17, 1), { code: 'ERR_DTLS13_NATIVE', message: /do not fit the scratch buffer/ });
  },
);

(binding?.pHashIn === undefined ? test.skip : test)(
  'pHash: the bytes of the HMAC chain on node:crypto for every length to 200, one addon call each; past 255 * HashLen a RangeError',
  (t) => {
    const kdf = nativeKdf(binding!);
    const secret = new Uint8Array(randomBytes(48));
    const seed = new Uint8Array(randomBytes(77));
    for (const algorithm of ['sha256', 'sha384'] as const) {
      const whole = pHash(nodeProvider, algorithm, secret, seed, 200);
      for (let n = 0; n <= 200; n++) t.is(hex(kdf.pHash!(algorithm, secret, seed, n)), hex(whole.subarray(0, n)));
      t.throws(() => kdf.pHash!(algorithm, secret, seed, 255 * (algorithm === 'sha256' ? 32 : 48) + 1), {
        instanceOf: RangeError,
        message: /P_hash: \d+ bytes/,
      });
    }
  },
);
