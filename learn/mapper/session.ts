import { CLOSED, type InputSymbol, type OutputSymbol, type SulSession } from '../sul.js';
import type { ConcreteSide } from './concrete-side.js';
import type { DatagramChannel } from './datagram-channel.js';
import { LoopClock, TICK_MS } from './loop-clock.js';

/** How long a step waits for answers by default, and how long it keeps listening once a flight looks complete. */
export const DEFAULT_WAIT_MS = 300;
const GRACE_MS = 40;
/** The longest a step waits for a flight it has seen begin, in waits. */
const MAX_WAITS = 4;
/** The alert a session still open sends when it is closed. */
const GOODBYE = 'Alert(internal_error)';

/** What a session may hold besides its socket: the peer process the mapper started (learning a client). */
export interface SessionPeer {
  /** False once the peer process has exited. */
  alive(): boolean;
  stop(): Promise<void>;
}

/**
 * A server the mapper has just started may have bound its port and not yet read from it (still starting, or not
 * scheduled on a loaded machine): its answer to the first ClientHello, which waits in the socket's queue, then comes
 * after the step's wait and would count for the next step. With this, a session's first input, when it is a
 * ClientHello, waits for the first answer up to `limitMs` instead of one wait. Nothing is sent again: the same
 * datagrams twice made gnutls-serv 3.7.9 ignore the ClientHello with the cookie that followed. A server that answers
 * nothing in that time answers `timeout`, as one that answers no ClientHello does, and `onUnanswered` says so.
 */
export interface FirstHelloWait {
  readonly limitMs: number;
  readonly onUnanswered: (input: InputSymbol) => void;
}

/**
 * One query's conversation: each input becomes datagrams (the concrete side), and everything new the peer sends until
 * the step's wait ends becomes one output symbol, the names joined with `+` in arrival order, a name repeated at once
 * (a retransmitted ACK, say) kept once. The wait ends early once a flight looks complete, and is prolonged (up to four
 * waits) while a flight has begun and not ended. The wait counts only the time this process ran (a {@link LoopClock}):
 * its own stalls on a loaded machine are not the peer's silence. After the peer ends the
 * connection (a fatal alert, close_notify), its socket fails or its process exits, the session is over: every later
 * step answers `closed` without touching the network. Datagrams that arrive between steps are read at the start of the
 * next one: retransmissions among them are dropped by the concrete side, late answers count for that step.
 */
export class MapperSession implements SulSession {
  private readonly channel: DatagramChannel;
  private readonly side: ConcreteSide;
  private readonly waitMs: number;
  private readonly peer: SessionPeer | undefined;
  private readonly firstHello: FirstHelloWait | undefined;
  private over = false;
  private released = false;
  private stepped = false;

  constructor(
    channel: DatagramChannel,
    side: ConcreteSide,
    waitMs: number,
    peer?: SessionPeer,
    firstHello?: FirstHelloWait,
  ) {
    this.channel = channel;
    this.side = side;
    this.waitMs = waitMs;
    this.peer = peer;
    this.firstHello = firstHello;
  }

  async step(input: InputSymbol): Promise<OutputSymbol> {
    if (this.over) return CLOSED;
    const names: string[] = [];
    const take = (datagram: Uint8Array): boolean => {
      const a = this.side.receive(datagram);
      names.push(...a.names);
      if (a.closing) this.over = true;
      return a.flightEnd;
    };
    for (const d of this.channel.drain()) take(d);
    if (!this.over) {
      const datagrams = this.side.input(input);
      const sent = await this.channel.send(datagrams);
      if (!sent && this.channel.hasPeer) this.over = true;
      const clock = new LoopClock();
      const started = clock.now();
      let deadline = started + this.waitMs;
      let flightEnded = false;
      const first = !this.stepped && input.startsWith('ClientHello') ? this.firstHello : undefined;
      while (!this.over) {
        const d = await this.next(clock, deadline);
        if (d === undefined) {
          if (first !== undefined && names.length === 0) {
            // A server just started and not yet reading: its answer is queued, wait for it up to the limit.
            const end = started + first.limitMs;
            if (clock.now() < end) {
              deadline = end;
              continue;
            }
            first.onUnanswered(input);
            break;
          }
          // A flight begun and not ended (a slow peer's ServerHello without the rest): wait for the rest, up to
          // MAX_WAITS waits in all, so one flight is not split over two steps.
          if (names.length === 0 || flightEnded || clock.now() - started >= MAX_WAITS * this.waitMs) break;
          deadline = clock.now() + this.waitMs;
          continue;
        }
        if (take(d)) {
          flightEnded = true;
          deadline = Math.min(deadline, clock.now() + GRACE_MS);
        }
      }
      if (this.channel.closed || (this.peer !== undefined && !this.peer.alive())) this.over = true;
    }
    this.stepped = true;
    const output = names.filter((n, i) => i === 0 || names[i - 1] !== n).join('+');
    if (output.length > 0) return output;
    return this.over ? CLOSED : 'timeout';
  }

  /**
   * The next datagram, or undefined once `deadline` (a time of `clock`) passed or the channel ended. It reads in
   * ticks, so that `clock` sees the process's own stalls and does not count them as the peer's time.
   */
  private async next(clock: LoopClock, deadline: number): Promise<Uint8Array | undefined> {
    for (;;) {
      const left = deadline - clock.now();
      if (left <= 0 || this.channel.closed) return undefined;
      const d = await this.channel.next(performance.now() + Math.min(TICK_MS, left));
      if (d !== undefined) return d;
    }
  }

  /**
   * Ends the session. A session still open first tells the peer with a fatal alert (internal_error, under the keys it
   * holds), so a peer that serves one connection at a time (wolfSSL's and OpenSSL's example servers) moves on to the
   * next session at once instead of waiting for this one to time out.
   */
  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (!this.over) {
      try {
        await this.channel.send(this.side.input(GOODBYE));
      } catch {
        // the peer is told nothing: it times the session out
      }
    }
    this.over = true;
    this.side.release();
    await this.channel.close();
    await this.peer?.stop();
  }
}
