import { FailureWindow, keyFailuresPerSecond } from './failure-window.js';
import { INTEGRITY_KEY_UPDATE_THRESHOLD, PACED_INTEGRITY_LIMIT } from './limits.js';

/** One read epoch's count of records that failed authentication, against its key's integrity limit. */
export interface ReadKeyFailures {
  readonly epoch: number;
  readonly failed: number;
  readonly integrityLimit: number;
}

/** What the integrity limit asks of the connection after a datagram (RFC 9147 §4.5.3). */
export type IntegrityVerdict =
  /** Past {@link INTEGRITY_KEY_UPDATE_THRESHOLD} of the current read key's limit: a KeyUpdate with update_requested (once per read epoch). */
  | { readonly kind: 'request-key-update'; readonly epoch: number }
  /** An older read epoch reached its limit: it is dropped (its records are no longer opened). */
  | { readonly kind: 'drop-epoch'; readonly epoch: number }
  /** The current read key reached its limit: the connection closes with bad_record_mac. */
  | { readonly kind: 'fail'; readonly epoch: number; readonly limit: number };

const NONE: readonly IntegrityVerdict[] = [];

/** A read key as the per-key bound sees it: its integrity limit, its failures so far, and its failure window (made when its rate starts). */
export interface RateLimitedKey {
  readonly limits: { readonly integrity: number };
  /** Records that failed authentication under the key (counted by its cipher before the monitor hears of them). */
  readonly failed: number;
  failureWindow: FailureWindow | undefined;
}

/** Default of `limits.integrityBudgetSeconds`: once a read key's rate applies, the rest of its integrity limit lasts at least this long under forgery. */
export const DEFAULT_INTEGRITY_BUDGET_SECONDS = 128;

/**
 * Failed authentications (AEAD opens that failed), in four bounds, shared by the DTLS 1.3 record layer and the DTLS 1.2
 * record path:
 *
 * - CPU, per datagram (`limits.maxFailedAuthenticationsPerSecond`): within a second of the first failure counted, up to
 *   that many failures are opened as usual; past it, a datagram's records are not opened after its first failure
 *   (dropped as `authentication-rate`). A forged-record flood costs one decryption a datagram, and a genuine datagram
 *   still opens whole, so an off-path sender cannot stall the session.
 * - Datagrams, per read key: a key whose integrity limit is small ({@link PACED_INTEGRITY_LIMIT}: AES-128-CCM-8's)
 *   takes one failure a datagram, in both versions and under every 1.2 policy; the records after it are dropped untried
 *   (`authentication-rate`), so a datagram of forged records spends one of the key's forgeries, not a hundred. No
 *   genuine datagram holds a record that fails.
 * - Rate, per read key (`limits.integrityBudgetSeconds`, {@link keyFailuresPerSecond}), from `rateFrom` of the key's
 *   integrity limit on: past that share, the rest of the limit is spent over that many seconds at least; once a
 *   second's share failed, the key's records are dropped untried (`authentication-rate`) for the rest of the second,
 *   its genuine ones too. DTLS 1.3 starts it at {@link INTEGRITY_RATE_THRESHOLD} (3/4 of the limit), well after the
 *   KeyUpdate asked for at {@link INTEGRITY_KEY_UPDATE_THRESHOLD}: below it every record is opened and counted, so
 *   forgeries that come slower than new keys do never hold a genuine record back, and a burst still cannot spend the
 *   whole limit before the new keys land. DTLS 1.2, which cannot rekey, starts it at 0 under `limits.integrityPolicy12:
 *   'rate'` and has none otherwise.
 * - Keys, per read epoch (RFC 9147 §4.5.3, DTLS 1.3): past {@link INTEGRITY_KEY_UPDATE_THRESHOLD} of the current read
 *   key's integrity limit the peer is asked for new keys once; at the limit an older epoch is dropped and the current
 *   one ends the connection.
 *
 * The record layers feed it ({@link datagramStarted}, {@link mayOpen}, {@link failed}); the 1.3 connection asks for the
 * {@link verdict} after each datagram. It holds seven numbers and a window.
 */
export class IntegrityMonitor {
  /** The counted second (begun at its first failure) and the failures in it, over all keys. */
  private readonly window: FailureWindow;
  private readonly budgetSeconds: number;
  /** Share of a key's integrity limit past which its rate applies (0: from its first failure). */
  private readonly rateFrom: number;
  /**
   * Failures in the datagram being read. A field, as {@link failedSinceVerdict} is, read per datagram by the record
   * layers; only the monitor writes them.
   */
  failedInDatagram = 0;
  /** Whether a record failed authentication since the last {@link verdict} (nothing to look at otherwise). */
  failedSinceVerdict = false;
  /** The read epoch the peer was last asked to leave (one request per epoch: its new keys end the count). */
  private updateRequestedFor: number | undefined;

