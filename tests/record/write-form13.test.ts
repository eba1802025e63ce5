import test from 'ava';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { Header13, readHeader13 } from '../../runtime/record/codec13.js';
import { EpochCipher } from '../../runtime/record/epoch-cipher.js';
import { RecordLayerError } from '../../runtime/record/record-writer.js';
import type { RecordShape } from '../../runtime/record/write-form.js';
import { WRITE13 } from '../../runtime/record/write-form13.js';
import { keysFor } from '../support/record-pair.js';

/**
 * DTLS 1.3's write form (runtime/record/write-form13.ts) on its own: the unified header it writes reads back with the
 * codec, the inner plaintext is padded at least to what the mask samples, and content over 2^14 or the peer's
 * record_size_limit is refused by name.
 */

const cipher = (suite: 'tls_aes_128_gcm_sha256' | 'tls_aes_128_ccm_8_sha256'): EpochCipher =>
  new EpochCipher(nodeProvider, 3, suite, keysFor(nodeProvider, suite, 3));
const shape = (over: Partial<RecordShape> = {}): RecordShape => ({
  cid: undefined,
  padding: undefined,
  seq16: true,
  withLength: true,
  sendInnerLimit: undefined,
  ...over,
});

test('the header it writes reads back: epoch bits, CID, sequence number bits, length; content, type, room for the tag', (t) => {
  for (const [seq16, withLength] of [
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ] as const) {
    const cid = Uint8Array.of(7, 7, 7);
    const l = WRITE13.laid;
    const record = WRITE13.layOut(
      cipher('tls_aes_128_gcm_sha256'),
      0x1234,
      23,
      Uint8Array.of(1, 2, 3),
      shape({ cid, seq16, withLength }),
    );
    const h = new Header13();
    t.true(readHeader13(record, 0, cid.length, h));
    t.like(h, { epochBits: 3, hasCid: true, seq16, hasLength: withLength, headerLength: l.headerLength });
    t.is(record[1 + cid.length + (seq16 ? 1 : 0)], 0x34, 'the low bits of the sequence number, in clear until sealed');
    t.deepEqual([...record.subarray(l.headerLength, l.headerLength + 4)], [1, 2, 3, 23]);
    t.is(record.length, l.headerLength + l.plaintextLength + 16);
    t.deepEqual([l.snOffset, l.snBytes], [1 + cid.length, seq16 ? 2 : 1]);
  }
});

test('a short record is padded so the ciphertext covers the 16-byte mask sample (CCM_8: an 8-byte tag)', (t) => {
  const l = WRITE13.laid;
  WRITE13.layOut(cipher('tls_aes_128_ccm_8_sha256'), 0, 23, Uint8Array.of(1), shape());
  t.is(l.plaintextLength + 8, 16);
  WRITE13.layOut(cipher('tls_aes_128_gcm_sha256'), 0, 23, Uint8Array.of(1), shape());
  t.is(l.plaintextLength, 2, 'a 16-byte tag covers the sample alone');
});

test('content over 2^14 or over the peer’s record_size_limit is refused by name; padding is cut to the limit', (t) => {
  const c = cipher('tls_aes_128_gcm_sha256');
  t.throws(() => WRITE13.check(c, 23, 16385, shape()), {
    instanceOf: RecordLayerError,
    message: /16385 bytes exceeds 2\^14/,
  });
  t.throws(() => WRITE13.check(c, 23, 100, shape({ sendInnerLimit: 100 })), {
    instanceOf: RecordLayerError,
    message: /record_size_limit \(100 bytes/,
  });
  const l = WRITE13.laid;
  WRITE13.layOut(c, 0, 23, new Uint8Array(90), shape({ sendInnerLimit: 100, padding: () => 50 }));
  t.is(l.plaintextLength, 100, 'padding cut to what the limit leaves');
  t.is(WRITE13.overhead(c, shape({ cid: Uint8Array.of(1, 2) })), 1 + 2 + 2 + 2 + 1 + 16);
});
