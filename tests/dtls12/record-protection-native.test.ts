/**
 * DTLS 1.2 records on the addon's fast path (native/src/record12.c, used
 * by EpochCipher12 when the provider is the native one) against the
 * node:crypto path: for every 1.2 AEAD (GCM with its explicit nonce,
 * ChaCha20-Poly1305's XOR nonce, CCM, CCM_8), plain and tls12_cid records
 * (RFC 9146's additional data and DTLSInnerPlaintext), both paths write
 * byte-identical records and each opens the other's; the addon really is
 * called (a count on its binding); a forged record is refused by both.
 * With DTLS13_NATIVE=0 (a child process) the same records come out of the
 * node:crypto fallback.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { nativeBinding, type NativeBinding } from '../../runtime/crypto/native/binding.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { StagedRecords } from '../../runtime/record/staged-records.js';
import { DTLS12_CIPHER_SUITES, type Dtls12SuiteParams } from '../../runtime/versions/suites12.js';

const SUITES: readonly Dtls12SuiteParams[] = [
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256,
  DTLS12_CIPHER_SUITES.tls_ecdhe_rsa_with_aes_256_gcm_sha384,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_ccm,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_ccm_8,
];
const CID = Uint8Array.of(0xc1, 0xd0, 0xc2, 0xd3, 0xc4, 0xc5);
const fill = (n: number, k: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 29 + k * 11) & 0xff);
const keysOf = (s: Dtls12SuiteParams): { key: Uint8Array; iv: Uint8Array } => ({
  key: fill(s.keyLength, 1),
  iv: fill(s.fixedIvLength, 2),
});
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** Sizes around the edges: empty, one byte, a block, odd sizes, the 2^14 maximum. */
const SIZES = [0, 1, 15, 16, 17, 100, 1200, 16384 - 7, 16384];
const SEQS = [0, 1, 255, 65_536, 2 ** 32 + 5, 2 ** 48 - 1];

/** Counts the addon's 1.2 record calls while `f` runs. */
function counting(binding: NativeBinding, f: () => void): { seal: number; open: number } {
  const counts = { seal: 0, open: 0 };
  const seal = binding.record12Seal;
  const open = binding.record12Open;
  const openOwned = binding.record12OpenOwned;
  const b = binding as Pick<NativeBinding, 'record12Seal' | 'record12Open' | 'record12OpenOwned'>;
  b.record12Seal = (...a) => (counts.seal++, seal.apply(binding, a));
  b.record12Open = (...a) => (counts.open++, open.apply(binding, a));
  // The addon opens into its pool of records' memory when it can (native/src/owned-bytes.cc): either call counts.
  if (openOwned !== undefined) b.record12OpenOwned = (...a) => (counts.open++, openOwned.apply(binding, a));
  try {
    f();
  } finally {
    b.record12Seal = seal;
    b.record12Open = open;
    if (openOwned !== undefined) b.record12OpenOwned = openOwned;
  }
  return counts;
}