  /**
   * `budgetSeconds`: `limits.integrityBudgetSeconds` (0: no per-key rate); `rateFrom`: the share of a key's integrity
   * limit its failures reach before its rate applies (0: from the first; DTLS 1.3 passes
   * {@link INTEGRITY_RATE_THRESHOLD}).
   */
  constructor(maxFailuresPerSecond: number, budgetSeconds = DEFAULT_INTEGRITY_BUDGET_SECONDS, rateFrom = 0) {
    this.window = new FailureWindow(maxFailuresPerSecond);
    this.budgetSeconds = budgetSeconds;
    this.rateFrom = rateFrom;
  }

  /** A new datagram: its records are opened until one fails past the budget (no work while {@link failedInDatagram} is 0). */
  datagramStarted(): void {
    this.failedInDatagram = 0;
  }

  /**
   * Whether the next record of this datagram (under `key`, when given) may be opened at `now`. Always true while
   * {@link failedInDatagram} is 0 and `key` has no failure window (nothing failed in this datagram, and its rate has not
   * started): the record paths test that first and call this only otherwise, so a genuine record costs no call.
   */
  mayOpen(now: number, key?: RateLimitedKey): boolean {
    if (key !== undefined) {
      if (key.failureWindow?.full(now) === true && this.rated(key)) return false;
      if (this.failedInDatagram > 0 && this.paced(key)) return false;
    }
    return !(this.failedInDatagram > 0 && this.window.full(now));
  }

  /** A record failed authentication at `now` (under `key`, when given). */
  failed(now: number, key?: RateLimitedKey): void {
    this.failedInDatagram++;
    this.failedSinceVerdict = true;
    this.window.failed(now);
    if (key !== undefined) this.keyFailed(now, key);
  }

  /** A failure under `key` that costs the key's rate but not the datagram's CPU budget (1.3's probe further ahead). */
  keyFailed(now: number, key: RateLimitedKey): void {
    if (!this.rated(key)) return;
    const rest = key.limits.integrity - this.rateStart(key);
    (key.failureWindow ??= new FailureWindow(keyFailuresPerSecond(rest, this.budgetSeconds))).failed(now);
  }

  /** Whether `key` takes one failure a datagram: its integrity limit is small (AES-128-CCM-8's; {@link PACED_INTEGRITY_LIMIT}). */
  private paced(key: RateLimitedKey): boolean {
    return key.limits.integrity <= PACED_INTEGRITY_LIMIT;
  }

  /** Failures under `key` from which its rate applies. */
  private rateStart(key: RateLimitedKey): number {
    return Math.floor(key.limits.integrity * this.rateFrom);
  }

  /** Whether `key`'s failures reached the share of its limit from which its rate applies. */
  private rated(key: RateLimitedKey): boolean {
    return key.failed >= this.rateStart(key);
  }

  /**
   * What the integrity limit asks after the datagram: `keys` the read epochs' failure counts, `currentReadEpoch` the
   * session's application read epoch (undefined during the handshake, where any epoch at its limit ends the
   * connection), `canRequestUpdate` whether a KeyUpdate may start now (none of ours outstanding). In read-epoch order,
   * stopping at a `fail`; nothing failed since the last call costs nothing.
   */
  verdict(
    keys: () => readonly ReadKeyFailures[],
    currentReadEpoch: number | undefined,
    canRequestUpdate: boolean,
  ): readonly IntegrityVerdict[] {
    if (!this.failedSinceVerdict) return NONE;
    this.failedSinceVerdict = false;
    const out: IntegrityVerdict[] = [];
    for (const e of keys()) {
      if (e.failed >= e.integrityLimit) {
        if (currentReadEpoch !== undefined && e.epoch < currentReadEpoch)
          out.push({ kind: 'drop-epoch', epoch: e.epoch });
        else return [...out, { kind: 'fail', epoch: e.epoch, limit: e.integrityLimit }];
      } else if (
        e.epoch === currentReadEpoch &&
        e.failed >= e.integrityLimit * INTEGRITY_KEY_UPDATE_THRESHOLD &&
        this.updateRequestedFor !== e.epoch &&
        canRequestUpdate
      ) {
        this.updateRequestedFor = e.epoch;
        out.push({ kind: 'request-key-update', epoch: e.epoch });
      }
    }
    return out;
  }
}
