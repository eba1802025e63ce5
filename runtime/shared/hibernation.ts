import type { RestingKind } from '../handshake/flight-steps.js';
import { DROP_REASONS, emptyDropCounters, type DropReason } from '../record/drops.js';
import type { HibernatedReadEpoch, HibernatedRecords } from '../record/hibernated-records.js';
import type { NegotiatedParameters } from './events.js';
import { IGNORE_REASONS, type IgnoreReason } from './record-rules.js';
import type { HibernatedCids } from '../cid/hibernated-cids.js';
import { PATH_STATS, type PathStats } from '../cid/path-stats.js';
import { freezeForm, FrozenFormError, thawForm, type FieldKind, type Schema, type Unnamed } from './frozen-form.js';
import { freezeReads, freezeTally, thawReads, thawTally } from './frozen-reads.js';
import {
  screenDatagram,
  type ReadsAtRest,
  type ScreeningContext,
  type ScreeningTally,
} from '../record/hibernated-reader.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { trafficKeys } from '../keyschedule/derived-keys.js';
import { scheduleFor, type Session } from './key-material.js';

/**
 * Everything an established, quiet DTLS 1.3 session needs to go on: its secrets (the handshake's read one while its
 * keys are kept, RFC 9147 §5.8.1), sequence numbers, replay windows, parameters, timings and counters.
 */
export interface HibernatedSession {
  /** The session's own (its cipher suite is the parameters'). */
  readonly session: SessionAtRest;
  /** The peer's handshake traffic secret while epoch 2's read keys are held. */
  readonly handshakeReadSecret: Uint8Array | undefined;
  readonly records: HibernatedRecords;
  readonly flight: { readonly state: RestingKind; readonly retransmitted: number; readonly timeout: number };
  /** message_seq of our next handshake message, and the peer's next one expected. */
  readonly sendSeq: number;
  readonly receiveSeq: number;
  readonly messagesSent: number;
  readonly datagramLimit: number;
  readonly peerEpoch: number;
  readonly startedAt: number;
  readonly completedAt: number;
  readonly authenticatedAt: number | undefined;
  /** The connection's time when it hibernated. */
  readonly clock: number;
  readonly counts: HibernatedCounts;
  readonly ignored: Readonly<Record<IgnoreReason, number>> | undefined;
  /** The peer's path, as `receive` was told it. */
  readonly path: string | undefined;
  /** Its connection IDs, when it negotiated them, and its paths' counters. */
  readonly cids: HibernatedCids | undefined;
}

/**
 * What a hibernated session keeps of its Session: all but what the handshake, post-handshake authentication and the
 * tickets it issued use (a field added to Session is frozen with it, or named here).
 */
export type SessionAtRest = Omit<
  Session,
  'schedule' | 'transcript' | 'postHandshakeAuth' | 'pendingAuth' | 'pskIdentity' | 'grant' | 'ticketsUntil'
>;

export interface HibernatedCounts {
  readonly datagramsReceived: number;
  readonly datagramsSent: number;
  readonly recordsReceived: number;
  readonly applicationBytesSent: number;
  readonly applicationBytesReceived: number;
  readonly handshakeMessagesReceived: number;
}

/**
 * A hibernated session as it is kept: its frozen form (frozen-form.ts), a one-byte string. Branded so that no other
 * string is taken for one.
 */
export type FrozenSession = string & { readonly __frozenSession: true };

const optional = (kind: FieldKind): FieldKind => ({ optional: kind });
const list = (kind: FieldKind): FieldKind => ({ list: kind });
const counters = (names: readonly string[]): FieldKind => ({ record: names.map((n) => [n, 'uint'] as const) });

const PARAMETERS = [
  ['cipherSuite', 'text'],
  ['group', optional('text')],
  ['signatureAlgorithm', optional('text')],
  ['helloRetryRequest', 'bool'],
  ['clientAuthenticated', 'bool'],
  ['peerCertificate', optional('bytes')],
  ['peerCertificateChain', optional(list('bytes'))],
  ['resumed', 'bool'],
  ['pskIdentity', optional('bytes')],
  ['pskMode', optional('text')],
  ['earlyData', 'text'],
  ['alpnProtocol', optional('text')],
  ['servername', optional('text')],
  ['srtpProfile', optional('text')],
  ['recordSizeLimit', optional('uint')],
] as const satisfies Schema<NegotiatedParameters>;

