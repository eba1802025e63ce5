import type { ContentType, ContentTypeName } from '../../generated/wire/enums.js';
import type { DtlsVersionName } from '../versions/versions.js';

/**
 * Why an accepted record's content was set aside without failing the connection. The order is the frozen form's
 * (hibernation.ts): a new reason goes at the end.
 */
export const IGNORE_REASONS = [
  'unauthenticated-violation',
  'reassembly-refused',
  'deferred-cap',
  'early-data-refused',
  'early-data-cap',
  'stale-alert',
  'ack-epoch',
] as const;

export type IgnoreReason = (typeof IGNORE_REASONS)[number];

/** No record set aside for any reason (frozen: a 1.2 connection hands it out until it sets one aside). */
export const NONE_IGNORED = Object.freeze(Object.fromEntries(IGNORE_REASONS.map((r) => [r, 0]))) as Readonly<
  Record<IgnoreReason, number>
>;

/** Where a DTLS 1.3 connection is, for which records it takes (`early-data`: a server while epoch 1 is readable). */
export type RecordPhase = 'handshake' | 'early-data' | 'connected';

/** What handles a record a 1.3 rule admits (one method of {@link RecordHandlers}). */
export type RecordHandlerName =
  'handshake' | 'ack' | 'alert' | 'earlyData' | 'heldApplicationData' | 'applicationData' | 'returnRoutabilityCheck';

/**
 * The handlers a 1.3 connection provides for the table; each takes a record the table admitted. Application data once
 * connected goes to the connection's own `deliver` (version-state-base.ts), as in 1.2.
 */
export type RecordHandlers<R> = Readonly<Record<Exclude<RecordHandlerName, 'applicationData'>, (record: R) => void>>;

/**
 * Where a DTLS 1.2 connection is, as far as which records it takes (runtime/dtls12/record-path.ts `phase12`):
 * - `handshake`: the peer's ChangeCipherSpec is not due (no keys to switch to yet, or a message must come first: a
 *   NewSessionTicket the ServerHello promised, RFC 5077 §3.3, or the client's CertificateVerify);
 * - `change-cipher-spec`: the state takes the peer's ChangeCipherSpec now;
 * - `after-change-cipher-spec`: the peer's epoch-1 keys read, its Finished still to come (or ours, on a server
 *   resuming);
 * - `connected`.
 */
export type RecordPhase12 = 'handshake' | 'change-cipher-spec' | 'after-change-cipher-spec' | 'connected';

/** What handles a record a 1.2 rule admits (Connection12's record path). */
export type RecordHandlerName12 =
  'handshake' | 'changeCipherSpec' | 'changeCipherSpecAgain' | 'alert' | 'applicationData';

/** Each version's phases and handlers: the columns of its rows. */
interface VersionColumns {
  readonly 'DTLSv1.3': { readonly phase: RecordPhase; readonly handler: RecordHandlerName };
  readonly 'DTLSv1.2': { readonly phase: RecordPhase12; readonly handler: RecordHandlerName12 };
}

/** A version's rows. */
export type VersionRule<V extends DtlsVersionName> = RecordRule<
  VersionColumns[V]['phase'],
  VersionColumns[V]['handler']
>;

/** One row: records of `contentType` within `epochs` (`'peer'`: the peer's newest), in one of `phases`, go to `handler`. */
export interface RecordRule<P extends string = RecordPhase, H extends string = RecordHandlerName> {
  readonly contentType: ContentTypeName;
  readonly epochs: { readonly min: number | 'peer'; readonly max?: number };
  readonly protectedOnly: boolean;
  readonly phases: readonly P[];
  readonly handler: H;
  /** What a record of this content type that no row admits counts as (from the first row of the type). */
  readonly refused: IgnoreReason;
}

const ANY_PHASE: readonly RecordPhase[] = ['handshake', 'early-data', 'connected'];
const BEFORE_CONNECTED: readonly RecordPhase[] = ['handshake', 'early-data'];
const ANY_PHASE_12: readonly RecordPhase12[] = [
  'handshake',
  'change-cipher-spec',
  'after-change-cipher-spec',
  'connected',
];
const SWITCHED_12: readonly RecordPhase12[] = ['after-change-cipher-spec', 'connected'];

/**
 * A row, its columns in the order of {@link RecordRule}: content type, epochs, protected only, phases, handler, and
 * what a refused record of the type counts as (`unauthenticated-violation` unless named).
 */
function row<P extends string, H extends string>(
  contentType: ContentTypeName,
  epochs: RecordRule['epochs'],
  protectedOnly: boolean,
  phases: readonly P[],
  handler: H,
  refused: IgnoreReason = 'unauthenticated-violation',
): RecordRule<P, H> {
  return { contentType, epochs, protectedOnly, phases, handler, refused };
}

