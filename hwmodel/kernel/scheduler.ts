import type { PrimitiveChannel } from './channel.js';
import { KernelError, ProcessError } from './errors.js';
import { Pending, SimEvent, type EventHost } from './event.js';
import { EventQueue } from './event-queue.js';
import { type Process, ProcessKind, ProcessState } from './process.js';
import type { SeededRandom } from './random.js';
import type { SimTime } from './time.js';
import { AllOf, AnyOf, TimeoutOr, type Wait } from './wait.js';

/**
 * A generator's stand-in that notes whether it was ever started (a plain
 * object, not a wrapping generator: one per b_transport call, so it should
 * cost next to nothing). `yield*` (and for…of) first asks it for its
 * iterator: that marks it started and hands over the generator itself, so
 * every later step goes straight to the generator with no call through
 * this object. Driving it by hand (`next`, `return`, `throw`) marks it too.
 */
class Consumed<T> implements Generator<Wait, T, void> {
  started = false;
  readonly what: string;
  readonly #g: Generator<Wait, T, void>;

  constructor(g: Generator<Wait, T, void>, what: string) {
    this.#g = g;
    this.what = what;
  }

  next(): IteratorResult<Wait, T> {
    this.started = true;
    return this.#g.next();
  }

  return(value: T): IteratorResult<Wait, T> {
    this.started = true;
    return this.#g.return(value);
  }

  throw(e: unknown): IteratorResult<Wait, T> {
    this.started = true;
    return this.#g.throw(e);
  }

  [Symbol.iterator](): Generator<Wait, T, void> {
    this.started = true;
    return this.#g[Symbol.iterator](); // a generator is its own iterator; a stand-in handed on unwraps itself
  }
}

/** Scheduler phases. */
export const Phase = { idle: 0, evaluate: 1, update: 2, notify: 3 } as const;

/** Called on every process activation, before the body runs. */
export type ActivityHook = (process: string, time: SimTime, delta: number) => void;

const MAX_TIME = Number.MAX_SAFE_INTEGER;

/**
 * Thrown inside a process that kills or resets itself (`kill()`, `reset()`
 * on the running process): unwinds its body (its `finally` blocks run) up
 * to the kernel, which then terminates or restarts it. Not an error.
 */
export class ProcessUnwind {
  readonly reset: boolean;
  constructor(reset: boolean) {
    this.reset = reset;
  }
}

/**
 * The scheduler core behind `Simulator` (IEEE 1666-2011 §4.2.1): the
 * runnable queue, the delta and timed notification queues, event triggering,
 * and the evaluate / update / delta-notification phases. No closure is
 * allocated per event or activation: events carry their own queue slots and
 * processes their own wait state.
 */
export abstract class Scheduler implements EventHost {
  /** Optional tracing hook, called on each process activation. */
  onActivity: ActivityHook | undefined = undefined;

  protected time: SimTime = 0;
  protected deltas = 0;
  protected eventCount = 0;
  protected activationCount = 0;
  protected phase: number = Phase.idle;
  protected stopRequested = false;
  protected current: Process | null = null;
  protected readonly queue = new EventQueue();
  // Queues are arrays reused with explicit lengths: truncating (`length = 0`)
  // would drop their backing stores and cost an allocation per delta cycle.
  protected readonly runQueue: Process[] = [];
  protected runHead = 0;
  protected runTail = 0;
  protected liveAsync = 0;
  /** Before the first run (elaboration): an immediate notification is SystemC's E521. */
  protected elaborating = true;
  /**
   * The order of runnable processes within an evaluation phase: null is
   * first-in first-out; a random stream picks uniformly among the processes
   * still to run (IEEE 1666-2011 §4.2.1.2 leaves the order open).
   */
  protected orderRandom: SeededRandom | null = null;
  private deltaEvents: SimEvent[] = [];
  private deltaLen = 0;
  private deltaSpare: SimEvent[] = [];
  private readonly updates: PrimitiveChannel[] = [];
  private updateLen = 0;
  private seqCounter = 0;
  /** Generators handed out by `watchConsumed` in the current activation: `watched[0..watchedLen)` (kept, not truncated: see the queues). */
  private readonly watched: (Consumed<unknown> | undefined)[] = [];
  private watchedLen = 0;

  /** The current simulated time (`sc_time_stamp`). */
  get now(): SimTime {
    return this.time;
  }

