import type { CryptoProvider, HashAlgorithm } from '../crypto/provider.js';
import { hashLength } from '../crypto/suites.js';

/** The label prefix of HKDF-Expand-Label: "dtls13" for DTLS 1.3 (RFC 9147 §5.9), "tls13 " for TLS 1.3 (RFC 8446 §7.1). */
export type LabelPrefix = 'dtls13' | 'tls13 ';

/** What every derivation needs: the provider, the suite's hash and the protocol's label prefix. */
export interface ScheduleContext {
  readonly provider: CryptoProvider;
  readonly hash: HashAlgorithm;
  readonly prefix: LabelPrefix;
}

export function scheduleContext(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  prefix: LabelPrefix = 'dtls13',
): ScheduleContext {
  return { provider, hash, prefix };
}

export function hashLen(ctx: ScheduleContext): number {
  return hashLength(ctx.hash);
}

const utf8 = new TextEncoder();

/** prefix + Label as bytes, kept per prefix for the first 64 labels: no string built per derivation. */
const labels: Readonly<Record<LabelPrefix, Map<string, Uint8Array>>> = { dtls13: new Map(), 'tls13 ': new Map() };
const KEPT_LABELS = 64;

function labelBytes(prefix: LabelPrefix, label: string): Uint8Array {
  const kept = labels[prefix];
  let bytes = kept.get(label);
  if (bytes === undefined) {
    bytes = utf8.encode(prefix + label);
    if (kept.size < KEPT_LABELS) kept.set(label, bytes);
  }
  return bytes;
}

/** HkdfLabels with an empty context (a dozen per handshake), by prefix, label, length: made once, bounded as above. */
const emptyContextInfos: Readonly<Record<LabelPrefix, Map<string, Map<number, Uint8Array>>>> = {
  dtls13: new Map(),
  'tls13 ': new Map(),
};

/** The HkdfLabel of `label` and `context` asking for `length` bytes; an empty context's kept as above. */
function infoOf(prefix: LabelPrefix, label: string, context: Uint8Array, length: number): Uint8Array {
  if (context.length !== 0) return hkdfLabel(prefix, label, context, length);
  const byLabel = emptyContextInfos[prefix];
  let byLength = byLabel.get(label);
  if (byLength === undefined && byLabel.size < KEPT_LABELS) byLabel.set(label, (byLength = new Map()));
  let info = byLength?.get(length);
  if (info === undefined) {
    info = hkdfLabel(prefix, label, context, length);
    if (byLength !== undefined && byLength.size < 8) byLength.set(length, info);
  }
  return info;
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with the context's prefix. */
export function hkdfExpandLabel(
  ctx: ScheduleContext,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  return ctx.provider.hkdfExpand(ctx.hash, secret, infoOf(ctx.prefix, label, context, length), length);
}

/**
 * HKDF-Expand-Label of one secret and one context for several labels, `lengths[i]` bytes for `labels[i]`: the same
 * bytes as {@link hkdfExpandLabel} for each, in one provider call where the provider batches them.
 */
export function hkdfExpandLabels(
  ctx: ScheduleContext,
  secret: Uint8Array,
  labels: readonly string[],
  context: Uint8Array,
  lengths: readonly number[],
): Uint8Array[] {
  const infos = labels.map((label, i) => infoOf(ctx.prefix, label, context, lengths[i]!));
  if (ctx.provider.hkdfExpandMany !== undefined) return ctx.provider.hkdfExpandMany(ctx.hash, secret, infos, lengths);
  return infos.map((info, i) => ctx.provider.hkdfExpand(ctx.hash, secret, info, lengths[i]!));
}

/** Derive-Secret (RFC 8446 §7.1) of one secret and one transcript hash for several labels, batched as above. */
export function deriveSecrets(
  ctx: ScheduleContext,
  secret: Uint8Array,
  labels: readonly string[],
  transcriptHash: Uint8Array,
): Uint8Array[] {
  const n = hashLen(ctx);
  return hkdfExpandLabels(ctx, secret, labels, transcriptHash, labels.length === 2 ? [n, n] : labels.map(() => n));
}

/** The HkdfLabel structure (RFC 8446 §7.1): length, the prefixed label, the context. */
function hkdfLabel(prefix: LabelPrefix, label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = labelBytes(prefix, label);
  if (fullLabel.length > 255 || context.length > 255)
    throw new RangeError(`HkdfLabel: label or context longer than 255 bytes ('${label}')`);
  const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return info;
}

/** Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages) (RFC 8446 §7.1). */
export function deriveSecret(
  ctx: ScheduleContext,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(ctx, secret, label, transcriptHash, hashLen(ctx));
}

/** Hash("") per provider object and hash, computed once; callers get copies. */
const emptyHashes = new WeakMap<CryptoProvider, Map<HashAlgorithm, Uint8Array>>();

/** Transcript-Hash of no messages: Hash(""). A fresh copy each call. */
export function emptyHash(ctx: ScheduleContext): Uint8Array {
  let byHash = emptyHashes.get(ctx.provider);
  if (byHash === undefined) emptyHashes.set(ctx.provider, (byHash = new Map()));
  let value = byHash.get(ctx.hash);
  if (value === undefined) byHash.set(ctx.hash, (value = ctx.provider.digest(ctx.hash, new Uint8Array(0))));
  return value.slice();
}
