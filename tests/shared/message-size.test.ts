/**
 * The largest 1.3 `send()` (runtime/shared/message-size.ts): one record in one datagram, after the 5-byte unified
 * header, the CID, the inner content type and the suite's tag (the longest, 16, before a suite is settled), within the
 * peer's record_size_limit (which counts the type byte), never above 2^14.
 */
import test from 'ava';
import { MAX_RECORD_PLAINTEXT, maxMessageSize } from '../../runtime/shared/message-size.js';

test('the datagram less header, type byte and tag; CCM_8’s 8-byte tag leaves 8 more', (t) => {
  t.is(maxMessageSize(1200, 'tls_aes_128_gcm_sha256'), 1200 - 5 - 1 - 16);
  t.is(maxMessageSize(1200, 'tls_aes_128_ccm_8_sha256'), 1200 - 5 - 1 - 8);
  t.is(maxMessageSize(1200, undefined), 1200 - 5 - 1 - 16, 'before the suite: the longest tag');
});

test('a CID takes its length from the room', (t) => {
  t.is(maxMessageSize(1200, 'tls_aes_128_gcm_sha256', 8), 1200 - 5 - 8 - 1 - 16);
});

test('the peer’s record_size_limit counts the type byte; 2^14 caps a large datagram', (t) => {
  t.is(maxMessageSize(1200, 'tls_aes_128_gcm_sha256', 0, 256), 255);
  t.is(maxMessageSize(1200, 'tls_aes_128_gcm_sha256', 0, 2000), 1178, 'the datagram is smaller than the limit');
  t.is(maxMessageSize(65_000, 'tls_aes_128_gcm_sha256'), MAX_RECORD_PLAINTEXT);
  t.is(maxMessageSize(65_000, 'tls_aes_128_gcm_sha256', 0, 2 ** 14 + 1), 2 ** 14);
  t.is(MAX_RECORD_PLAINTEXT, 16_384);
});
