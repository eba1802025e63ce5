/**
 * When a session's `opened` resolves, and what `send` callbacks wait for meanwhile. A 1.3 server may still refuse the
 * client's certificate after its Finished, so a 1.3 client opens at `handshakeConfirmed`, then waits a moment for the
 * first ticket (node:dtls's resumption example reads it once `opened` resolves).
 */
import { SessionStateError } from './errors.js';

/** A client's wait for the first ticket before `opened` resolves: as long as the handshake took, within these bounds (ms). */
const TICKET_WAIT_MIN_MS = 50;
const TICKET_WAIT_MAX_MS = 2000;

/** What the opening asks of its session's driver (session-driver.ts) about the records a send sealed. */
export interface SentRecords {
  /** Calls `waiter` once the datagrams carrying the records sealed so far have left: with the socket's refusal, if any. */
  whenWritten(waiter: (refused: Error | undefined) => void): void;
  /** What a send whose record the socket wrote reports: the error the session ended with since (destroy's, a socket's), if any. */
  readonly sentFailure: Error | undefined;
}

type SendCallback = (error: Error | null) => void;

/** One session's way to `opened`: `handshake`, `confirming` (the server's confirmation due), `ticket`, `open`. */
export class SessionOpening {
  private stage: 'handshake' | 'confirming' | 'ticket' | 'open' = 'handshake';
  private ticketTimer: NodeJS.Timeout | undefined;
  /** The connection holds what `send` is given (a confirmation is due: the handshake's, or a post-handshake certificate's). */
  private holding = false;
  /** Callbacks of sends the connection held, in order. */
  private held: SendCallback[] | undefined;
  private readonly records: SentRecords;

  /** The opening of the session whose driver is `records`. */
  constructor(records: SentRecords) {
    this.records = records;
  }

  /** The handshake is complete but not yet confirmed: messages wait, `opened` is pending. */
  get confirming(): boolean {
    return this.stage === 'confirming';
  }

  /** Confirmed and waiting for the first ticket: a message (or the ticket) ends the wait. */
  get waitingForTicket(): boolean {
    return this.stage === 'ticket';
  }

  /** A 1.3 client's handshake completed: `opened` waits for `handshakeConfirmed`, sends are held until then. */
  awaitConfirmation(): void {
    this.stage = 'confirming';
    this.holding = true;
  }

  /**
   * The server confirmed the handshake: `open` (resolves `opened`, calls `onhandshake`) now, or with `waitForTicket`
   * after the first ticket (a bounded wait; the session opens at once if the ticket comes first).
   */
  confirmed(waitForTicket: boolean, startedAt: number, open: () => void): void {
    const tookMs = Date.now() - startedAt;
    this.release();
    if (this.stage !== 'confirming') return;
    if (!waitForTicket) return open();
    this.stage = 'ticket';
    this.ticketTimer = setTimeout(open, Math.min(TICKET_WAIT_MAX_MS, Math.max(TICKET_WAIT_MIN_MS, tookMs)));
  }

  /** `opened` resolved (or is about to): the ticket wait is over. */
  opened(): void {
    if (this.ticketTimer) clearTimeout(this.ticketTimer);
    this.ticketTimer = undefined;
    this.stage = 'open';
  }

  /** The server asked for our certificate after the handshake: the connection holds sends until it accepted our answer. */
  certificateRequested(): void {
    this.holding = true;
  }

  /** What the connection held went out (confirmation came): their callbacks hear once the socket wrote them. */
  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) for (const callback of held) this.afterFlush(callback);
  }

  /** `send`'s callback: once the socket wrote the record, or, when the connection holds it, once it went out or the session ended. */
  whenSent(callback: SendCallback): void {
    if (this.holding) (this.held ??= []).push(callback);
    else this.afterFlush(callback);
  }

  /** The session ended: held sends never went out; their callbacks get the error `error()` makes (or say so). */
  ended(error: (() => Error) | undefined): void {
    if (this.ticketTimer) clearTimeout(this.ticketTimer);
    this.ticketTimer = undefined;
    const held = this.held;
    this.held = undefined;
    this.holding = false;
    if (held === undefined) return;
    const reason =
      error?.() ??
      new SessionStateError('send: the session ended before the server confirmed it, and the message was not sent');
    // Each in a microtask of its own: the session's teardown calls this, and what an application callback throws must
    // not cut it short (the listener would keep the session, `closed` would never settle).
    for (const callback of held) queueMicrotask(() => callback(reason));
  }

  private afterFlush(callback: SendCallback): void {
    const records = this.records;
    records.whenWritten((refused) => callback(refused ?? records.sentFailure ?? null));
  }
}