/** A read epoch's fields other than those frozen-reads.ts keeps at the front and end of the form. */
type AtRest = 'right' | 'words' | 'failed' | 'failedInRow';

const READ_EPOCH = [
  ['epoch', 'uint'],
  ['used', 'uint'],
] as const satisfies Schema<HibernatedReadEpoch>;

const WRITE_EPOCH = [
  ['epoch', 'uint'],
  ['seq', 'uint'],
  ['used', 'uint'],
] as const satisfies Schema<HibernatedRecords['write']>;

const RECORDS = [
  ['write', { record: WRITE_EPOCH }],
  ['reads', list({ record: READ_EPOCH })],
  ['highestDropped', 'int'],
  ['newestAuthenticated', 'int'],
  ['sendLimit', optional('uint')],
  ['receiveLimit', optional('uint')],
  ['drops', optional(counters(DROP_REASONS))],
] as const satisfies Schema<HibernatedRecords>;

const FLIGHT = [
  ['state', 'text'],
  ['retransmitted', 'uint'],
  ['timeout', 'float'],
] as const satisfies Schema<HibernatedSession['flight']>;

const COUNTS = [
  ['datagramsReceived', 'uint'],
  ['datagramsSent', 'uint'],
  ['recordsReceived', 'uint'],
  ['applicationBytesSent', 'uint'],
  ['applicationBytesReceived', 'uint'],
  ['handshakeMessagesReceived', 'uint'],
] as const satisfies Schema<HibernatedCounts>;

const CIDS = [
  [
    'issued',
    list({
      record: [
        ['cid', 'bytes'],
        ['sequence', 'uint'],
      ],
    }),
  ],
  ['nextSequence', 'uint'],
  ['inUse', 'uint'],
  ['peerCurrent', 'bytes'],
  ['peerSpares', list('bytes')],
  ['peerSeen', list('bytes')],
  ['rrcNegotiated', 'bool'],
  ['requestOutstanding', 'bool'],
  ['requestsReceived', 'uint'],
  ['newestEpoch', 'int'],
  ['newestSequence', 'int'],
  ['counts', counters(PATH_STATS)],
] as const satisfies Schema<HibernatedCids>;

const TRAFFIC_EPOCH = [
  ['epoch', 'uint'],
  ['secret', 'bytes'],
] as const satisfies Schema<Session['read']>;

const SESSION_AT_REST = [
  ['parameters', { record: PARAMETERS }],
  ['read', { record: TRAFFIC_EPOCH }],
  ['write', { record: TRAFFIC_EPOCH }],
  ['resumptionSecret', 'bytes'],
  ['exporterSecret', 'bytes'],
  ['serverName', optional('text')],
  ['clientAuthenticated', 'bool'],
  ['ticketsIssued', 'uint'],
] as const satisfies Schema<SessionAtRest>;

/** Every field of HibernatedSession, in this order. */
const SESSION = [
  ['session', { record: SESSION_AT_REST }],
  ['handshakeReadSecret', optional('bytes')],
  ['records', { record: RECORDS }],
  ['flight', { record: FLIGHT }],
  ['sendSeq', 'uint'],
  ['receiveSeq', 'uint'],
  ['messagesSent', 'uint'],
  ['datagramLimit', 'uint'],
  ['peerEpoch', 'uint'],
  ['startedAt', 'float'],
  ['completedAt', 'float'],
  ['authenticatedAt', optional('float')],
  ['clock', 'float'],
  ['counts', { record: COUNTS }],
  ['ignored', optional(counters(IGNORE_REASONS))],
  ['path', optional('text')],
  ['cids', optional({ record: CIDS })],
] as const satisfies Schema<HibernatedSession>;

/** Every field named: a field added to one of these types and not to its schema fails to compile here. */
const complete: [
  Unnamed<HibernatedSession, typeof SESSION>,
  Unnamed<SessionAtRest, typeof SESSION_AT_REST>,
  Unnamed<Session['read'], typeof TRAFFIC_EPOCH>,
  Unnamed<NegotiatedParameters, typeof PARAMETERS>,
  Unnamed<HibernatedRecords, typeof RECORDS>,
  Exclude<Unnamed<HibernatedReadEpoch, typeof READ_EPOCH>, AtRest>,
  Unnamed<HibernatedCounts, typeof COUNTS>,
  Exclude<DropReason, (typeof DROP_REASONS)[number]>,
  Unnamed<HibernatedCids, typeof CIDS>,
  Exclude<keyof PathStats, (typeof PATH_STATS)[number]>,
] extends [never, never, never, never, never, never, never, never, never, never]
  ? true
  : never = true;
