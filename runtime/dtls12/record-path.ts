/**
 * The limits of DTLS 1.2's inbound record path, the 1.3 record layer's own (runtime/record/record-layer.ts) with the
 * same options and counters:
 *
 * - at most `limits.maxRecordsPerDatagram` records (default 128) of a datagram are read; the rest is framed-checked
 *   without a record object or a decryption and counted once as `records-per-datagram` (a 65,507-byte datagram holds
 *   1,770 minimal 1.2 records of 37 bytes);
 * - the read epoch opens records under the shared IntegrityMonitor: past `limits.maxFailedAuthenticationsPerSecond`
 *   failures in a second, a datagram's records after its first failure are dropped untried as `authentication-rate`
 *   (codec12.ts's ReadEpoch12); what the key's integrity limit does is `limits.integrityPolicy12` ({@link
 *   RecordPath12.integrityVerdict}): nothing but count ('count', the default), a per-key rate ('rate': past
 *   `limits.integrityBudgetSeconds`' share of a second, any of the key's records dropped untried too), or the end of
 *   the session at the limit ('close');
 * - which record may come in which phase is the 1.2 rows of the record-rule table (runtime/shared/record-rules.ts),
 *   in the phase {@link phase12} names; one no row admits is counted in `stats.ignored` under the row's reason.
 *
 * A datagram is still taken whole or not at all: one whose framing fails anywhere is dropped as `malformed` before any
 * of its records is read.
 */
import { dtls12ClientTakes } from '../../generated/charts/dtls12-client-transitions.js';
import { dtls12ServerTakes } from '../../generated/charts/dtls12-server-transitions.js';
import type { FatalReason } from '../shared/alert-mapping.js';
import type { ConnectionLimits } from '../shared/connection-limits.js';
import type { RecordPhase12 } from '../shared/record-rules.js';
import { emptyDropCounters, type DropCounters, type DropReason } from '../record/drops.js';
import { IntegrityMonitor } from '../record/integrity-monitor.js';
import { ReadState12 } from '../record/read-state12.js';
import type { MessageArena } from '../wire/message-arena.js';
import type { ClientState12 } from './client.js';
import type { ServerState12 } from './server.js';

export class RecordPath12 {
  readonly drops: DropCounters;
  /** The read epochs and the ChangeCipherSpec switch between them, DTLS 1.2's side of the one record loop (runtime/record/read-state12.ts). */
  readonly state: ReadState12;
  /** Where a failed authentication that reaches the integrity limit under `limits.integrityPolicy12` 'close' goes. */
  private readonly ended: (reason: FatalReason) => void;
  /** Failed authentications: the CPU budget per second and each read key's rate (shared with 1.3). */
  readonly integrity: IntegrityMonitor;
  readonly maxRecords: number;
  /** `limits.integrityPolicy12` 'close': the session ends when its key's failures reach the integrity limit. */
  private readonly closeAtLimit: boolean;

  /**
   * `replayWindow`: the read epoch's window (default 64); `arena`: 'batch' mode's memory for application data; `ended`:
   * called with why the session ends at the integrity limit; `dropsBefore`: drops counted before this path was made.
   */
  constructor(
    limits: ConnectionLimits,
    replayWindow: number | undefined,
    arena: MessageArena | undefined,
    ended: (reason: FatalReason) => void,
    dropsBefore?: Readonly<DropCounters>,
  ) {
    this.drops = { ...emptyDropCounters(), ...dropsBefore };
    this.maxRecords = limits.maxRecordsPerDatagram;
    const policy = limits.integrityPolicy12;
    this.integrity = new IntegrityMonitor(
      limits.maxFailedAuthenticationsPerSecond,
      policy === 'rate' ? limits.integrityBudgetSeconds : 0,
    );
    this.closeAtLimit = policy === 'close';
    this.state = new ReadState12(this.integrity, replayWindow, arena, this);
    this.ended = ended;
  }

  /**
   * After a record failed authentication under `key`: why the session ends (`limits.integrityPolicy12` 'close', the
   * key's failures at its integrity limit), or undefined.
   */
  integrityVerdict(key: {
    readonly failed: number;
    readonly limits: { readonly integrity: number };
  }): FatalReason | undefined {
    if (!this.closeAtLimit || key.failed < key.limits.integrity) return undefined;
    return {
      alert: 'bad_record_mac',
      message: `${key.failed} records failed authentication under the epoch-1 keys, the AEAD's integrity limit (limits.integrityPolicy12 'close'; RFC 9147 §4.5.3)`,
    };
  }

  /** Counts a dropped record; a failed authentication is checked against `limits.integrityPolicy12`. */
  drop(reason: DropReason): void {
    this.drops[reason]++;
    if (reason !== 'authentication') return;
    const cipher = this.state.cipher;
    const verdict = cipher === undefined ? undefined : this.integrityVerdict(cipher);
    if (verdict !== undefined) this.ended(verdict);
  }
}

/**
 * Whether `state` takes the peer's ChangeCipherSpec now (the phase `change-cipher-spec` of the 1.2 rows): its chart
 * state takes one, and no NewSessionTicket the ServerHello promised is still due (RFC 5077 §3.3: the server sends it
 * before its ChangeCipherSpec).
 */
export function changeCipherSpecDue12(role: 'client' | 'server', state: ClientState12 | ServerState12): boolean {
  const takes: Readonly<Record<string, ReadonlySet<string> | undefined>> =
    role === 'client' ? dtls12ClientTakes : dtls12ServerTakes;
  if (takes[state.kind]?.has('ChangeCipherSpec') !== true) return false;
  if (role === 'server') return true;
  const s = state as ClientState12;
  const promised =
    s.kind === 'waitNewSessionTicketOrChangeCipherSpec' || s.kind === 'waitResumedNewSessionTicketOrChangeCipherSpec';
  return !(promised && s.keyed.ticketExpected);
}

/** The phase of the 1.2 rows: the handshake done, the peer's ChangeCipherSpec taken (`readKeys`), due (its keys pending and the state taking it), or not yet. */
export function phase12(
  role: 'client' | 'server',
  state: ClientState12 | ServerState12,
  keysPending: boolean,
  readKeys: boolean,
): RecordPhase12 {
  if (state.kind === 'connected') return 'connected';
  if (readKeys) return 'after-change-cipher-spec';
  return keysPending && changeCipherSpecDue12(role, state) ? 'change-cipher-spec' : 'handshake';
}
