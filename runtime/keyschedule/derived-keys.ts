import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import {
  deriveSecret,
  emptyHash,
  hashLen,
  hkdfExpandLabel,
  hkdfExpandLabels,
  type ScheduleContext,
} from './context.js';

/** The write keys of one direction and epoch: AEAD key, IV, and the record number key (RFC 8446 §7.3, RFC 9147 §4.2.3). */
export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  readonly snKey: Uint8Array;
}

/** The empty context of the labels below (never written). */
const NO_CONTEXT = new Uint8Array(0);

/** [sender]_write_key, [sender]_write_iv and [sender]_sn_key from a traffic secret. */
export function trafficKeys(ctx: ScheduleContext, trafficSecret: Uint8Array, suite: SupportedCipherSuite): TrafficKeys {
  const s = CIPHER_SUITES[suite];
  const [key, iv, snKey] = hkdfExpandLabels(ctx, trafficSecret, TRAFFIC_KEY_LABELS, NO_CONTEXT, [
    s.keyLength,
    s.ivLength,
    s.keyLength,
  ]);
  return { key: key!, iv: iv!, snKey: snKey! };
}

/** A traffic secret's labels for its write key, write IV and record number key, in one batch. */
const TRAFFIC_KEY_LABELS = ['key', 'iv', 'sn'] as const;

/** finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 8446 §4.4.4). */
export function finishedKey(ctx: ScheduleContext, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(ctx, baseKey, 'finished', NO_CONTEXT, hashLen(ctx));
}

/** verify_data = HMAC(finished_key, Transcript-Hash(...)) (RFC 8446 §4.4.4). */
export function finishedVerifyData(ctx: ScheduleContext, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  return ctx.provider.hmac(ctx.hash, finishedKey(ctx, baseKey), transcriptHash);
}

/** A PSK binder (RFC 8446 §4.2.11.2): the Finished computation with the binder key over the truncated ClientHello's hash. */
export function pskBinder(ctx: ScheduleContext, binderKey: Uint8Array, truncatedHelloHash: Uint8Array): Uint8Array {
  return finishedVerifyData(ctx, binderKey, truncatedHelloHash);
}

/** application_traffic_secret_N+1 (RFC 8446 §7.2), for KeyUpdate. */
export function nextApplicationTrafficSecret(ctx: ScheduleContext, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(ctx, secret, 'traffic upd', NO_CONTEXT, hashLen(ctx));
}

/** The PSK a ticket stands for (RFC 8446 §4.6.1). */
export function resumptionPsk(
  ctx: ScheduleContext,
  resumptionMasterSecret: Uint8Array,
  ticketNonce: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(ctx, resumptionMasterSecret, 'resumption', ticketNonce, hashLen(ctx));
}

/** TLS-Exporter(label, context_value, key_length) (RFC 8446 §7.5); no context: an empty one. */
export function exportKeyingMaterial(
  ctx: ScheduleContext,
  exporterSecret: Uint8Array,
  label: string,
  contextValue: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const perLabel = deriveSecret(ctx, exporterSecret, label, emptyHash(ctx));
  const contextHash = ctx.provider.digest(ctx.hash, contextValue ?? new Uint8Array(0));
  return hkdfExpandLabel(ctx, perLabel, 'exporter', contextHash, length);
}