void complete;

/**
 * The first character: the form's version. Version 3: what screening a datagram needs (frozen-reads.ts), then every
 * other field of HibernatedSession (its session's first) but the read epochs' failed authentications, then those and a
 * ScreeningTally.
 */
const VERSION = '\x03';

/**
 * The session in its kept form, with its read epochs' keys (derived from their secrets with `provider`) so that a
 * datagram can be screened ({@link screenFrozen}) without thawing it.
 */
export function freezeSession(h: HibernatedSession, provider: CryptoProvider): FrozenSession {
  const suite = h.session.parameters.cipherSuite;
  const schedule = scheduleFor(provider, suite);
  const reads: ReadsAtRest = {
    suite,
    cidLength: h.cids?.issued[0]?.cid.length ?? 0,
    highestDropped: h.records.highestDropped,
    epochs: h.records.reads.map((r) => {
      const secret = r.epoch === 2 ? h.handshakeReadSecret : h.session.read.secret;
      if (secret === undefined)
        throw new FrozenFormError('a hibernated session holds epoch 2 read keys without their secret');
      return { epoch: r.epoch, right: r.right, words: r.words, keys: trafficKeys(schedule, secret, suite) };
    }),
  };
  const tally: ScreeningTally = {
    datagrams: 0,
    drops: {},
    failed: h.records.reads.map((r) => r.failed),
    failedInRow: h.records.reads.map((r) => r.failedInRow),
  };
  return (VERSION + freezeReads(reads) + freezeForm(h, SESSION, 'session') + freezeTally(tally)) as FrozenSession;
}

/** The session again from its kept form, with what screening counted since. @throws FrozenFormError for anything else. */
export function thawSession(frozen: FrozenSession): HibernatedSession {
  if (frozen[0] !== VERSION)
    throw new FrozenFormError(`not a hibernated session of this version (${frozen.charCodeAt(0)})`);
  const { reads, end } = thawReads(frozen, 1);
  const { tally, start } = thawTally(frozen);
  const h = thawForm<HibernatedSession>(frozen.slice(end, start), SESSION, 'session');
  const kept = h.records.reads;
  if (
    kept.length !== reads.epochs.length ||
    tally.failed.length !== kept.length ||
    kept.some((r, i) => r.epoch !== reads.epochs[i]!.epoch)
  ) {
    throw new FrozenFormError('not a frozen form: its read epochs, reads at rest and screening tally differ');
  }
  let drops = h.records.drops;
  if (Object.keys(tally.drops).length > 0) {
    const sum = { ...emptyDropCounters(), ...drops };
    for (const [reason, n] of Object.entries(tally.drops) as [keyof typeof sum, number][]) sum[reason] += n;
    drops = sum;
  }
  return {
    ...h,
    records: {
      ...h.records,
      reads: kept.map((r, i) => {
        const e = reads.epochs[i]!;
        return {
          epoch: r.epoch,
          used: r.used,
          right: e.right,
          words: e.words,
          failed: tally.failed[i]!,
          failedInRow: tally.failedInRow[i]!,
        };
      }),
      drops,
    },
    counts: { ...h.counts, datagramsReceived: h.counts.datagramsReceived + tally.datagrams },
  };
}

/**
 * A datagram for a hibernated session, screened without thawing it: the form again with what it dropped counted, or
 * undefined when a record authenticated and the session must be thawed. @throws FrozenFormError for anything else.
 */
export function screenFrozen(
  frozen: FrozenSession,
  datagram: Uint8Array,
  context: ScreeningContext,
): FrozenSession | undefined {
  if (frozen[0] !== VERSION)
    throw new FrozenFormError(`not a hibernated session of this version (${frozen.charCodeAt(0)})`);
  const { reads } = thawReads(frozen, 1);
  const { tally, start } = thawTally(frozen);
  if (screenDatagram(reads, tally, datagram, context) === 'thaw') return undefined;
  return (frozen.slice(0, start) + freezeTally(tally)) as FrozenSession;
}
