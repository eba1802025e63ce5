import { CLOSED, type InputSymbol, type OutputSymbol, type SulSession } from '../sul.js';
import { FLOOD } from '../symbols.js';
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

/**
 * What one step takes from the peer at most: past any of these (or past the channel's queue,
 * datagram-channel.ts `MAX_QUEUED`) the step stops reading, answers `Flood` and the session is over. A normal
 * flight is a few datagrams, a few kilobytes and at most a dozen names.
 */
export const STEP_CAPS = {
  /** Message, alert and record names in one answer (after a name repeated at once is kept once). */
  names: 32,
  /** Datagrams read in one step (those queued before it included). */
  datagrams: 128,
  /** Bytes of those datagrams. */
  bytes: 256 * 1024,
} as const;

/** One step as it went, for a caller that watches the mapper (`onStep`). */
export interface StepRecord {
  readonly input: InputSymbol;
  readonly output: OutputSymbol;
  /** Datagrams and their bytes read in the step. */
  readonly datagrams: number;
  readonly bytes: number;
  /** How long the step waited by its clock (LoopClock: the process's own stalls not counted), ms. */
  readonly clockMs: number;
  /**
   * When the first datagram after the input was sent arrived, by that clock, in ms; undefined when none arrived (those
   * queued before the step are not counted). How close a peer's answers come to the wait: the margin a wait keeps.
   */
  readonly firstMs: number | undefined;
  /**
   * The most it may wait by that clock: its longest wait (four waits, or a started server's first-answer limit), one
   * tick, and in 1.2 the moment a held ChangeCipherSpec may add.
   */
  readonly budgetMs: number;
  /** ChangeCipherSpec records of the peer's repeated flights left out of the output (`peerRetransmissions: 'hide'`). */
  readonly hidden: number;
  /** The step ended before its wait because the peer process the mapper started had exited (a grace after the exit). */
  readonly atExit: boolean;
}

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
 * next one: retransmissions among them are dropped by the concrete side, late answers count for that step. In 1.2, a
 * repeated flight's ChangeCipherSpec is shown or left out as the side's `flights` says (repeated-flights.ts).
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
  /** When the step saw the peer process ended (its LoopClock's time; one step's clock, so only within that step). */
  private exitedAt: number | undefined;

  private readonly onStep: ((s: StepRecord) => void) | undefined;

  constructor(
    channel: DatagramChannel,
    side: ConcreteSide,
    waitMs: number,
    peer?: SessionPeer,
    firstHello?: FirstHelloWait,
    onStep?: (s: StepRecord) => void,
  ) {
    this.channel = channel;
    this.side = side;
    this.waitMs = waitMs;
    this.peer = peer;
    this.firstHello = firstHello;
    this.onStep = onStep;
  }

  async step(input: InputSymbol): Promise<OutputSymbol> {
    if (this.over) return CLOSED;
    const names: string[] = [];
    const clock = new LoopClock();
    const started = clock.now();
    this.exitedAt = undefined;
    let datagrams = 0;
    let bytes = 0;
    let flood = this.channel.takeOverflow() > 0;
    let firstMs: number | undefined;
    let atExit = false;
    const flights = this.side.flights;
    const hiddenBefore = flights?.hidden ?? 0;
    const take = (datagram: Uint8Array): boolean => {
      datagrams++;
      bytes += datagram.length;
      if (datagrams > STEP_CAPS.datagrams || bytes > STEP_CAPS.bytes) flood = true;
      if (flood) return false;
      const a = this.side.receive(datagram);
      for (const n of a.names) if (names.at(-1) !== n) names.push(n);
      if (names.length > STEP_CAPS.names) flood = true;
      if (a.closing) this.over = true;
      return a.flightEnd;
    };
    for (const d of this.channel.drain()) take(d);
    const first = !this.stepped && input.startsWith('ClientHello') ? this.firstHello : undefined;
    // A held ChangeCipherSpec may keep the step one grace longer (below).
    const held = flights !== undefined ? GRACE_MS : 0;
    const budgetMs = Math.max(MAX_WAITS * this.waitMs, first?.limitMs ?? 0) + TICK_MS + held;
    if (!this.over && !flood) {
      const datagrams = this.side.input(input);
      const sent = await this.channel.send(datagrams);
      if (!sent && this.channel.hasPeer) this.over = true;
      let deadline = started + this.waitMs;
      let flightEnded = false;
      let heldLonger = false;
      while (!this.over && !flood) {
        const d = await this.next(clock, deadline);
        if (d === undefined) {
          // The peer process ended: nothing more can come, whatever the wait had left (next() read for a grace).
          if (this.exitedAt !== undefined) {
            atExit = true;
            break;
          }
          if (flights?.holding === true && !heldLonger) {
            // A ChangeCipherSpec waits for the record after it (sent with it): a moment longer, once.
            heldLonger = true;
            deadline = clock.now() + GRACE_MS;
            continue;
          }
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
          deadline = Math.min(clock.now() + this.waitMs, started + MAX_WAITS * this.waitMs);
          continue;
        }
        if (this.channel.takeOverflow() > 0) flood = true;
        firstMs ??= clock.now() - started;
        if (take(d)) {
          flightEnded = true;
          deadline = Math.min(deadline, clock.now() + GRACE_MS);
        }
      }
      if (this.channel.closed || (this.peer !== undefined && !this.peer.alive())) this.over = true;
    }
    const shown: string[] = [];
    flights?.release(shown);
    for (const n of shown) if (names.at(-1) !== n) names.push(n);
    this.stepped = true;
    if (flood) this.over = true; // a flooding peer's session is not read again
    const output = flood ? FLOOD : names.length > 0 ? names.join('+') : this.over ? CLOSED : 'timeout';
    const hidden = (flights?.hidden ?? 0) - hiddenBefore;
    const clockMs = clock.now() - started;
    this.onStep?.({ input, output, datagrams, bytes, clockMs, firstMs, budgetMs, hidden, atExit });
    return output;
  }

  /**
   * The next datagram, or undefined once `deadline` (a time of `clock`) passed or the channel ended. It reads in
   * ticks, so that `clock` sees the process's own stalls and does not count them as the peer's time.
   */
  private async next(clock: LoopClock, deadline: number): Promise<Uint8Array | undefined> {
    for (;;) {
      const now = clock.now();
      if (this.exitedAt === undefined && this.peer !== undefined && !this.peer.alive()) this.exitedAt = now;
      // Once the peer process has ended, one grace more: what it sent before is in our socket's queue.
      const end = this.exitedAt === undefined ? deadline : Math.min(deadline, this.exitedAt + GRACE_MS);
      const left = end - now;
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
