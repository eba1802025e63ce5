import { nativeBinding } from '../runtime/crypto/native/binding.js';
import { handshake } from '../tests/support/handshake.js';
import { makeIdentity } from '../tests/support/pki-fixtures.js';

/**
 * `npx tsx bench/send-burst-count.ts`: counts, not times (docs/benchmarks.md,
 * the send path). A connected sans-I/O DTLS 1.3 client (AES-128-GCM, native
 * provider) sends BURSTS (default 200) bursts of N (16) 1,200-byte messages,
 * draining pollTransmit after each, as the endpoint's end-of-turn pump does;
 * prints the addon's record calls per payload. With SEND_BURST_COUNT=0 it
 * counts nothing (no wrapper in the way): run it so under
 * `valgrind --tool=callgrind --separate-threads=yes` with two BURSTS values
 * and divide the main thread's difference by the payloads between them for
 * instructions per payload.
 */

const N = Number(process.env.N ?? 16);
const BURSTS = Number(process.env.BURSTS ?? 200);
const binding = nativeBinding;
if (binding === undefined) throw new Error('the native addon is not built (or DTLS13_NATIVE=0)');
const calls = { recordSeal: 0, recordSealBatch: 0, recordsInBatches: 0 };
if (process.env.SEND_BURST_COUNT !== '0') {
  const { recordSeal, recordSealBatch } = binding;
  binding.recordSeal = (...a) => (calls.recordSeal++, recordSeal.apply(binding, a));
  binding.recordSealBatch = (...a) => (
    calls.recordSealBatch++,
    (calls.recordsInBatches += a[3]),
    recordSealBatch.apply(binding, a)
  );
}
const { link } = handshake(makeIdentity('p256', 'server.test'));
const payload = new Uint8Array(1200).fill(7);
Object.assign(calls, { recordSeal: 0, recordSealBatch: 0, recordsInBatches: 0 });
let datagrams = 0;
for (let i = 0; i < BURSTS; i++) {
  for (let j = 0; j < N; j++) link.client.send(payload);
  for (let d = link.client.pollTransmit(); d !== undefined; d = link.client.pollTransmit()) datagrams++;
}
const payloads = N * BURSTS;
console.log(
  `${payloads} payloads in bursts of ${N}, ${datagrams} datagrams; per payload: recordSeal ${calls.recordSeal / payloads}, ` +
    `recordSealBatch ${calls.recordSealBatch / payloads} (${calls.recordsInBatches / payloads} of the records)`,
);
