import { deserialize, serialize } from 'node:v8';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { RestingKind } from '../handshake/flight.js';
import { DROP_REASONS, type DropCounters } from '../record/drops.js';
import type { HibernatedReadEpoch, HibernatedRecords } from '../record/hibernated-records.js';
import type { NegotiatedParameters } from './events.js';
import type { IgnoreReason } from './record-rules.js';

/**
 * Everything an established, quiet DTLS 1.3 session needs to go on: the
 * traffic secrets its keys come back from (and the handshake's read secret
 * while its keys are kept, RFC 9147 §5.8.1), the record layer's sequence
 * numbers and replay windows, message sequence numbers, the negotiated
 * parameters, timings and counters. `DtlsConnection.hibernate` makes it;
 * `DtlsConnection.thaw` makes a connection of it again.
 */
export interface HibernatedSession {
  readonly suite: SupportedCipherSuite;
  readonly parameters: NegotiatedParameters;
  readonly readEpoch: number;
  readonly readSecret: Uint8Array;
  readonly writeEpoch: number;
  readonly writeSecret: Uint8Array;
  /** The peer's handshake traffic secret while epoch 2's read keys are held. */
  readonly handshakeReadSecret: Uint8Array | undefined;
  readonly resumptionSecret: Uint8Array;
  readonly exporterSecret: Uint8Array;
  readonly serverName: string | undefined;
  readonly clientAuthenticated: boolean;
  readonly ticketsIssued: number;
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
}

export interface HibernatedCounts {
  readonly datagramsReceived: number;
  readonly datagramsSent: number;
  readonly recordsReceived: number;
  readonly applicationBytesSent: number;
  readonly applicationBytesReceived: number;
  readonly handshakeMessagesReceived: number;
}

/**
 * A hibernated session as it is kept: a one-byte string (V8 keeps it in
 * its heap with a 16-byte header and nothing outside, where a Uint8Array
 * costs a buffer object and an allocation of its own). Branded so that no
 * other string is taken for one.
 */
export type FrozenSession = string & { readonly __frozenSession: true };

/** Each object's fields in a fixed order: the form keeps values only, not names (a fraction of the size). */
type Keys<T> = readonly (keyof T)[];

const SESSION = [
  'suite',
  'parameters',
  'readEpoch',
  'readSecret',
  'writeEpoch',
  'writeSecret',
  'handshakeReadSecret',
  'resumptionSecret',
  'exporterSecret',
  'serverName',
  'clientAuthenticated',
  'ticketsIssued',
  'records',
  'flight',
  'sendSeq',
  'receiveSeq',
  'messagesSent',
  'datagramLimit',
  'peerEpoch',
  'startedAt',
  'completedAt',
  'authenticatedAt',
  'clock',
  'counts',
  'ignored',
  'path',
] as const satisfies Keys<HibernatedSession>;

const PARAMETERS = [
  'cipherSuite',
  'group',
  'signatureAlgorithm',
  'helloRetryRequest',
  'clientAuthenticated',
  'peerCertificate',
  'peerCertificateChain',
  'resumed',
  'pskIdentity',
  'pskMode',
  'earlyData',
  'alpnProtocol',
  'servername',
  'srtpProfile',
  'recordSizeLimit',
] as const satisfies Keys<NegotiatedParameters>;

const RECORDS = ['write', 'reads', 'highestDropped', 'newestAuthenticated', 'sendLimit', 'receiveLimit', 'drops'] as const satisfies Keys<HibernatedRecords>;
const WRITE = ['epoch', 'seq', 'used'] as const satisfies Keys<HibernatedRecords['write']>;
const READ = ['epoch', 'right', 'words', 'used', 'failed'] as const satisfies Keys<HibernatedReadEpoch>;
const FLIGHT = ['state', 'retransmitted', 'timeout'] as const satisfies Keys<HibernatedSession['flight']>;
const COUNTS = [
  'datagramsReceived',
  'datagramsSent',
  'recordsReceived',
  'applicationBytesSent',
  'applicationBytesReceived',
  'handshakeMessagesReceived',
] as const satisfies Keys<HibernatedCounts>;
const IGNORED = [
  'unauthenticated-violation',
  'reassembly-refused',
  'deferred-cap',
  'early-data-refused',
  'early-data-cap',
  'stale-alert',
  'ack-epoch',
] as const satisfies Keys<Record<IgnoreReason, number>>;

