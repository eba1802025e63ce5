import test, { type ExecutionContext } from 'ava';
import type { AeadKey, CryptoProvider } from '../../runtime/crypto/provider.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { ReceivedRecord } from '../../runtime/record/record-reader.js';
import { MAX_PROBES, PROBE_EVERY } from '../../runtime/record/sequence-recovery.js';
import { PROVIDERS } from '../support/providers.js';
import { recordPair } from '../support/record-pair.js';

/**
 * A read epoch after a long run of lost records (runtime/record/sequence-recovery.ts):
 * with only the low 16 (or 8) bits of the sequence number on the wire, more
 * than half the span lost in a row used to leave every later record
 * reconstructed to the wrong number, so the epoch never opened another one
 * (seen as a benchmark's flood going to 0 Mbit/s after its receiver
 * stalled). Now the epoch opens again with the k-th record after a gap of
 * k spans (at once after one span), and a forged record costs at most one
 * decryption more (a flood: 1/PROBE_EVERY more past its first MAX_PROBES).
 */

const SUITE = 'tls_aes_128_gcm_sha256';
const opened = (out: readonly ReceivedRecord[]): number => out.filter((r) => r.kind === 'record').length;

/** A pair sealing `bits`-bit record numbers, past the first span (where no reconstruction is cut short at zero). */
function pastFirstSpan(
  t: ExecutionContext,
  provider: CryptoProvider,
  bits: 8 | 16,
): { rx: ReturnType<typeof recordPair>['rx']; seal: () => Uint8Array; span: number } {
  const { tx, rx } = recordPair({ sender: provider, suite: SUITE });
  const seal = () => tx.writer.seal('application_data', Uint8Array.of(1, 2, 3), { sequenceNumberLength: bits }).bytes;
  const span = bits === 16 ? 0x10000 : 0x100;
  // A record in every quarter span received.
  for (let i = 1; i <= span + 100; i++) {
    const r = seal();
    if (i % (span / 4) === 0) t.is(opened(rx.reader.receive(r, 0)), 1);
  }
  return { rx, seal, span };
}

for (const provider of PROVIDERS) {
  for (const [lost, bits] of [
    [40_000, 16],
    [100_000, 16],
    [300, 8],
    [1_500, 8],
  ] as const) {
    test(`${provider.name}: ${lost} records lost in a row (${bits}-bit record numbers): the epoch opens records again`, (t) => {
      const { rx, seal, span } = pastFirstSpan(t, provider, bits);
      t.is(opened(rx.reader.receive(seal(), 0)), 1);
      for (let i = 0; i < lost; i++) seal(); // sent, never received
      const windows = Math.round((lost + 1) / span);
      const results: number[] = [];
      for (let i = 0; i < PROBE_EVERY * MAX_PROBES + 4; i++) results.push(opened(rx.reader.receive(seal(), 1)));
      const first = results.indexOf(1);
      t.true(first >= 0, `never opened again: ${results.join('')}`);
      t.is(first, windows - 1, `opened again on the probe ${windows} spans ahead`);
      t.deepEqual(results.slice(first), new Array<number>(results.length - first).fill(1), 'and every record after it');
    });
  }
}

for (const provider of PROVIDERS) {
  for (const bits of [16, 8] as const) {
    test(`${provider.name}: just over half the span lost in a row (${bits}-bit record numbers): no genuine record after it fails`, (t) => {
      // A receiver stalled for a moment under a flood (its socket buffer overflowing) loses more than 32,768 records in a
      // row; the first record after the gap is the probe's, so none of the peer's records is dropped as a forgery.
      const { rx, seal, span } = pastFirstSpan(t, provider, bits);
      for (let i = 0; i < span / 2 + span / 8; i++) seal(); // sent, never received
      for (let i = 0; i < PROBE_EVERY; i++) t.is(opened(rx.reader.receive(seal(), 1)), 1, `record ${i} after the gap`);
      t.is(rx.reader.drops.authentication, 0);
    });
  }
}

/** nodeProvider with every AEAD open counted. */
function counting(): { provider: CryptoProvider; opens: () => number } {
  let n = 0;
  const provider: CryptoProvider = {
    ...nodeProvider,
    supports: (c) => nodeProvider.supports(c),
    aead: (a, key) => {
      const k = nodeProvider.aead(a, key);
      const wrapped: AeadKey = {
        algorithm: k.algorithm,
        tagLength: k.tagLength,
        seal: (nonce, aad, p) => k.seal(nonce, aad, p),
        sealInto: (nonce, aad, parts, out, offset) => k.sealInto(nonce, aad, parts, out, offset),
        open: (nonce, aad, c) => {
          n++;
          return k.open(nonce, aad, c);
        },
        release: () => k.release(),
      };
      return wrapped;
    },
  };
  return { provider, opens: () => n };
}

for (const [suite, probes] of [
  [SUITE, true],
  ['tls_aes_128_ccm_8_sha256', false],
] as const) {
  test(`attacker, ${suite}: forged records cost ${probes ? `one decryption each, and one more for the first ${MAX_PROBES} in a row and every ${PROBE_EVERY}th after them` : 'one decryption each (a small integrity limit: no probes)'}; a genuine record still opens`, (t) => {
    const { provider, opens } = counting();
    // The key's own failure rate off (AES-128-CCM-8 takes one a second): each forgery here is tried.
    const { tx, rx } = recordPair({
      sender: nodeProvider,
      receiver: provider,
      suite,
      config: { integrityBudgetSeconds: 0 },
    });
    t.is(opened(rx.reader.receive(tx.writer.seal('application_data', Uint8Array.of(1)).bytes, 0)), 1);
    const before = opens();
    const forged = 50;
    for (let i = 0; i < forged; i++) {
      const f = tx.writer.seal('application_data', Uint8Array.of(9)).bytes;
      f[f.length - 1]! ^= 0xff; // does not authenticate
      t.is(opened(rx.reader.receive(f, 1)), 0);
    }
    // The probes: failures 1 to MAX_PROBES in a row, then 17, 33 and 49.
    t.is(opens() - before, forged + (probes ? MAX_PROBES + Math.floor((forged - 1) / PROBE_EVERY) : 0));
    t.is(rx.reader.drops.authentication, forged);
    t.is(
      opened(rx.reader.receive(tx.writer.seal('application_data', Uint8Array.of(2)).bytes, 1)),
      1,
      'the peer’s next record opens',
    );
  });
}