/**
 * The one table of inbound records, by version (after aioquic's frame-handler table): what each version admits in each
 * phase, checked once per record before its content is read; a record no row admits is counted in `stats.ignored`.
 * Which handshake message may come in which epoch is finer, per fragment (handler-table.ts).
 */
export const RECORD_RULES: { readonly [V in DtlsVersionName]: readonly VersionRule<V>[] } = {
  'DTLSv1.3': [
    // Hellos in plaintext, the rest under keys: HANDSHAKE_HANDLERS decides per message.
    row('handshake', { min: 0 }, false, ANY_PHASE, 'handshake'),
    // RFC 9147 §7: ACKs only under keys; a plaintext ACK could be anyone's.
    row('ack', { min: 1 }, true, ANY_PHASE, 'ack'),
    // RFC 9147 §4.5.2: an alert older than the epoch the peer has already moved to is stale or forged.
    row('alert', { min: 'peer' }, false, ANY_PHASE, 'alert', 'stale-alert'),
    // 0-RTT data (RFC 8446 §4.2.10) while the server takes it.
    row('application_data', { min: 1, max: 1 }, true, ['early-data'], 'earlyData'),
    // RFC 9147 §6.1: application data only under application keys (epoch 3 and later); under handshake keys it is dropped.
    row('application_data', { min: 3 }, true, ['connected'], 'applicationData'),
    // The peer finished before we did (our Finished check is still to come): held, within limits.maxDeferredBytes, until we are connected.
    row('application_data', { min: 3 }, true, BEFORE_CONNECTED, 'heldApplicationData'),
    // RFC 9853 §4: return routability only under application keys, once connected.
    row('return_routability_check', { min: 3 }, true, ['connected'], 'returnRoutabilityCheck'),
  ],
  'DTLSv1.2': [
    // Hellos to ClientKeyExchange in plaintext, Finished (and a refused renegotiation) under epoch 1: the handler decides per message.
    row('handshake', { min: 0, max: 1 }, false, ANY_PHASE_12, 'handshake'),
    // RFC 5246 §7.1: the peer's ChangeCipherSpec, in plaintext, only where its state takes it; anywhere else it could be anyone's.
    row('change_cipher_spec', { min: 0, max: 0 }, false, ['change-cipher-spec'], 'changeCipherSpec'),
    // The same again after it switched the keys: the peer resent its flight (ours was lost); the flight's other records say so.
    row('change_cipher_spec', { min: 0, max: 0 }, false, SWITCHED_12, 'changeCipherSpecAgain'),
    // Once the peer's epoch-1 keys read, a plaintext alert could be anyone's (an off-path sender could end the session).
    row('alert', { min: 'peer' }, false, ANY_PHASE_12, 'alert', 'stale-alert'),
    // Application data only under epoch 1 and once connected (RFC 5246 §7.1: after Finished).
    row('application_data', { min: 1, max: 1 }, true, ['connected'], 'applicationData'),
  ],
};

/** What the table needs to know of one record. */
export interface RecordFacts {
  readonly contentType: ContentType;
  readonly epoch: number;
  readonly protected: boolean;
}

/** The rows of each version grouped by content type once: what {@link recordRule} looks in. */
const BY_TYPE: { readonly [V in DtlsVersionName]: ReadonlyMap<ContentType, readonly VersionRule<V>[]> } = {
  'DTLSv1.3': byContentType(RECORD_RULES['DTLSv1.3']),
  'DTLSv1.2': byContentType(RECORD_RULES['DTLSv1.2']),
};

/** The first of `version`'s rows that admits `record` in `phase`, or why it is refused. */
export function recordRule<V extends DtlsVersionName>(
  version: V,
  record: RecordFacts,
  phase: VersionColumns[V]['phase'],
  peerEpoch: number,
): VersionRule<V> | IgnoreReason {
  const rows = (BY_TYPE[version] as ReadonlyMap<ContentType, readonly VersionRule<V>[]>).get(record.contentType);
  if (rows === undefined) return 'unauthenticated-violation';
  for (const rule of rows) {
    // Whether the row admits the record (inline: one lookup per record): its epochs, protection, phase.
    const { min, max } = rule.epochs;
    if (record.epoch < (min === 'peer' ? peerEpoch : min) || (max !== undefined && record.epoch > max)) continue;
    if (rule.protectedOnly && !record.protected) continue;
    if (rule.phases.includes(phase)) return rule;
  }
  return rows[0]?.refused ?? 'unauthenticated-violation';
}

function byContentType<R extends { readonly contentType: ContentType }>(
  rules: readonly R[],
): ReadonlyMap<ContentType, readonly R[]> {
  const byType = new Map<ContentType, R[]>();
  for (const rule of rules) {
    const rows = byType.get(rule.contentType);
    if (rows) rows.push(rule);
    else byType.set(rule.contentType, [rule]);
  }
  return byType;
}
