import test from 'ava';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { DEFAULT_AEAD_LIMITS } from '../../runtime/record/limits.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import { keysFor } from '../support/record-pair.js';

/** Records failing authentication are counted per key, and past the AEAD's integrity limit the connection is told to close (RFC 9147 §4.5.3). */

/** A sender with the right keys for `epoch` and a forger with other keys for the same epoch number. */
function sides(
  suite: SupportedCipherSuite,
  rx: RecordLayer,
  epoch: number,
): { honest: RecordLayer; forger: RecordLayer } {
  const honest = new RecordLayer({ provider: nodeProvider });
  const forger = new RecordLayer({ provider: nodeProvider });
  honest.installWriteKeys(epoch, suite, keysFor(nodeProvider, suite, epoch));
  forger.installWriteKeys(epoch, suite, keysFor(nodeProvider, suite, 200 + epoch));
  rx.reader.installReadKeys(epoch, suite, keysFor(nodeProvider, suite, epoch), 0);
  return { honest, forger };
}

test('CCM_8 defaults to 2^7 failures per key (RFC 9147 Appendix B.3); the 129th trips the limit and the key opens nothing more', (t) => {
  const suite = 'tls_aes_128_ccm_8_sha256';
  t.is(DEFAULT_AEAD_LIMITS['aes-128-ccm-8'].integrity, 128);
  // The per-second caps on failed authentications off (all keys', and the key's own): the forgeries all come at one instant.
  const rx = new RecordLayer({
    provider: nodeProvider,
    maxFailedAuthenticationsPerSecond: 1_000_000,
    integrityBudgetSeconds: 0,
  });
  const { honest, forger } = sides(suite, rx, 3);
  for (let i = 0; i < 128; i++) rx.reader.receive(forger.writer.seal('application_data', Uint8Array.of(i)).bytes, 0);
  t.false(rx.reader.integrityLimitExceeded);
  t.like(rx.usage().read[0], { epoch: 3, failed: 128, integrityLimit: 128 });
  t.is(
    rx.reader.receive(honest.writer.seal('application_data', Uint8Array.of(1)).bytes, 0).length,
    1,
    'at the limit the key still opens',
  );
  rx.reader.receive(forger.writer.seal('application_data', Uint8Array.of(0)).bytes, 0);
  t.true(rx.reader.integrityLimitExceeded);
  t.is(rx.reader.drops.authentication, 129);
  t.is(rx.reader.receive(honest.writer.seal('application_data', Uint8Array.of(2)).bytes, 0).length, 0);
  t.is(rx.reader.drops['integrity-limit'], 1);
});

test('failures are counted per read epoch: each key has its own budget; dropping the epoch that exceeded it clears the signal', (t) => {
  const suite = 'tls_aes_128_gcm_sha256';
  const rx = new RecordLayer({
    provider: nodeProvider,
    limits: { confidentiality: 1000, integrity: 3 },
    integrityBudgetSeconds: 0,
  });
  const e3 = sides(suite, rx, 3);
  const e4 = sides(suite, rx, 4);
  for (let i = 0; i < 3; i++) {
    rx.reader.receive(e3.forger.writer.seal('application_data', Uint8Array.of(i)).bytes, 0);
    rx.reader.receive(e4.forger.writer.seal('application_data', Uint8Array.of(i)).bytes, 0);
  }
  t.false(rx.reader.integrityLimitExceeded, '3 + 3 failures over two keys stay within a limit of 3 per key');
  t.deepEqual(
    rx.usage().read.map((r) => [r.epoch, r.failed]),
    [
      [3, 3],
      [4, 3],
    ],
  );
  rx.reader.receive(e4.forger.writer.seal('application_data', Uint8Array.of(9)).bytes, 0);
  t.true(rx.reader.integrityLimitExceeded);
  t.is(
    rx.reader.receive(e3.honest.writer.seal('application_data', Uint8Array.of(1)).bytes, 0).length,
    1,
    'epoch 3 is within its budget',
  );
  rx.reader.dropReadEpoch(4);
  t.false(rx.reader.integrityLimitExceeded, 'the key past its limit is gone');
});

test('deferred records (keys not installed) and malformed ones are not authentication failures', (t) => {
  const suite = 'tls_aes_128_ccm_8_sha256';
  const rx = new RecordLayer({ provider: nodeProvider });
  const { forger } = sides(suite, rx, 3);
  const ahead = new RecordLayer({ provider: nodeProvider });
  ahead.installWriteKeys(4, suite, keysFor(nodeProvider, suite, 4));
  for (let i = 0; i < 300; i++) {
    t.is(rx.reader.receive(ahead.writer.seal('application_data', Uint8Array.of(i)).bytes, 0)[0]?.kind, 'deferred');
    rx.reader.receive(forger.writer.seal('application_data', Uint8Array.of(i)).bytes.subarray(0, 10), 0);
  }
  t.false(rx.reader.integrityLimitExceeded);
  t.is(rx.usage().read[0]?.failed, 0);
});
