import type { HandshakeType, HandshakeTypeName, AlertDescriptionName } from '../../generated/wire/enums.js';
import { handshakeTypeToNumber } from '../../generated/wire/enums.js';
import type { CryptoProvider, KeyExchangeGroup, KeyShare, PrivateKeyHandle, PublicKeyHandle, SignatureAlgorithm } from '../crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import type { FlightController } from '../handshake/flight.js';
import type { ManualClock } from '../handshake/manual-clock.js';
import { scheduleContext, type ScheduleContext } from '../keyschedule/context.js';
import { trafficKeys } from '../keyschedule/derived-keys.js';
import type { HandshakeStage, MasterStage } from '../keyschedule/stages.js';
import { Transcript } from '../keyschedule/transcript.js';
import type { RecordLayer } from '../record/record-layer.js';
import type { ResolvedConfig } from './config.js';
import type { ConnectionEvent } from './events.js';
import type { HandshakeOutbox, OutMessage } from './outbox.js';

/** Everything one side of a handshake knows, shared by the chart's actions. */
export interface HandshakeContext {
  readonly role: 'client' | 'server';
  readonly config: ResolvedConfig;
  readonly provider: CryptoProvider;
  readonly records: RecordLayer;
  readonly transcript: Transcript;
  readonly outbox: HandshakeOutbox;
  readonly flight: FlightController<OutMessage>;
  readonly clock: ManualClock;
  readonly events: ConnectionEvent[];
  /** message_seq of the next handshake message we send. */
  sendSeq: number;
  /** Messages of the flight being built. */
  building: OutMessage[];
  random: Uint8Array;
  /** ClientHello.random (ours on a client, the peer's on a server): names the secrets in a key log. */
  clientRandom: Uint8Array | undefined;
  suite: SupportedCipherSuite | undefined;
  schedule: ScheduleContext | undefined;
  group: KeyExchangeGroup | undefined;
  keyShare: KeyShare | undefined;
  sharedSecret: Uint8Array | undefined;
  handshakeStage: HandshakeStage | undefined;
  masterStage: MasterStage | undefined;
  clientHandshakeSecret: Uint8Array | undefined;
  serverHandshakeSecret: Uint8Array | undefined;
  clientApplicationSecret: Uint8Array | undefined;
  serverApplicationSecret: Uint8Array | undefined;
  /** Transcript hash through the server Finished (application secrets). */
  serverFinishedHash: Uint8Array | undefined;
  signature: SignatureAlgorithm | undefined;
  /** The scheme the client signs its CertificateVerify with, when it authenticates. */
  clientSignature: SignatureAlgorithm | undefined;
  ownKey: PrivateKeyHandle | undefined;
  peerKey: PublicKeyHandle | undefined;
  peerChain: readonly Uint8Array[];
  helloRetryRequest: boolean;
  helloRetryGroup: KeyExchangeGroup | undefined;
  cookie: Uint8Array | undefined;
  certificateRequested: boolean;
  /** The signature schemes the server's CertificateRequest accepts (client side). */
  requestedSignatures: readonly string[];
  certificateRequestContext: Uint8Array;
  clientAuthenticated: boolean;
  /** Set by the inbound step for the event being dispatched: what guards read. */
  prepared: { readonly helloRetryNeeded?: boolean; readonly emptyCertificate?: boolean };
  connected: boolean;
  /** Application traffic secrets and epochs in use, per direction (KeyUpdate moves them, RFC 8446 §7.2, RFC 9147 §8). */
  readSecret: Uint8Array | undefined;
  writeSecret: Uint8Array | undefined;
  readEpoch: number;
  writeEpoch: number;
  /** Our KeyUpdate awaiting its ACK: new write keys wait for it (RFC 9147 §8). */
  /** Whether the next KeyUpdate we send asks the peer to update too. */
  requestPeerKeyUpdate: boolean;
  keyUpdate: { readonly messageSeq: number; readonly body: Uint8Array; readonly records: Set<string>; timeout: number; timer: number | undefined } | undefined;
  /** Record numbers of the peer's current flight that carried handshake data: what an ACK names (RFC 9147 §7). */
  ackable: { readonly epoch: number; readonly seq: number }[];
  /** Why the connection is about to fail, for the fatal path. */
  lastError: string | undefined;
  /** A failure raised inside a chart action, turned into a fatal alert after the event. */
  pendingFailure: { readonly alert: AlertDescriptionName; readonly message: string } | undefined;
  failure: { readonly alert: AlertDescriptionName; readonly message: string } | undefined;
}

/** Adds a message we build or receive to the transcript in TLS framing. */
export function addToTranscript(ctx: HandshakeContext, msgType: HandshakeType, body: Uint8Array): void {
  ctx.transcript.addMessage(handshakeTypeToNumber(msgType), body);
}

/** Appends a message to the flight being built (and to the transcript). */
export function queueMessage(ctx: HandshakeContext, epoch: number, msgType: HandshakeTypeName, body: Uint8Array): void {
  addToTranscript(ctx, msgType, body);
  ctx.building.push({ index: ctx.building.length, epoch, msgType, messageSeq: ctx.sendSeq++, body });
}

/** Sends the flight built so far. */
export function sendFlight(ctx: HandshakeContext): void {
  const flight = ctx.building;
  ctx.building = [];
  ctx.ackable = []; // our next flight acknowledges the peer's implicitly
  ctx.outbox.newFlight();
  ctx.flight.send(flight);
}

/** Fixes the suite: the transcript hash and the key schedule's context follow from it. */
export function selectSuite(ctx: HandshakeContext, suite: SupportedCipherSuite): void {
  ctx.suite = suite;
  const hash = CIPHER_SUITES[suite].hash;
  ctx.transcript.selectHash(hash);
  ctx.schedule = scheduleContext(ctx.provider, hash, 'dtls13');
}

/** Installs epoch `epoch` keys: ours to write, the peer's to read. */
export function installEpoch(ctx: HandshakeContext, epoch: number, clientSecret: Uint8Array, serverSecret: Uint8Array): void {
  const suite = ctx.suite!;
  const mine = ctx.role === 'client' ? clientSecret : serverSecret;
  const theirs = ctx.role === 'client' ? serverSecret : clientSecret;
  ctx.records.installWriteKeys(epoch, suite, trafficKeys(ctx.schedule!, mine, suite));
  ctx.records.installReadKeys(epoch, suite, trafficKeys(ctx.schedule!, theirs, suite), ctx.clock.now);
  if (epoch >= 3) {
    ctx.writeSecret = mine;
    ctx.readSecret = theirs;
    ctx.writeEpoch = epoch;
    ctx.readEpoch = epoch;
  }
}

export function newTranscript(provider: CryptoProvider): Transcript {
  return new Transcript(provider);
}