  /** `SimEvent.notify`, through {@link EventHost} */
  notifyEvent(ev: SimEvent, delay: SimTime | undefined): void {
    if (ev.host !== this) throw new Error(`${ev.toString()} belongs to another simulator`);
    if (delay === undefined) {
      if (this.phase === Phase.update)
        throw new Error(`${ev.toString()}: immediate notification is not allowed in the update phase`);
      if (this.elaborating)
        throw new KernelError(
          'E521',
          `${ev.toString()}: immediate notification is not allowed during elaboration (before the first run)`,
        );
      if (ev.pending !== Pending.none) this.cancelEvent(ev);
      this.trigger(ev);
      return;
    }
    if (delay === 0) {
      if (ev.pending === Pending.delta) return;
      if (ev.pending === Pending.timed) this.queue.remove(ev);
      ev.pending = Pending.delta;
      ev.deltaSlot = this.deltaLen; // an earlier, cancelled entry of this event in the list goes stale
      this.deltaEvents[this.deltaLen++] = ev;
      return;
    }
    const when = this.time + delay;
    if (!(delay > 0 && when <= MAX_TIME && Number.isInteger(delay))) {
      throw new RangeError(
        `${ev.toString()}: notify delay must be a non-negative integer number of picoseconds with now + delay <= ${MAX_TIME}, got ${String(delay)}`,
      );
    }
    if (ev.pending === Pending.delta) return;
    if (ev.pending === Pending.timed) {
      if (when >= ev.when) return;
      ev.when = when;
      ev.seq = this.seqCounter++;
      this.queue.decreased(ev);
      return;
    }
    ev.pending = Pending.timed;
    ev.when = when;
    ev.seq = this.seqCounter++;
    this.queue.push(ev);
  }

  /** `SimEvent.cancel`, through {@link EventHost} */
  cancelEvent(ev: SimEvent): void {
    if (ev.pending === Pending.timed) this.queue.remove(ev);
    ev.pending = Pending.none; // a delta entry stays in the list and is skipped
  }

  /** @internal `PrimitiveChannel.requestUpdate`; repeated requests in one delta count once. */
  requestUpdate(channel: PrimitiveChannel): void {
    if (this.phase === Phase.update)
      throw new Error(`channel "${channel.name}": request_update is not allowed in the update phase`);
    if (channel.updateRequested) return;
    channel.updateRequested = true;
    this.updates[this.updateLen++] = channel;
  }

  /** Anything for a delta cycle to do at the current time. */
  protected hasDeltaWork(): boolean {
    return this.runHead < this.runTail || this.deltaLen > 0 || this.updateLen > 0;
  }

  /** Fires the timed notifications due now (timed notification phase). */
  private fireTimedNow(): void {
    const queue = this.queue;
    const now = this.time;
    while (queue.size > 0 && queue.peekTime() === now) {
      const ev = queue.pop();
      ev.pending = Pending.none;
      this.trigger(ev);
    }
  }

  /**
   * Advances time to the next timed notification at or before `end` and
   * fires it (timed notification phase). True when the run goes on; false
   * when there is none, or when it was due exactly at `end`: as with
   * `sc_start(t)`, those notifications have then been triggered (their
   * processes are runnable and can no longer be cancelled) but the processes
   * run in the next run.
   */
  protected advance(end: number): boolean {
    if (this.queue.size === 0) return false;
    const t = this.queue.peekTime();
    if (t > end) return false;
    this.time = t;
    this.fireTimedNow();
    return t < end;
  }

  /** Delta cycles at the current time until nothing is runnable (or stop); just one when `once` (`sc_start(SC_ZERO_TIME)`). */
  protected crunch(once = false): void {
    if (!once && !this.hasDeltaWork()) return;
    for (;;) {
      this.phase = Phase.evaluate;
      const ran = this.evaluate();
      this.endDelta(ran);
      if (once || this.stopRequested || this.runHead >= this.runTail) break;
    }
    this.phase = Phase.idle;
  }

  /** Evaluation phase: runs runnable processes until none is left (immediate notifications add more); false when none ran. */
  private evaluate(): boolean {
    const q = this.runQueue;
    let ran = false;
    while (this.runHead < this.runTail) {
      if (this.orderRandom !== null) this.pickRandom();
      const p = q[this.runHead++]!;
      if (p.state === ProcessState.runnable && !p.suspended) {
        ran = true;
        this.runOne(p);
      }
    }
    this.runHead = 0;
    this.runTail = 0;
    return ran;
  }