/** Every field listed: a field added to a type and not to its list fails to compile here. */
type Unlisted<T, L extends Keys<T>> = Exclude<keyof T, L[number]>;
const complete: [
  Unlisted<HibernatedSession, typeof SESSION>,
  Unlisted<NegotiatedParameters, typeof PARAMETERS>,
  Unlisted<HibernatedRecords, typeof RECORDS>,
  Unlisted<HibernatedReadEpoch, typeof READ>,
  Unlisted<HibernatedCounts, typeof COUNTS>,
  Unlisted<Record<IgnoreReason, number>, typeof IGNORED>,
] extends [never, never, never, never, never, never]
  ? true
  : never = true;
void complete;

/** `o`'s values in the order of `keys` (each may itself be packed already: hence unknown). */
function pack<T>(o: { readonly [K in keyof T]: unknown }, keys: Keys<T>): unknown[] {
  return keys.map((k) => o[k]);
}

function unpack<T>(a: unknown, keys: Keys<T>, what: string): T {
  if (!Array.isArray(a) || a.length !== keys.length)
    throw new TypeError(`not a hibernated session: ${what} has ${Array.isArray(a) ? a.length : 'no'} fields, not ${keys.length}`);
  const o: Partial<Record<keyof T, unknown>> = {};
  keys.forEach((k, i) => (o[k] = a[i]));
  return o as T;
}

const VERSION = 1;

/** The session in its kept form. */
export function freezeSession(h: HibernatedSession): FrozenSession {
  const r = h.records;
  const records = pack<HibernatedRecords>(
    {
      ...r,
      write: pack(r.write, WRITE),
      reads: r.reads.map((e) => pack(e, READ)),
      drops: r.drops && DROP_REASONS.map((k) => r.drops?.[k] ?? 0),
    },
    RECORDS,
  );
  const fields = pack<HibernatedSession>(
    {
      ...h,
      parameters: pack(h.parameters, PARAMETERS),
      records,
      flight: pack(h.flight, FLIGHT),
      counts: pack(h.counts, COUNTS),
      ignored: h.ignored && pack(h.ignored, IGNORED),
    },
    SESSION,
  );
  return serialize([VERSION, fields]).toString('latin1') as FrozenSession;
}

/** The session again from its kept form. @throws TypeError when `frozen` is not one {@link freezeSession} made. */
export function thawSession(frozen: FrozenSession): HibernatedSession {
  const [version, fields] = deserialize(Buffer.from(frozen, 'latin1')) as [unknown, unknown];
  if (version !== VERSION) throw new TypeError(`not a hibernated session of this version (${String(version)})`);
  const h = unpack<Record<keyof HibernatedSession, unknown>>(fields, SESSION, 'the session');
  const r = unpack<Record<keyof HibernatedRecords, unknown>>(h.records, RECORDS, 'records');
  const drops = r.drops === undefined ? undefined : (Object.fromEntries(DROP_REASONS.map((k, i) => [k, (r.drops as number[])[i] ?? 0])) as DropCounters);
  const records: HibernatedRecords = {
    ...(r as unknown as HibernatedRecords),
    write: unpack(r.write, WRITE, 'the write epoch'),
    reads: (r.reads as unknown[]).map((e) => unpack<HibernatedReadEpoch>(e, READ, 'a read epoch')),
    drops,
  };
  return {
    ...(h as unknown as HibernatedSession),
    parameters: unpack<NegotiatedParameters>(h.parameters, PARAMETERS, 'parameters'),
    records,
    flight: unpack<HibernatedSession['flight']>(h.flight, FLIGHT, 'the flight'),
    counts: unpack<HibernatedCounts>(h.counts, COUNTS, 'counts'),
    ignored: h.ignored === undefined ? undefined : unpack<Record<IgnoreReason, number>>(h.ignored, IGNORED, 'ignored'),
  };
}