if (nativeProvider === undefined || nativeBinding === undefined) {
  test('the native addon loads here (DTLS13_NATIVE=0 or no build: the node:crypto path is what runs)', (t) => {
    t.is(process.env.DTLS13_NATIVE, '0', 'the addon should be built by npm ci');
  });
} else {
  const native = nativeProvider;
  const binding = nativeBinding;
  for (const suite of SUITES) {
    for (const cid of [undefined, CID]) {
      const label = `${suite.name}${cid ? ' tls12_cid' : ''}`;
      test(`${label}: the addon and node:crypto write the same records and open each other's`, (t) => {
        const keys = keysOf(suite);
        const options = cid ? { cid, padding: (n: number) => n % 3 } : {};
        const n = new EpochCipher12(native, suite, keys, 3, options);
        const o = new EpochCipher12(nodeProvider, suite, keys, 3, options);
        const counts = counting(binding, () => {
          // A CID record's DTLSInnerPlaintext adds the type and up to 2 zeros: its content stops 3 bytes short of 2^14.
          for (const size of SIZES.map((n) => (cid ? Math.min(n, 16384 - 3) : n))) {
            for (const seq of SEQS) {
              const content = fill(size, seq % 251);
              const type = size % 2 === 0 ? 23 : 22;
              const fromNative = n.seal(type, seq, content);
              const fromNode = o.seal(type, seq, content);
              t.is(hex(fromNative), hex(fromNode), `${size} B, seq ${seq}`);
              // A caller's explicit nonce (GCM, CCM) is used as given on both paths.
              if (suite.recordIvLength > 0)
                t.is(hex(n.seal(type, seq, content, fill(8, 9))), hex(o.seal(type, seq, content, fill(8, 9))));
              // Each opens the other's, also from a view inside a larger (pooled) buffer.
              const datagram = Buffer.concat([Buffer.from([0xaa, 0xbb]), fromNode]).subarray(2);
              for (const [reader, record] of [
                [n, datagram],
                [o, fromNative],
              ] as const) {
                const opened = reader.open(decodeDatagram12(record, { cidLength: cid?.length ?? 0 })[0]!);
                if (!opened.ok) return void t.fail(`${size} B seq ${seq}: ${opened.reason}`);
                t.is(opened.type, type);
                t.is(opened.sequenceNumber, seq);
                t.is(hex(opened.content), hex(content));
              }
              // A flipped ciphertext bit: refused by both.
              const forged = fromNative.slice();
              forged[forged.length - 1]! ^= 0x40;
              const wire = decodeDatagram12(forged, { cidLength: cid?.length ?? 0 })[0]!;
              t.deepEqual(n.open(wire), { ok: false, reason: 'authentication' });
              t.deepEqual(o.open(wire), { ok: false, reason: 'authentication' });
            }
          }
        });
        t.true(
          counts.seal >= SIZES.length * SEQS.length && counts.open >= 2 * SIZES.length * SEQS.length,
          JSON.stringify(counts),
        );
      });
    }
  }

  for (const suite of SUITES) {
    for (const cid of [undefined, CID]) {
      test(`${suite.name}${cid ? ' tls12_cid' : ''}: a staged run of records is sealed in one record12SealBatch call, byte for byte node:crypto's`, (t) => {
        const keys = keysOf(suite);
        const options = cid ? { cid, padding: (n: number) => n % 3 } : {};
        const n = new EpochCipher12(native, suite, keys, 5, options);
        const o = new EpochCipher12(nodeProvider, suite, keys, 5, options);
        t.not(n.protection.sealRecords, undefined, 'the addon has the call');
        t.is(o.protection.sealRecords, undefined, 'node:crypto keys seal one record a call');
        // Sizes of small records, blocks and a full one; sequence numbers from 2^32 on, as a long session's.
        const sizes = [0, 1, 16, 17, 64, 300, 1200, 5, 96, 1351];
        const staged = StagedRecords.take();
        const queue: Uint8Array[] = [];
        sizes.forEach((size, i) => {
          const type = i % 3 === 0 ? 21 : 23;
          const record = n.layOut(type, 2 ** 32 + i, fill(size, i));
          staged.add(n.protection, queue, record, 13 + (cid?.length ?? 0), n.laidPlaintext, 2 ** 32 + i, 0, 2);
        });
        const calls = { batch: 0, batched: 0, single: 0 };
        const sealBatch = binding.record12SealBatch!;
        const seal = binding.record12Seal;
        const b = binding as Pick<NativeBinding, 'record12SealBatch' | 'record12Seal'>;
        b.record12SealBatch = (...a) => (calls.batch++, (calls.batched += a[3]), sealBatch.apply(binding, a));
        b.record12Seal = (...a) => (calls.single++, seal.apply(binding, a));
        try {
          staged.seal(true);
        } finally {
          b.record12SealBatch = sealBatch;
          b.record12Seal = seal;
        }
        t.is(queue.length, sizes.length);
        sizes.forEach((size, i) =>
          t.is(
            hex(queue[i]!),
            hex(o.seal(i % 3 === 0 ? 21 : 23, 2 ** 32 + i, fill(size, i))),
            `record ${i}, ${size} B`,
          ),
        );
        // One call for the run, or two when the outgoing slab filled up inside it (a lone record then goes alone).
        t.true(calls.batch >= 1 && calls.batch <= 2, JSON.stringify(calls));
        t.is(calls.batched + calls.single, sizes.length, JSON.stringify(calls));
        t.true(calls.single <= 1, JSON.stringify(calls));
      });
    }
  }

  test('record12SealBatch checks every entry before sealing any, naming what is wrong', (t) => {
    const suite = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256;
    const keys = keysOf(suite);
    const h = binding.record12Create(0, keys.key, keys.iv, 1, new Uint8Array(0));
    const call = binding.record12SealBatch!.bind(binding);
    const buf = new Uint8Array(100).fill(23);
    const code = { code: 'ERR_DTLS13_NATIVE' };
    try {
      // Two records: the first fits (13 + 8 + 10 + 16 bytes), the second runs past the buffer's end.
      const layout = new Float64Array([0, 13, 10, 1, 0, 0, 60, 13, 10, 2, 0, 0]);
      t.throws(() => call(h, buf, layout, 2), {
        ...code,
        message: /record12SealBatch: a record does not fit the buffer/,
      });
      t.true(
        buf.every((x) => x === 23),
        'nothing sealed when an entry is refused',
      );
      t.throws(() => call(h, buf, layout, 3), { ...code, message: /fewer records/ });
      t.throws(() => call(h, buf, new Float64Array([0, 13, 1.5, 1, 0, 0]), 1), {
        ...code,
        message: /not a non-negative integer/,
      });
      t.throws(() => call(h, buf, new Float64Array([0, 13, 10, 2 ** 48, 0, 0]), 1), {
        ...code,
        message: /sequence number is out of range/,
      });
      call(h, buf, layout, 1);
      t.is(buf[0], 23);
      t.not(
        hex(buf.subarray(21, 31)),
        hex(new Uint8Array(10).fill(23)),
        'the one record that fits is sealed when asked alone',
      );
    } finally {
      binding.release(h);
    }
  });

  test('DTLS13_NATIVE=0: the default provider is node:crypto and writes the same 1.2 records', (t) => {
    const suite = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256;
    const child = `
      import { defaultProvider } from '${new URL('../../runtime/crypto/registry.ts', import.meta.url).pathname}';
      import { EpochCipher12 } from '${new URL('../../runtime/record/epoch-cipher12.ts', import.meta.url).pathname}';
      import { DTLS12_CIPHER_SUITES } from '${new URL('../../runtime/versions/suites12.ts', import.meta.url).pathname}';
      const fill = (n, k) => Uint8Array.from({ length: n }, (_, i) => (i * 29 + k * 11) & 0xff);
      const suite = DTLS12_CIPHER_SUITES.${suite.name};
      const p = defaultProvider();
      const keys = { key: fill(suite.keyLength, 1), iv: fill(suite.fixedIvLength, 2) };
      const plain = new EpochCipher12(p, suite, keys, 3).seal(23, 77, fill(300, 4));
      const cid = new EpochCipher12(p, suite, keys, 3, { cid: Uint8Array.of(1, 2, 3) }).seal(23, 78, fill(300, 4));
      console.log(JSON.stringify({ provider: p.name, plain: Buffer.from(plain).toString('hex'), cid: Buffer.from(cid).toString('hex') }));
    `;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', child], {
        encoding: 'utf8',
        env: { ...process.env, DTLS13_NATIVE: '0' },
      }),
    ) as { provider: string; plain: string; cid: string };
    t.is(out.provider, 'node');
    const keys = keysOf(suite);
    t.is(out.plain, hex(new EpochCipher12(native, suite, keys, 3).seal(23, 77, fill(300, 4))));
    t.is(
      out.cid,
      hex(new EpochCipher12(native, suite, keys, 3, { cid: Uint8Array.of(1, 2, 3) }).seal(23, 78, fill(300, 4))),
    );
  });
}