  /** Random order: swaps a uniformly chosen runnable entry to the head of the run queue. */
  protected pickRandom(): void {
    const n = this.runTail - this.runHead;
    if (n < 2) return;
    const j = this.runHead + this.orderRandom!.int(n);
    const q = this.runQueue;
    const a = q[this.runHead]!;
    q[this.runHead] = q[j]!;
    q[j] = a;
  }

  /**
   * The initialization phase's tail (§4.2.1.1, after every process was made
   * runnable): an update phase and a delta notification phase that do not
   * count as a delta cycle, so updates requested and delta notifications made
   * before the first run take effect before the first evaluation phase.
   */
  protected initialize(): void {
    this.updateAndNotify();
    this.phase = Phase.idle;
  }

  /**
   * Update phase, then delta notification phase. The delta cycle counts
   * (`sc_delta_count`) only when its evaluation phase ran a process, as in
   * the Accellera kernel.
   */
  protected endDelta(ran: boolean): void {
    if (ran && !this.stopRequested) this.deltas++; // a delta cut short by stop() is not counted (as sc_stop)
    this.updateAndNotify();
    this.phase = Phase.evaluate;
  }

  private updateAndNotify(): void {
    this.phase = Phase.update;
    const updates = this.updates;
    const count = this.updateLen;
    for (let i = 0; i < count; i++) {
      const ch = updates[i]!;
      ch.updateRequested = false;
      try {
        ch.update();
      } catch (error) {
        updates.copyWithin(0, i + 1, count);
        this.updateLen = count - i - 1;
        this.phase = Phase.idle;
        throw new ProcessError(ch.name, this.time, this.deltas, error, `update of channel "${ch.name}"`);
      }
    }
    this.updateLen = 0;
    this.phase = Phase.notify;
    const list = this.deltaEvents;
    const n = this.deltaLen;
    if (n > 0) {
      this.deltaEvents = this.deltaSpare;
      this.deltaLen = 0;
      for (let i = 0; i < n; i++) {
        const ev = list[i]!;
        if (ev.pending === Pending.delta && ev.deltaSlot === i) {
          ev.pending = Pending.none;
          this.trigger(ev);
        }
      }
      this.deltaSpare = list;
    }
  }

  /** Makes the processes sensitive to `ev` runnable. */
  private trigger(ev: SimEvent): void {
    this.eventCount++;
    const owner = ev.timeoutOf;
    if (owner !== null) {
      if (owner.state === ProcessState.waitDynamic) {
        owner.timedOut = true;
        this.endWait(owner);
        this.makeRunnable(owner);
      }
      return;
    }
    const statics = ev.staticProcs;
    for (let i = 0; i < statics.length; i++) {
      const p = statics[i]!;
      if (p.state === ProcessState.waitStatic) this.makeRunnable(p);
    }
    const n = ev.waitCount;
    if (n === 0) return;
    ev.waitCount = 0;
    const waiters = ev.waitProcs;
    const ids = ev.waitIds;
    for (let i = 0; i < n; i++) {
      const p = waiters[i]!;
      if (p.waitId !== ids[i] || p.state !== ProcessState.waitDynamic) continue;
      const all = p.allOf;
      if (all !== null) {
        const at = all.indexOf(ev);
        if (at < 0) continue;
        all[at] = all[all.length - 1]!;
        all.pop();
        if (all.length > 0) continue;
      }
      this.endWait(p);
      this.makeRunnable(p);
    }
    ev.compactAt = 16;
  }

  protected makeRunnable(p: Process): void {
    p.state = ProcessState.runnable;
    if (p.suspended) return; // ready to run: queued when resumed
    this.runQueue[this.runTail++] = p;
  }

  /** Ends a dynamic wait: its other registrations go stale, its timeout is cancelled. */
  private endWait(p: Process): void {
    p.waitId++;
    p.allOf = null;
    const t = p.timeoutEvent;
    if (t !== null && t.pending !== Pending.none) this.cancelEvent(t);
  }

  protected terminate(p: Process): void {
    if (p.state === ProcessState.terminated) return;
    if (p.state === ProcessState.waitDynamic) this.endWait(p);
    p.state = ProcessState.terminated;
    p.generator = null;
    p.methodBody = null;
    p.threadBody = null;
    p.asyncBody = null;
    for (const ev of p.staticEvents) {
      const i = ev.staticProcs.indexOf(p);
      if (i >= 0) ev.staticProcs.splice(i, 1);
    }
    if (p.kind === ProcessKind.asyncThread) this.liveAsync--;
    if (p.terminatedEv !== null && this.phase !== Phase.update) this.notifyEvent(p.terminatedEv, undefined);
    this.released(p);
  }

