import { sessionNow, type SessionDriver } from './session-driver.js';

/** What the sweep reads of a session and does to it: its driver's rest, park and shut, and its place. */
type Resting = Pick<SessionDriver, 'rest' | 'hibernationDeferredSince' | 'park' | 'shut' | 'place'>;
import { HeapTrimmer, trimNativeHeap } from '../node/heap-trim.js';
import { TimingWheel } from '../node/timing-wheel.js';

/** The server's quiet sessions: a sweep closes the idle (`idleTimeoutMs`) and parks the quiet (`parkAfterMs`). */
export class RestingSessions {
  private readonly idleMs: number;
  private readonly parkMs: number;
  private readonly sweeper: NodeJS.Timeout | undefined;
  /** Established sessions by the time they become idle (last authenticated record + idleMs): a sweep looks only at those due. */
  private readonly idle: TimingWheel<Resting> | undefined;
  private readonly trimmer = new HeapTrimmer(trimNativeHeap);
  readonly counts = { idleClosed: 0, parked: 0, hibernated: 0 };

  constructor(limits: { readonly idleMs: number; readonly parkMs: number }) {
    this.idleMs = limits.idleMs;
    this.parkMs = limits.parkMs;
    const sweepMs = Math.min(this.idleMs || Infinity, this.parkMs || Infinity);
    if (sweepMs !== Infinity) {
      const tick = Math.round(Math.max(10, Math.min(1000, sweepMs / 4)));
      this.idle = new TimingWheel<Resting>(sessionNow(), tick);
      this.sweeper = setInterval(() => this.sweepIdle(), tick);
      this.sweeper.unref();
    }
  }

  get trims(): number {
    return this.trimmer.trims;
  }

  get trimMs(): number {
    return this.trimmer.trimMs;
  }

  /** Stops sweeping (the server closes). */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.trimmer.close();
  }

  /** The session ended: out of the sweep. */
  cancel(s: Resting): void {
    this.idle?.cancel(s);
  }

  /** Closes the sessions idle for idleMs, parks those quiet for parkMs; each goes back in, due at its next deadline. */
  private sweepIdle(): void {
    const now = sessionNow();
    const { idleMs, parkMs } = this;
    let rested = 0; // parks in this sweep, first ones and later ones that hibernated: what the C heap trim counts
    this.idle?.advance(now, (e) => {
      const last = e.rest.lastAuthenticated;
      if (idleMs > 0 && last + idleMs < now) {
        this.counts.idleClosed++;
        e.shut();
        return;
      }
      const place = e.place;
      const handshakeKeysDue = place.handshakeKeysUntil !== undefined && now >= place.handshakeKeysUntil;
      // Parked again when its handshake keys may go, after a thaw without waking, or while it could not hibernate.
      const thawedAt = e.rest.thawedAt;
      const deferred = e.hibernationDeferredSince;
      const again =
        handshakeKeysDue ||
        (thawedAt !== undefined && thawedAt + parkMs < now) ||
        (deferred !== undefined && deferred + parkMs < now);
      if (parkMs > 0 && last + parkMs < now && (!e.rest.parked || again) && !e.rest.hibernated) {
        if (!e.rest.parked) this.counts.parked++;
        e.park(now);
        rested++;
        if (e.rest.hibernated) this.counts.hibernated++;
      }
      if (handshakeKeysDue) place.handshakeKeysUntil = undefined;
      this.schedule(e);
    });
    this.trimmer.swept(now, rested);
  }

  /** A parked session took a record: due again when quiet for parkMs. */
  woke(e: Resting): void {
    if (!e.place.handshaking) this.schedule(e);
  }

  /** Puts an established session in the sweep at its next deadline: idle, quiet, or its handshake keys' end (once parked). */
  schedule(e: Resting): void {
    const { idleMs, parkMs } = this;
    const last = e.rest.lastAuthenticated;
    let due = idleMs > 0 ? last + idleMs + 1 : Infinity;
    const keysUntil = e.place.handshakeKeysUntil;
    if (parkMs > 0 && !e.rest.parked) due = Math.min(due, last + parkMs + 1);
    else if (parkMs > 0 && keysUntil !== undefined) due = Math.min(due, keysUntil + 1);
    for (const since of [e.rest.thawedAt, e.hibernationDeferredSince])
      if (parkMs > 0 && since !== undefined) due = Math.min(due, since + parkMs + 1);
    if (due !== Infinity) this.idle?.schedule(e, due);
  }
}
