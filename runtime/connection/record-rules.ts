import type { ContentType, ContentTypeName } from '../../generated/wire/enums.js';

/** Why an accepted record's content was set aside without failing the connection. */
export type IgnoreReason =
  'unauthenticated-violation' | 'reassembly-refused' | 'deferred-cap' | 'early-data-cap' | 'early-data-refused' | 'stale-alert' | 'ack-epoch';

/** No record set aside for any reason. */
export const NONE_IGNORED: Readonly<Record<IgnoreReason, number>> = {
  'unauthenticated-violation': 0,
  'reassembly-refused': 0,
  'deferred-cap': 0,
  'early-data-refused': 0,
  'early-data-cap': 0,
  'stale-alert': 0,
  'ack-epoch': 0,
};

/**
 * Where the connection is, as far as which records it takes: `handshake`
 * until the handshake completes, `early-data` on a server while it takes
 * 0-RTT data (epoch 1 readable, from the ClientHello that offered it to the
 * client's Finished), `connected` once the handshake is done. DTLS 1.2
 * adds its own phases (before and after ChangeCipherSpec) as rows of its
 * own, without touching these.
 */
export type RecordPhase = 'handshake' | 'early-data' | 'connected';

/** What handles a record a rule admits (one method of {@link RecordHandlers}). */
export type RecordHandlerName = 'handshake' | 'ack' | 'alert' | 'earlyData' | 'heldApplicationData' | 'applicationData' | 'returnRoutabilityCheck';

/** The handlers a connection provides for the table; each takes a record the table admitted. */
export type RecordHandlers<R> = Readonly<Record<RecordHandlerName, (record: R) => void>>;

/**
 * One row of the record-rule table: records of `contentType` whose epoch is
 * within `epochs` (`min: 'peer'`: no older than the newest epoch the peer
 * has authenticated in), protected when `protectedOnly`, arriving in one of
 * `phases`, go to `handler`. DTLS 1.2's rows (runtime/dtls12/record-rules12.ts)
 * name phases and handlers of their own.
 */
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

/**
 * The one table of inbound records (aioquic's frame-handler table with its
 * allowed epochs is the model), checked once per record before its content
 * is read. A record no row admits is set aside and counted (`stats.ignored`)
 * under the row's `refused` reason; what a row's handler finds wrong inside
 * the content is thrown to the connection's one catch. Rows of a content
 * type are tried in order, the first that admits the record wins.
 *
 * Finer rules live with the content: which handshake message may come in
 * which epoch is `HANDSHAKE_HANDLERS` (handler-table.ts), checked per
 * fragment; an ACK's named records against its own epoch is the ACK
 * handler's (RFC 9147 §7).
 */
export const RECORD_RULES: readonly RecordRule[] = [
  // Hellos in plaintext, the rest under keys: HANDSHAKE_HANDLERS decides per message.
  { contentType: 'handshake', epochs: { min: 0 }, protectedOnly: false, phases: ANY_PHASE, handler: 'handshake', refused: 'unauthenticated-violation' },
  // RFC 9147 §7: ACKs only under keys; a plaintext ACK could be anyone's.
  { contentType: 'ack', epochs: { min: 1 }, protectedOnly: true, phases: ANY_PHASE, handler: 'ack', refused: 'unauthenticated-violation' },
  // RFC 9147 §4.5.2: an alert older than the epoch the peer has already moved to is stale or forged.
  { contentType: 'alert', epochs: { min: 'peer' }, protectedOnly: false, phases: ANY_PHASE, handler: 'alert', refused: 'stale-alert' },
  // 0-RTT data (RFC 8446 §4.2.10) while the server takes it.
  {
    contentType: 'application_data',
    epochs: { min: 1, max: 1 },
    protectedOnly: true,
    phases: ['early-data'],
    handler: 'earlyData',
    refused: 'unauthenticated-violation',
  },
  // RFC 9147 §6.1: application data only under application keys (epoch 3 and later); under handshake keys it is dropped.
  {
    contentType: 'application_data',
    epochs: { min: 3 },
    protectedOnly: true,
    phases: ['connected'],
    handler: 'applicationData',
    refused: 'unauthenticated-violation',
  },
  // The peer finished before we did (our Finished check is still to come): held, within limits.maxDeferredBytes, until we are connected.
  {
    contentType: 'application_data',
    epochs: { min: 3 },
    protectedOnly: true,
    phases: BEFORE_CONNECTED,
    handler: 'heldApplicationData',
    refused: 'unauthenticated-violation',
  },
  // RFC 9853 §4: return routability only under application keys, once connected.
  {
    contentType: 'return_routability_check',
    epochs: { min: 3 },
    protectedOnly: true,
    phases: ['connected'],
    handler: 'returnRoutabilityCheck',
    refused: 'unauthenticated-violation',
  },
];

/** What the table needs to know of one record. */
export interface RecordFacts {
  readonly contentType: ContentType;
  readonly epoch: number;
  readonly protected: boolean;
}

/** A table's lookup: the row that admits a record in a phase, or why it is refused. */
export type RuleLookup<P extends string, H extends string> = (record: RecordFacts, phase: P, peerEpoch: number) => RecordRule<P, H> | IgnoreReason;

/**
 * The lookup of a table of rows (its rows grouped by content type once):
 * the row that admits `record` in `phase` (`peerEpoch`: the newest epoch
 * the peer has authenticated in), or the reason it is refused. A content
 * type with no row (the record layer delivers none other) is refused as
 * `unauthenticated-violation`.
 */
export function ruleLookup<P extends string, H extends string>(rules: readonly RecordRule<P, H>[]): RuleLookup<P, H> {
  const byType = new Map<ContentType, RecordRule<P, H>[]>();
  for (const rule of rules) {
    const rows = byType.get(rule.contentType);
    if (rows) rows.push(rule);
    else byType.set(rule.contentType, [rule]);
  }
  return (record, phase, peerEpoch) => {
    const rows = byType.get(record.contentType);
    if (rows === undefined) return 'unauthenticated-violation';
    for (const rule of rows) if (admits(rule, record, phase, peerEpoch)) return rule;
    return rows[0]?.refused ?? 'unauthenticated-violation';
  };
}

/** The row of {@link RECORD_RULES} that admits `record` in `phase`, or the reason it is refused. */
export const recordRule: RuleLookup<RecordPhase, RecordHandlerName> = ruleLookup(RECORD_RULES);

function admits<P extends string, H extends string>(rule: RecordRule<P, H>, record: RecordFacts, phase: P, peerEpoch: number): boolean {
  const min = rule.epochs.min === 'peer' ? peerEpoch : rule.epochs.min;
  if (record.epoch < min || (rule.epochs.max !== undefined && record.epoch > rule.epochs.max)) return false;
  if (rule.protectedOnly && !record.protected) return false;
  return rule.phases.includes(phase);
}
