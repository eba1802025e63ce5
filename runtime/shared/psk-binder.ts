import type { OfferedPsks } from '../../generated/wire/index.js';
import type { CryptoProvider, HashAlgorithm } from '../crypto/provider.js';
import { hashLength } from '../crypto/suites.js';
import { scheduleContext } from '../keyschedule/context.js';
import { pskBinder } from '../keyschedule/derived-keys.js';
import { EarlyStage } from '../keyschedule/stages.js';
import type { Transcript } from '../keyschedule/transcript.js';

/** What a binder is computed from: the key, its hash, and whether it came from a ticket ("res binder") or not ("ext binder"). */
export interface BinderKeyInput {
  readonly key: Uint8Array;
  readonly hash: HashAlgorithm;
  readonly kind: 'external' | 'resumption';
}

/** Bytes of the binders list at the end of a ClientHello body: its 2-byte length and each binder with its length byte. */
export function bindersLength(binders: OfferedPsks['binders']): number {
  return binders.reduce((n, b) => n + 1 + b.binder.length, 2);
}

/**
 * Transcript-Hash of the messages before this ClientHello and the ClientHello truncated before its binders (RFC 8446
 * §4.2.11.2): the TLS-style header carries the full length. Undefined when the transcript's hash is already fixed (by a
 * HelloRetryRequest) to another algorithm than the PSK's.
 */
export function truncatedHelloHash(
  before: Transcript,
  hash: HashAlgorithm,
  body: Uint8Array,
  bindersBytes: number,
): Uint8Array | undefined {
  if (before.algorithm !== undefined && before.algorithm !== hash) return undefined;
  const t = before.clone();
  t.selectHash(hash);
  const n = body.length;
  t.add(Uint8Array.of(1, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff));
  t.add(body.subarray(0, n - bindersBytes));
  return t.current();
}

/** The binder of one PSK over a truncated-hello hash: HMAC(finished_key(binder_key), hash). */
export function binderFor(provider: CryptoProvider, psk: BinderKeyInput, helloHash: Uint8Array): Uint8Array {
  const ctx = scheduleContext(provider, psk.hash, 'dtls13');
  const early = EarlyStage.start(ctx, psk.key);
  const binderKey = early.binderKey(psk.kind);
  early.release();
  return pskBinder(ctx, binderKey, helloHash);
}

/** A placeholder binder of the PSK's hash length, overwritten once the rest of the ClientHello is encoded. */
export function placeholderBinder(hash: HashAlgorithm): Uint8Array {
  return new Uint8Array(hashLength(hash));
}
