/**
 * The TLS 1.3 key schedule steps written out with node:crypto (RFC 8446 §7.1, DTLS 1.3's "dtls13" prefix of RFC 9147
 * §5.9), for tests to check a module's secrets, binders and Finished values against a computation of their own.
 */
import { createHash, createHmac } from 'node:crypto';
import type { HashAlgorithm } from '../../runtime/crypto/provider.js';

export const HASH_LENGTH: Record<HashAlgorithm, number> = { sha256: 32, sha384: 48 };

/** HKDF-Expand-Label(secret, label, context, length) with the "dtls13" prefix; length defaults to Hash.length. */
export function expandLabel(
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length = HASH_LENGTH[hash],
): Buffer {
  const full = Buffer.from(`dtls13${label}`);
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, full.length]),
    full,
    Buffer.from([context.length]),
    context,
  ]);
  // HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) | info | i).
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; blocks.length * HASH_LENGTH[hash] < length; i++) {
    previous = createHmac(hash, secret)
      .update(Buffer.concat([previous, info, Buffer.of(i)]))
      .digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** HKDF-Extract(salt, ikm); a missing salt is Hash.length zeros. */
export function extract(hash: HashAlgorithm, salt: Uint8Array | undefined, ikm: Uint8Array): Buffer {
  return createHmac(hash, salt ?? Buffer.alloc(HASH_LENGTH[hash]))
    .update(ikm)
    .digest();
}

/** Derive-Secret(secret, label, Transcript-Hash(messages)) given the hash of the messages. */
export function deriveSecret(hash: HashAlgorithm, secret: Uint8Array, label: string, messagesHash: Uint8Array): Buffer {
  return expandLabel(hash, secret, label, messagesHash);
}

/** Hash of no messages: the context of Derive-Secret(…, "derived", "") and of the binder keys. */
export function emptyHash(hash: HashAlgorithm): Buffer {
  return createHash(hash).update('').digest();
}

/** A Finished value (RFC 8446 §4.4.4): HMAC(finished_key(secret), transcriptHash), as hex. */
export function finishedHex(hash: HashAlgorithm, secret: Uint8Array, transcriptHash: Uint8Array): string {
  const key = expandLabel(hash, secret, 'finished', new Uint8Array(0));
  return createHmac(hash, key).update(transcriptHash).digest('hex');
}
