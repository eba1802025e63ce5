import type { ManualClock } from '../handshake/manual-clock.js';

/**
 * How long ACKs and peer-triggered retransmissions wait for the rest of a burst, in ms: one ACK covers the burst and
 * one retransmission answers it (RFC 9147 §7.1 allows delaying ACKs).
 */
export const BURST_DELAY = 50;

/** What the scheduler does when a burst's delay is over. */
export interface AckSchedulerHooks {
  /** Whether the connection still answers (not failed or closed). */
  active(): boolean;
  /** Send one ACK of what the AckTracker holds. */
  sendAck(): void;
  /** Resend our last flight, which the peer's retransmission says was lost. */
  retransmit(): void;
  /** The current retransmission timeout: peer-triggered resends are at most one per this many ms. */
  retransmitInterval(): number;
}

/**
 * One ACK and at most one retransmission per burst of datagrams (RFC 9147 §7.1), on one timer of {@link BURST_DELAY}.
 * Peer-triggered retransmissions are held to one per retransmission timeout, so spoofed repeats cannot pump flights at
 * a victim.
 */
export class AckScheduler {
  private readonly clock: ManualClock;
  private readonly hooks: AckSchedulerHooks;
  private readonly delay: number;
  private timer: number | undefined;
  private ack = false;
  private retransmit = false;
  /** When the peer's retransmission last made us resend our flight. */
  private retransmittedAt = -Infinity;

  constructor(clock: ManualClock, hooks: AckSchedulerHooks, delay = BURST_DELAY) {
    this.clock = clock;
    this.hooks = hooks;
    this.delay = delay;
  }

  /** An ACK is owed at the end of the burst. */
  ackSoon(): void {
    this.ack = true;
  }

  /** Our flight should go again at the end of the burst (once per retransmission timeout). */
  retransmitSoon(): void {
    this.retransmit = true;
  }

  /** When the burst's timer fires, if one is armed. */
  get armed(): boolean {
    return this.timer !== undefined;
  }

  /** Arms the burst's timer when something is owed and none is armed. */
  schedule(): void {
    if (this.timer !== undefined || (!this.ack && !this.retransmit)) return;
    // A closure per armed timer (one per burst), not one held for the connection's life.
    this.timer = this.clock.setTimeout(() => this.fire(), this.delay);
  }

  private fire(): void {
    this.timer = undefined;
    const { ack, retransmit } = this;
    this.ack = false;
    this.retransmit = false;
    if (!this.hooks.active()) return;
    if (ack) this.hooks.sendAck();
    const now = this.clock.now;
    if (retransmit && now - this.retransmittedAt >= this.hooks.retransmitInterval()) {
      this.retransmittedAt = now;
      this.hooks.retransmit();
    }
  }
}
