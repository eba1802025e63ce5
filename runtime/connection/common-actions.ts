import { toHex } from '../wire/bytes.js';
import { encodeAck, encodeAlert } from '../../generated/wire/index.js';
import { alertDescriptionFromNumber, type AlertDescription, type AlertDescriptionName } from '../../generated/wire/enums.js';
import type { Alert } from '../../generated/wire/index.js';
import { EarlyStage } from '../keyschedule/stages.js';
import type { HandshakeContext } from './context.js';

/** Sends one alert record in the newest write epoch (epoch 0 before keys exist). Alerts are never retransmitted (RFC 9147 §5.10). */
export function sendAlert(ctx: HandshakeContext, emit: (d: Uint8Array) => void, level: 'warning' | 'fatal', description: AlertDescription): void {
  const body = encodeAlert({ level, description });
  emit(ctx.records.writeEpoch === undefined ? ctx.records.sealPlaintext('alert', body) : ctx.records.seal('alert', body));
}

/** The fatal path: one alert out, the connection latched failed with that alert. */
export function failWith(ctx: HandshakeContext, emit: (d: Uint8Array) => void, alert: AlertDescriptionName, message: string): void {
  if (ctx.failure) return;
  ctx.failure = { alert, message };
  ctx.flight.stop();
  sendAlert(ctx, emit, 'fatal', alert);
  ctx.events.push({ type: 'alert', level: 'fatal', description: alert, sent: true }, { type: 'closed', reason: 'failed' });
}

export function recordPeerAlert(ctx: HandshakeContext, alert: Alert): void {
  const description = typeof alert.description === 'number' ? alertDescriptionFromNumber(alert.description) : alert.description;
  ctx.failure ??= { alert: typeof description === 'string' ? description : 'internal_error', message: `the peer sent ${String(description)}` };
  ctx.flight.stop();
  ctx.events.push({ type: 'alert', level: alert.level, description: alert.description, sent: false }, { type: 'closed', reason: 'failed' });
}

/** The Handshake Secret and both handshake traffic secrets, from the (EC)DHE secret and Transcript-Hash(ClientHello..ServerHello). */
export function deriveHandshakeSecrets(ctx: HandshakeContext): void {
  const hs = EarlyStage.start(ctx.schedule!).handshake(ctx.sharedSecret!);
  const helloHash = ctx.transcript.current();
  ctx.handshakeStage = hs;
  ctx.clientHandshakeSecret = hs.clientHandshakeTrafficSecret(helloHash);
  ctx.serverHandshakeSecret = hs.serverHandshakeTrafficSecret(helloHash);
  logSecret(ctx, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', ctx.clientHandshakeSecret);
  logSecret(ctx, 'SERVER_HANDSHAKE_TRAFFIC_SECRET', ctx.serverHandshakeSecret);
}

/** One NSS key log line, when the caller asked for a key log. */
function logSecret(ctx: HandshakeContext, label: string, secret: Uint8Array): void {
  const random = ctx.role === 'client' ? ctx.random : ctx.clientRandom;
  if (ctx.config.keyLog && random) ctx.config.keyLog(`${label} ${toHex(random)} ${toHex(secret)}`);
}

/** The Master Secret and both application traffic secrets, over ClientHello..server Finished. */
export function deriveApplicationSecrets(ctx: HandshakeContext): void {
  const master = ctx.handshakeStage!.master();
  ctx.masterStage = master;
  ctx.clientApplicationSecret = master.clientApplicationTrafficSecret(ctx.serverFinishedHash!);
  ctx.serverApplicationSecret = master.serverApplicationTrafficSecret(ctx.serverFinishedHash!);
  logSecret(ctx, 'CLIENT_TRAFFIC_SECRET_0', ctx.clientApplicationSecret);
  logSecret(ctx, 'SERVER_TRAFFIC_SECRET_0', ctx.serverApplicationSecret);
  if (ctx.config.keyLog) logSecret(ctx, 'EXPORTER_SECRET', master.exporterMasterSecret(ctx.serverFinishedHash!));
}

/** An ACK (RFC 9147 §7) of `records`, sent in the newest write epoch. */
export function sendAck(ctx: HandshakeContext, emit: (d: Uint8Array) => void, records: readonly { readonly epoch: number; readonly seq: number }[]): void {
  if (ctx.records.writeEpoch === undefined || ctx.records.writeEpoch < 2) return; // never before DTLS 1.3 keys exist
  const body = encodeAck({ recordNumbers: records.map((r) => ({ epoch: BigInt(r.epoch), sequenceNumber: BigInt(r.seq) })) });
  emit(ctx.records.seal('ack', body));
}

/** Reports the handshake as complete, once. */
export function reportConnected(ctx: HandshakeContext): void {
  if (ctx.connected) return;
  ctx.connected = true;
  ctx.events.push({
    type: 'handshakeComplete',
    parameters: {
      cipherSuite: ctx.suite!,
      group: ctx.group!,
      signatureAlgorithm: ctx.signature!,
      helloRetryRequest: ctx.helloRetryRequest,
      clientAuthenticated: ctx.clientAuthenticated,
      peerCertificate: ctx.peerChain[0],
    },
  });
}
