/**
 * DTLS 1.2's flights (RFC 6347 §4.2.4) on the one flight controller (the dtls13-flight chart,
 * runtime/handshake/flight.ts): the timer starts at 1 s and doubles to 60 s (`retransmission` option); there are no
 * ACKs, so a flight ends when the peer's next one arrives; the last flight of a handshake waits for nothing (sent, it
 * is `finished`) and goes again when the peer sends its own last flight again, at most once per half initial timeout.
 */
import { FlightController } from '../handshake/flight.js';
import type { FlightTimerConfig } from '../handshake/flight-timer-config.js';
import type { ManualClock } from '../handshake/manual-clock.js';
import type { Out12 } from './flight-entry.js';

export class Flights12 extends FlightController<Out12> {
  /** Our last flight: what goes again when the peer retransmits its final flight. */
  private readonly last: { flight: readonly Out12[] };
  /** When the peer's retransmission last had ours sent again (the caller's time). */
  private lastResend = -Infinity;
  private readonly resendSpacing: number;
  private readonly clock: ManualClock;
  /** The message_seq of our next handshake message (RFC 6347 §4.2.2): a server's starts at the ClientHello's. */
  messageSeq = 0;

  /**
   * `transmit` cuts a flight into datagrams; `timedOut` ends the connection when the retransmissions ran out; `held`:
   * whether our last transmission still waits in the outbound queue (the anti-amplification limit, FlightHooks.held).
   */
  constructor(
    transmit: (messages: readonly Out12[]) => void,
    clock: ManualClock,
    retransmission: FlightTimerConfig,
    timedOut: () => void,
    held?: () => boolean,
  ) {
    const last = { flight: [] as readonly Out12[] };
    // A final flight is answered by nothing in 1.2: the peer's last flight again asks for ours again.
    super(
      { transmit, retransmitAck: () => transmit(last.flight), timedOut, ...(held !== undefined ? { held } : {}) },
      clock,
      retransmission,
    );
    this.last = last;
    this.resendSpacing = (retransmission.initialTimeout ?? 1000) / 2;
    this.clock = clock;
  }

  nextMessageSeq(): number {
    return this.messageSeq++;
  }

  /** Sends a flight of ours; the `final` one of a handshake is at once `finished` (nothing acknowledges it). */
  sendFlight(messages: readonly Out12[], final: boolean): void {
    this.last.flight = messages;
    this.send(messages);
    if (final)
      this.acknowledge(
        messages.map((_, i) => i),
        true,
      );
  }

  /** The peer sent its last flight again, so ours was lost: ours goes again (waiting: the flight; finished: our final one). */
  peerResent(): void {
    const now = this.clock.now;
    if (now - this.lastResend < this.resendSpacing) return;
    this.lastResend = now;
    this.peerRetransmitted();
  }
}
