import { encodeDtlsHandshake, encodeKeyUpdate, type KeyUpdate } from '../../generated/wire/index.js';
import { nextApplicationTrafficSecret, trafficKeys } from '../keyschedule/derived-keys.js';
import type { HandshakeContext } from './context.js';

/**
 * KeyUpdate in DTLS 1.3 (RFC 8446 §4.6.3, RFC 9147 §8). Receiving one moves
 * the read side to the next epoch at once; sending one keeps writing with the
 * old keys until the peer ACKs it, retransmitting it meanwhile.
 */

/** The peer updated its keys: read the next epoch (older records still open while the old epoch is retained). */
export function receiveKeyUpdate(ctx: HandshakeContext, emit: (d: Uint8Array) => void, update: KeyUpdate): void {
  ctx.readSecret = nextApplicationTrafficSecret(ctx.schedule!, ctx.readSecret!);
  ctx.readEpoch++;
  ctx.records.installReadKeys(ctx.readEpoch, ctx.suite!, trafficKeys(ctx.schedule!, ctx.readSecret, ctx.suite!), ctx.clock.now);
  if (update.requestUpdate === 'update_requested' && ctx.keyUpdate === undefined) sendKeyUpdate(ctx, emit, false);
}

/** Sends a KeyUpdate (asking the peer to update too, or not) and arms its retransmission. */
export function sendKeyUpdate(ctx: HandshakeContext, emit: (d: Uint8Array) => void, requestPeer: boolean): void {
  if (ctx.keyUpdate !== undefined) return; // one at a time: the previous one is not acknowledged yet (RFC 9147 §8)
  const body = encodeKeyUpdate({ requestUpdate: requestPeer ? 'update_requested' : 'update_not_requested' });
  ctx.keyUpdate = { messageSeq: ctx.sendSeq++, body, records: new Set(), timeout: ctx.flight.timeout, timer: undefined };
  transmit(ctx, emit);
}

function transmit(ctx: HandshakeContext, emit: (d: Uint8Array) => void): void {
  const k = ctx.keyUpdate!;
  const fragment = encodeDtlsHandshake({ msgType: 'key_update', length: k.body.length, messageSeq: k.messageSeq, fragmentOffset: 0, fragment: k.body });
  emit(ctx.records.seal('handshake', fragment, { epoch: ctx.writeEpoch }));
  const n = ctx.records.lastSealed!;
  k.records.add(`${n.epoch}/${n.sequenceNumber}`);
  k.timer = ctx.clock.setTimeout(() => {
    k.timeout = Math.min(k.timeout * 2, 60_000);
    transmit(ctx, emit);
  }, k.timeout);
}

/** An ACK arrived: if it covers our KeyUpdate, switch to the next write epoch now. */
export function keyUpdateAcknowledged(ctx: HandshakeContext, acked: readonly { readonly epoch: bigint; readonly sequenceNumber: bigint }[]): void {
  const k = ctx.keyUpdate;
  if (!k || !acked.some((a) => k.records.has(`${a.epoch}/${a.sequenceNumber}`))) return;
  if (k.timer !== undefined) ctx.clock.clearTimeout(k.timer);
  ctx.keyUpdate = undefined;
  const old = ctx.writeEpoch;
  ctx.writeSecret = nextApplicationTrafficSecret(ctx.schedule!, ctx.writeSecret!);
  ctx.writeEpoch++;
  ctx.records.installWriteKeys(ctx.writeEpoch, ctx.suite!, trafficKeys(ctx.schedule!, ctx.writeSecret, ctx.suite!));
  ctx.records.retireWriteEpoch(old);
}
