import { SimEvent } from './event.js';
import { checkTime, type SimTime } from './time.js';

/** Wait until any one of the events is notified (`wait(e1 | e2)`). */
export class AnyOf {
  readonly events: readonly SimEvent[];
  /** @internal use `anyOf(...)` */
  constructor(events: readonly SimEvent[]) {
    this.events = events;
  }
}

/** Wait until every one of the events has been notified, in any order (`wait(e1 & e2)`). */
export class AllOf {
  readonly events: readonly SimEvent[];
  /** @internal use `allOf(...)` */
  constructor(events: readonly SimEvent[]) {
    this.events = events;
  }
}

/**
 * Wait for `target` but at most `delay` (`wait(t, e)`); afterwards
 * `sim.timedOut()` tells which happened (`timed_out()`).
 */
export class TimeoutOr {
  readonly delay: SimTime;
  readonly target: SimEvent | AnyOf | AllOf;
  /** @internal use `timeoutOr(...)` */
  constructor(delay: SimTime, target: SimEvent | AnyOf | AllOf) {
    this.delay = delay;
    this.target = target;
  }
}

/**
 * What a thread yields (or `k.wait()` / `sim.nextTrigger()` take), SystemC's
 * `wait(...)` forms: a `SimTime` (`0` waits one delta cycle, `wait(SC_ZERO_TIME)`),
 * an event, `anyOf`, `allOf`, `timeoutOr`, or `undefined` to wait on the
 * process's static sensitivity (`wait()`).
 */
export type Wait = SimTime | SimEvent | AnyOf | AllOf | TimeoutOr | undefined;

function eventList(what: string, events: readonly SimEvent[]): readonly SimEvent[] {
  if (events.length === 0) throw new TypeError(`${what}() needs at least one event`);
  const out: SimEvent[] = [];
  for (const ev of events) {
    if (!(ev instanceof SimEvent)) throw new TypeError(`${what}() takes events, got ${String(ev)}`);
    if (!out.includes(ev)) out.push(ev);
  }
  return out;
}

/** Any one of `events` (`e1 | e2 | ...`). */
export function anyOf(...events: SimEvent[]): AnyOf {
  return new AnyOf(eventList('anyOf', events));
}

/** All of `events` (`e1 & e2 & ...`); a repeated event counts once. */
export function allOf(...events: SimEvent[]): AllOf {
  return new AllOf(eventList('allOf', events));
}

/** `target`, or `delay` picoseconds, whichever comes first (`wait(t, e)`). RangeError for a bad delay. */
export function timeoutOr(delay: SimTime, target: SimEvent | AnyOf | AllOf): TimeoutOr {
  checkTime(delay, 'timeoutOr delay');
  if (!(target instanceof SimEvent || target instanceof AnyOf || target instanceof AllOf)) {
    throw new TypeError(`timeoutOr() waits for an event, anyOf or allOf, got ${String(target)}`);
  }
  return new TimeoutOr(delay, target);
}
