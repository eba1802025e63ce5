import type { CryptoProvider } from '../runtime/crypto/provider.js';
import { ALL_CIPHER_SUITES, CIPHER_SUITES, type SupportedCipherSuite } from '../runtime/crypto/suites.js';
import { nativeProvider } from '../runtime/crypto/native/index.js';
import { nobleProvider } from '../runtime/crypto/noble/index.js';
import { nodeProvider } from '../runtime/crypto/node/index.js';
import { scheduleContext } from '../runtime/keyschedule/context.js';
import { trafficKeys } from '../runtime/keyschedule/derived-keys.js';
import { RecordLayer } from '../runtime/record/record-layer.js';
import { IntegrityMonitor } from '../runtime/record/integrity-monitor.js';
import { EpochCipher12 } from '../runtime/record/epoch-cipher12.js';
import { ReadEpoch12 } from '../runtime/record/epochs12.js';
import { DTLS12_CIPHER_SUITES, type Dtls12SuiteParams } from '../runtime/versions/suites12.js';
import { compare, consume, formatRate, measure } from './harness.js';
import { loadNote } from './network/stats.js';

/**
 * The record layer: records sealed and opened per second at 1,200-byte
 * payloads, per suite and provider, against that provider's bare AEAD seal +
 * open of the same payload in alternating rounds. The difference is the
 * framing: unified header, inner plaintext, record number encryption (one
 * more cipher call per record each way), sequence reconstruction, anti-replay.
 * Then the native record path against the node provider's record layer (the
 * default before it), one record at a time and in batches of 16 per call.
 * Then DTLS 1.2 records (EpochCipher12 + ReadEpoch12): the addon's 1.2
 * record path against node:crypto, and against the native provider's AEAD
 * called per record (the 1.2 path before the addon had 1.2 records).
 */

const PAYLOAD = new Uint8Array(1200).fill(0x5a);
const BATCH_CONTENTS: readonly Uint8Array[] = Array.from({ length: 16 }, () => PAYLOAD);

const BATCH = 16;

function pair(
  provider: CryptoProvider,
  suite: SupportedCipherSuite,
): { record: () => unknown; batch: () => unknown; bare: () => unknown; mask: () => unknown } {
  const params = CIPHER_SUITES[suite];
  const keys = trafficKeys(scheduleContext(provider, params.hash), new Uint8Array(params.hashLength).fill(3), suite);
  // A usage limit beyond what a benchmark reaches, so the run measures framing, not KeyUpdates.
  const limits = { confidentiality: 2 ** 40, integrity: 2 ** 36 };
  const tx = new RecordLayer({ provider, limits });
  const rx = new RecordLayer({ provider, limits, replayWindow: 64 });
  tx.installWriteKeys(3, suite, keys);
  rx.reader.installReadKeys(3, suite, keys, 0);
  const aead = provider.aead(params.aead, keys.key);
  const snMask = provider.mask(params.mask, keys.snKey);
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(5);
  let n = 0;
  return {
    record: () => {
      const out = rx.reader.receive(tx.writer.seal('application_data', PAYLOAD).bytes, 0);
      if (out.length !== 1) throw new Error('record dropped in benchmark');
      return out;
    },
    /** BATCH records sealed in one call and opened one by one; returns per record, so rates compare with `record`. */
    batch: () => {
      if (n++ % BATCH !== 0) return undefined;
      for (const r of tx.writer.sealBatch('application_data', BATCH_CONTENTS))
        if (rx.reader.receive(r.bytes, 0).length !== 1) throw new Error('record dropped in benchmark');
      return undefined;
    },
    bare: () => {
      nonce[11] = n++ & 0xff;
      const ct = aead.seal(nonce, aad, PAYLOAD);
      consume(ct);
      return aead.open(nonce, aad, ct);
    },
    mask: () => snMask.mask(PAYLOAD),
  };
}