  /** Called once a process has terminated: the simulator forgets it (its name may be used again). */
  protected abstract released(p: Process): void;

  protected activate(p: Process): void {
    this.current = p;
    p.state = ProcessState.running;
    this.activationCount++;
    if (this.onActivity !== undefined) this.onActivity(p.name, this.time, this.deltas);
  }

  /** Runs a method or generator thread for one activation. */
  protected runOne(p: Process): void {
    this.activate(p);
    try {
      this.step(p);
      if (this.watchedLen > 0) this.checkConsumed();
    } catch (error) {
      this.watchedLen = 0;
      this.current = null;
      this.terminate(p);
      throw new ProcessError(p.name, this.time, this.deltas, error);
    }
    this.current = null;
  }

  /**
   * One activation's body. A process that kills itself unwinds to here and
   * terminates; a thread that resets itself unwinds and runs again from the
   * top, in the same activation (as SystemC's throw_reset on the running
   * process).
   */
  private step(p: Process): void {
    for (;;) {
      try {
        if (p.kind === ProcessKind.method) {
          p.nextTriggerSet = false;
          p.methodBody!();
          if (p.nextTriggerSet) {
            const w = p.nextTriggerWait;
            p.nextTriggerWait = undefined;
            this.arm(p, w);
          } else {
            p.state = ProcessState.waitStatic;
          }
        } else {
          const g = (p.generator ??= p.threadBody!());
          const r = g.next();
          if (r.done === true) this.terminate(p);
          else this.arm(p, r.value);
        }
        return;
      } catch (error) {
        if (!(error instanceof ProcessUnwind)) throw error;
        if (!error.reset || p.kind === ProcessKind.method) {
          this.terminate(p);
          return;
        }
        p.generator = null;
      }
    }
  }

  /**
   * Process control on another process from the running one (IEEE
   * 1666-2011 §5.6.6): `kill` terminates it now (a thread's generator is
   * returned, so its `finally` blocks run) and notifies its terminated
   * event; `reset` abandons its wait and runs it from the top now, until its
   * first wait (a method: its body once, dynamic sensitivity dropped), and
   * the caller continues afterwards, in the same evaluation phase (as the
   * Accellera kernel's preempt_with). From outside any process between runs
   * a kill terminates the process without running it.
   */
  protected control(p: Process, action: 'kill' | 'reset'): void {
    if (p.state === ProcessState.terminated) return;
    if (p.kind === ProcessKind.asyncThread)
      throw new Error(`${p.toString()}: kill and reset are for method and generator thread processes`);
    const caller = this.current;
    if (caller === p) throw new ProcessUnwind(action === 'reset');
    if (caller === null) {
      if (this.elaborating && action === 'kill')
        throw new KernelError('E572', `${p.toString()}: a process may not be killed before it is initialized`);
      if (action === 'reset')
        throw new KernelError(
          'E573',
          `${p.toString()}: a process may not be asynchronously reset while the simulation is not running`,
        );
      this.unwind(p);
      this.terminate(p);
      return;
    }
    const watched = this.watchedLen;
    try {
      this.unwind(p);
      if (action === 'kill') {
        this.terminate(p);
        return;
      }
      if (p.state === ProcessState.waitDynamic) this.endWait(p);
      p.nextTriggerWait = undefined;
      this.activate(p);
      this.step(p);
    } catch (error) {
      this.terminate(p);
      throw new ProcessError(p.name, this.time, this.deltas, error);
    } finally {
      this.watchedLen = watched;
      this.current = caller;
    }
  }

  /** Returns a thread's generator (its `finally` blocks run), leaving it to start again or be terminated. */
  private unwind(p: Process): void {
    const g = p.generator;
    p.generator = null;
    if (g === null) return;
    const caller = this.current;
    this.current = p;
    try {
      g.return(undefined);
    } finally {
      this.current = caller;
    }
  }

