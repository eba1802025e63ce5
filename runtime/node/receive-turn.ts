/**
 * A receive turn: one recvmmsg read of a socket (its GRO runs included) delivered as one unit. The sessions it reaches
 * read the clock once for all of it and do their end-of-datagram work (sends, the timer, events other than data) once,
 * when the turn ends (runtime/api/session-driver.ts); a datagram delivered outside a turn does it at once.
 */
import { performance } from 'node:perf_hooks';

/** What waits for the turn's end: a session whose datagrams this turn left its sends and timer to be done. */
export interface TurnSettler {
  settleTurn(): void;
}

interface Turn {
  /** The turn's clock reading (NaN: not read yet). */
  now: number;
  readonly waiting: TurnSettler[];
}

/** The turn being delivered (undefined: none); its object reused for the next unless a turn is read inside another. */
let current: Turn | undefined;
let idle: Turn | undefined = { now: Number.NaN, waiting: [] };

/** Starts a turn; hand what it returns to {@link endReceiveTurn} (a turn inside another keeps its own). */
export function beginReceiveTurn(): Turn | undefined {
  const outer = current;
  const turn = idle ?? { now: Number.NaN, waiting: [] };
  idle = undefined;
  turn.now = Number.NaN;
  current = turn;
  return outer;
}

/**
 * The turn ends: each session that waits settles, in the order its first datagram came; `outer` goes on. A settler's
 * exception does not keep the others from settling: the first is thrown once all have.
 */
export function endReceiveTurn(outer: Turn | undefined): void {
  const turn = current!;
  const waiting = turn.waiting;
  let thrown: { readonly error: unknown } | undefined;
  // By index: a settler may deliver again (a nested turn has its own list, but a datagram outside one adds nothing).
  for (let i = 0; i < waiting.length; i++) {
    try {
      waiting[i]!.settleTurn();
    } catch (error) {
      thrown ??= { error };
    }
  }
  waiting.length = 0;
  current = outer;
  idle ??= turn;
  if (thrown !== undefined) throw thrown.error;
}

/** The turn's clock, read at its first call (the sessions' clock: `performance.now()`); undefined outside a turn. */
export function receiveTurnNow(): number | undefined {
  const turn = current;
  if (turn === undefined) return undefined;
  if (turn.now !== turn.now) turn.now = performance.now(); // NaN: not read yet
  return turn.now;
}

/** A later reading the turn goes on with (a session that had to read the clock itself): never backwards. */
export function advanceReceiveTurn(now: number): void {
  if (current !== undefined && now > current.now) current.now = now;
}

/** `settler` settles when the turn ends (once per turn: the caller keeps track); false outside a turn. */
export function settleAtTurnEnd(settler: TurnSettler): boolean {
  const turn = current;
  if (turn === undefined) return false;
  turn.waiting.push(settler);
  return true;
}