/** Runs the record layer benchmark and prints its table. */
export function benchRecord(): void {
  console.log(
    `\nrecord layer: records sealed + opened per second, 1,200-byte payload; ratio = record layer / bare AEAD seal+open (same provider, alternating 500 ms rounds; ${loadNote()})`,
  );
  console.log(
    'mask = one record number mask computation (RFC 9147 §4.2.3), which each record needs twice (seal and open)\n',
  );
  console.log(
    `${'suite'.padEnd(30)}${'provider'.padEnd(10)}${'records'.padEnd(14)}${'bare AEAD'.padEnd(14)}${'ratio'.padEnd(8)}mask`,
  );
  const ratios: number[] = [];
  for (const provider of [nodeProvider, nobleProvider, ...(nativeProvider ? [nativeProvider] : [])]) {
    for (const suite of ALL_CIPHER_SUITES) {
      const p = pair(provider, suite);
      const r = compare(p.record, p.bare, { rounds: 5, roundMs: 500 });
      const maskUs = 1e6 / measure('mask', p.mask, { rounds: 3, roundMs: 100 }).opsPerSec;
      ratios.push(r.ratio);
      console.log(
        `${suite.padEnd(30)}${provider.name.padEnd(10)}${formatRate(r.rate).padEnd(14)}${formatRate(r.baseline).padEnd(14)}${r.ratio.toFixed(2).padEnd(8)}${maskUs.toFixed(2)} µs`,
      );
    }
  }
  const worst = Math.min(...ratios);
  console.log(
    `\ntarget: record layer >= 0.9 of bare AEAD on every row: ${worst >= 0.9 ? 'met' : 'NOT met'} (worst ${worst.toFixed(2)})`,
  );
  if (!nativeProvider) {
    console.log('\nnative record path: not measured (the addon is not built here, or DTLS13_NATIVE=0)');
    return;
  }
  console.log(
    `\nnative record path against the node provider (the default before it), records sealed + opened per second, alternating 500 ms rounds (${loadNote()}):`,
  );
  console.log(
    `${'suite'.padEnd(30)}${'native'.padEnd(14)}${'node'.padEnd(14)}${'ratio'.padEnd(8)}${`native, ${BATCH} per seal call`.padEnd(28)}ratio to native one by one`,
  );
  for (const suite of ALL_CIPHER_SUITES) {
    const a = pair(nativeProvider, suite);
    const b = pair(nodeProvider, suite);
    const one = compare(a.record, b.record, { rounds: 5, roundMs: 500 });
    const batched = compare(a.batch, a.record, { rounds: 5, roundMs: 500 });
    console.log(
      `${suite.padEnd(30)}${formatRate(one.rate).padEnd(14)}${formatRate(one.baseline).padEnd(14)}${one.ratio.toFixed(2).padEnd(8)}${formatRate(batched.rate).padEnd(28)}${batched.ratio.toFixed(2)}`,
    );
  }
  benchRecord12();
}

const SUITES_12: readonly Dtls12SuiteParams[] = [
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_256_gcm_sha384,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_ccm,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_ccm_8,
];

/** One 1,200-byte DTLS 1.2 record sealed and opened (replay window included) per call, on `provider`. */
function record12(provider: CryptoProvider, suite: Dtls12SuiteParams, cid?: Uint8Array): () => unknown {
  const keys = { key: new Uint8Array(suite.keyLength).fill(3), iv: new Uint8Array(suite.fixedIvLength).fill(4) };
  const options = cid ? { cid } : {};
  const tx = new EpochCipher12(provider, suite, keys, 1, options);
  const rx = new ReadEpoch12(new EpochCipher12(provider, suite, keys, 1, options), new IntegrityMonitor(100));
  let seq = 0;
  return () => {
    if (!rx.receive(tx.seal(23, seq++, PAYLOAD), 0).ok) throw new Error('1.2 record dropped in benchmark');
  };
}

/** DTLS 1.2 records: the addon's 1.2 record path against node:crypto and against the native AEAD per record, alternating rounds. */
export function benchRecord12(): void {
  if (!nativeProvider) {
    console.log('\nDTLS 1.2 native record path: not measured (the addon is not built here, or DTLS13_NATIVE=0)');
    return;
  }
  // The same native provider under another identity: EpochCipher12 then seals with its AEAD per record, not the 1.2 record calls.
  const aeadOnly: CryptoProvider = { ...nativeProvider, name: 'native-aead' };
  console.log(
    `\nDTLS 1.2 records (EpochCipher12 + ReadEpoch12), 1,200-byte payload, sealed + opened per second; ratios from alternating 500 ms rounds in this process (${loadNote()}):`,
  );
  console.log(
    `${'suite'.padEnd(46)}${'native 1.2'.padEnd(14)}${'node:crypto'.padEnd(14)}${'ratio'.padEnd(8)}${'native AEAD'.padEnd(14)}ratio`,
  );
  for (const [suite, cid] of [
    ...SUITES_12.map((s) => [s, undefined] as const),
    [SUITES_12[0]!, Uint8Array.of(1, 2, 3, 4)] as const,
  ]) {
    const fast = record12(nativeProvider, suite, cid);
    const vsNode = compare(fast, record12(nodeProvider, suite, cid), { rounds: 5, roundMs: 500 });
    const vsAead = compare(fast, record12(aeadOnly, suite, cid), { rounds: 5, roundMs: 500 });
    console.log(
      `${`${suite.name}${cid ? ' (CID)' : ''}`.padEnd(46)}${formatRate(vsNode.rate).padEnd(14)}${formatRate(vsNode.baseline).padEnd(14)}${vsNode.ratio.toFixed(2).padEnd(8)}${formatRate(vsAead.baseline).padEnd(14)}${vsAead.ratio.toFixed(2)}`,
    );
  }
}