  /**
   * `suspend()` (§5.6.6.1): the process runs no more until resumed; a
   * trigger meanwhile (or its being runnable now) makes it ready to run,
   * and resuming it then makes it runnable at once. `resume()` of a process
   * that is not suspended does nothing. A thread cannot suspend itself here
   * (a generator cannot block inside a call).
   */
  protected setSuspended(p: Process, suspended: boolean): void {
    if (p.state === ProcessState.terminated || p.suspended === suspended) return;
    if (suspended && this.current === p)
      throw new Error(`${p.toString()} cannot suspend itself (suspend it from another process)`);
    p.suspended = suspended;
    if (!suspended && p.state === ProcessState.runnable) this.runQueue[this.runTail++] = p;
  }

  /**
   * @internal Wraps a generator a process must run with `yield*` (a
   * b_transport body): when the activation that got it ends without having
   * started it (called without `yield*`, so it would silently do nothing),
   * the process fails with an error naming `what`.
   */
  watchConsumed<T>(g: Generator<Wait, T, void>, what: string): Generator<Wait, T, void> {
    if (this.current === null) return g; // outside a process: whoever runs it is not known
    const c = new Consumed(g, what);
    this.watched[this.watchedLen++] = c;
    return c;
  }

  /** @internal */
  protected watchedPending(): boolean {
    return this.watchedLen > 0;
  }

  /** @internal Throws when a watched generator of this activation was never started. */
  protected checkConsumed(): void {
    let lost: Consumed<unknown> | undefined;
    for (let i = 0; i < this.watchedLen; i++) {
      const w = this.watched[i];
      this.watched[i] = undefined; // let the generator go
      if (lost === undefined && w !== undefined && !w.started) lost = w;
    }
    this.watchedLen = 0;
    if (lost !== undefined)
      throw new Error(
        `${lost.what} returned a generator that was never run: call it as yield* ${lost.what}(...) from a thread`,
      );
  }

  /** Puts `p` into the wait `w` (a thread's yield, a method's nextTrigger, an async k.wait). */
  protected arm(p: Process, w: Wait): void {
    p.timedOut = false;
    if (w === undefined) {
      // A thread with no static sensitivity waits for ever, as in SystemC 2.3.4 (no error report; cocheck wait-no-sensitivity.scn).
      p.state = ProcessState.waitStatic;
      return;
    }
    if (typeof w === 'number') {
      this.armTimeout(p, w);
    } else if (w instanceof SimEvent) {
      this.addWaiter(w, p);
    } else if (w instanceof AnyOf) {
      for (const ev of w.events) this.addWaiter(ev, p);
    } else if (w instanceof AllOf) {
      for (const ev of w.events) this.addWaiter(ev, p);
      p.allOf = w.events.slice();
    } else if (w instanceof TimeoutOr) {
      const target = w.target;
      if (target instanceof SimEvent) {
        this.addWaiter(target, p);
      } else {
        for (const ev of target.events) this.addWaiter(ev, p);
        if (target instanceof AllOf) p.allOf = target.events.slice();
      }
      this.armTimeout(p, w.delay);
    } else {
      throw new TypeError(
        `${p.toString()} waited on ${String(w)}, which is not a time, event, anyOf, allOf or timeoutOr`,
      );
    }
    p.state = ProcessState.waitDynamic;
  }

  private armTimeout(p: Process, delay: SimTime): void {
    if (!Number.isSafeInteger(delay) || delay < 0) {
      throw new RangeError(
        `${p.toString()}: wait time must be a non-negative integer number of picoseconds, got ${String(delay)}`,
      );
    }
    let ev = p.timeoutEvent;
    if (ev === null) {
      ev = new SimEvent(this, `${p.name}.timeout`);
      ev.timeoutOf = p;
      p.timeoutEvent = ev;
    }
    this.notifyEvent(ev, delay);
  }

  private addWaiter(ev: SimEvent, p: Process): void {
    if (ev.host !== this) throw new Error(`${p.toString()} waited on ${ev.toString()} of another simulator`);
    const procs = ev.waitProcs;
    const ids = ev.waitIds;
    let count = ev.waitCount;
    if (count >= ev.compactAt) {
      // Sweep entries of waits that ended elsewhere (e.g. a timeoutOr that kept timing out).
      let k = 0;
      for (let i = 0; i < count; i++) {
        const q = procs[i]!;
        if (q.waitId === ids[i] && q.state === ProcessState.waitDynamic) {
          procs[k] = q;
          ids[k] = ids[i]!;
          k++;
        }
      }
      count = k;
      ev.compactAt = Math.max(16, 2 * k);
    }
    procs[count] = p;
    ids[count] = p.waitId;
    ev.waitCount = count + 1;
  }
}
