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
  /** Past {@link INTEGRITY_KEY_UPDATE_THRESHOLD} of the current key's limit: a KeyUpdate with update_requested (once). */
  | { readonly kind: 'request-key-update'; readonly epoch: number }
  /** An older read epoch reached its limit: it is dropped (its records are no longer opened). */
  | { readonly kind: 'drop-epoch'; readonly epoch: number }
  /** The current read key reached its limit: the connection closes with bad_record_mac. */
  | { readonly kind: 'fail'; readonly epoch: number; readonly limit: number };

const NONE: readonly IntegrityVerdict[] = [];

/** A read key as the per-key bound sees it: its limit, failures so far, and failure window (made when its rate starts). */
export interface RateLimitedKey {
  readonly limits: { readonly integrity: number };
  /** Records that failed authentication under the key (counted by its cipher before the monitor hears of them). */
  readonly failed: number;
  failureWindow: FailureWindow | undefined;
}

/** Default of `limits.integrityBudgetSeconds`: the least seconds the rest of a rated key's limit lasts under forgery. */
export const DEFAULT_INTEGRITY_BUDGET_SECONDS = 128;

/**
 * Failed authentications, in four bounds, for the DTLS 1.3 and 1.2 record paths:
 *
 * - CPU (`maxFailedAuthenticationsPerSecond`): past it, a datagram's records are not opened after its first failure, so
 *   a forged-record flood costs one decryption a datagram and a genuine datagram still opens whole.
 * - Datagrams, per read key: a key with a small integrity limit ({@link PACED_INTEGRITY_LIMIT}: CCM-8) takes one
 *   failure a datagram, so a datagram of forgeries spends one of its forgeries, not a hundred.
 * - Rate, per read key (`integrityBudgetSeconds`): from `rateFrom` of the limit on, the rest lasts that many seconds at
 *   least; once a second's share failed, the key's records drop untried until the second ends. 1.3 starts it at 3/4,
 *   well after the KeyUpdate asked for, so slow forgeries never hold back a genuine record; 1.2 (which cannot rekey)
 *   at 0 under `integrityPolicy12: 'rate'`.
 * - Keys, per read epoch (RFC 9147 §4.5.3, 1.3): past {@link INTEGRITY_KEY_UPDATE_THRESHOLD} new keys are asked for
 *   once; at the limit an older epoch is dropped and the current one ends the connection.
 */
export class IntegrityMonitor {
  private readonly window: FailureWindow;
  private readonly budgetSeconds: number;
  /** Share of a key's integrity limit past which its rate applies (0: from its first failure). */
  private readonly rateFrom: number;
  /** Failures in the datagram being read (read per datagram by the record layers; only the monitor writes it). */
  failedInDatagram = 0;
  /** Whether a record failed authentication since the last {@link verdict} (nothing to look at otherwise). */
  failedSinceVerdict = false;
  /** The read epoch the peer was last asked to leave (one request per epoch: its new keys end the count). */
  private updateRequestedFor: number | undefined;

  /** `budgetSeconds` 0: no per-key rate; `rateFrom`: the share of the limit where it starts (1.3: 3/4). */
  constructor(maxFailuresPerSecond: number, budgetSeconds = DEFAULT_INTEGRITY_BUDGET_SECONDS, rateFrom = 0) {
    this.window = new FailureWindow(maxFailuresPerSecond);
    this.budgetSeconds = budgetSeconds;
    this.rateFrom = rateFrom;
  }

  datagramStarted(): void {
    this.failedInDatagram = 0;
  }

  /** Whether the next record may be opened at `now` (callers test the common true case inline). */
  mayOpen(now: number, key?: RateLimitedKey): boolean {
    if (key !== undefined) {
      if (key.failureWindow?.full(now) === true && this.rated(key)) return false;
      if (this.failedInDatagram > 0 && this.paced(key)) return false;
    }
    return !(this.failedInDatagram > 0 && this.window.full(now));
  }

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

  /** Whether `key` takes one failure a datagram: its integrity limit is small (AES-128-CCM-8's). */
  private paced(key: RateLimitedKey): boolean {
    return key.limits.integrity <= PACED_INTEGRITY_LIMIT;
  }

  private rateStart(key: RateLimitedKey): number {
    return Math.floor(key.limits.integrity * this.rateFrom);
  }

  /** Whether `key`'s failures reached the share of its limit from which its rate applies. */
  private rated(key: RateLimitedKey): boolean {
    return key.failed >= this.rateStart(key);
  }

  /** What the integrity limit asks after the datagram, in read-epoch order up to a `fail`. */
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
