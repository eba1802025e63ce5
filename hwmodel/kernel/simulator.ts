import { ConfigError } from './config-error.js';
import { Signal, type WriterPolicy } from './channel.js';
import { ProcessError } from './errors.js';
import { SimEvent } from './event.js';
import {
  Process,
  ProcessKind,
  ProcessState,
  type AsyncThreadBody,
  type MethodBody,
  type ProcessOptions,
  type ThreadBody,
  type ThreadContext,
} from './process.js';
import { SeededRandom } from './random.js';
import { Phase, Scheduler } from './scheduler.js';
import { checkTime, type SimTime } from './time.js';
import type { Wait } from './wait.js';

/** Options for `new Simulator()`. */
export interface SimulatorOptions {
  /** Seed of `sim.random` (any safe integer; default 1). */
  readonly seed?: number;
  /**
   * The order processes runnable in one evaluation phase run in: `fifo`
   * (default: the order they became runnable) or `random` (each pick uniform
   * among those left, from a stream seeded by `orderSeed`), for finding
   * results that depend on an order IEEE 1666-2011 §4.2.1.2 leaves open.
   */
  readonly order?: 'fifo' | 'random';
  /** Seed of the random order (any safe integer; default: `seed`). */
  readonly orderSeed?: number;
}

/** Counters since the simulator was created. */
export interface SimStats {
  /** Event notifications that fired (immediate, delta and timed, including waits on time). */
  readonly eventsProcessed: number;
  /** Times a process body was run or resumed. */
  readonly processActivations: number;
  /** Delta cycles completed (`sc_delta_count`). */
  readonly deltaCycles: number;
}

/**
 * A discrete-event simulation kernel with the scheduling semantics of
 * SystemC (IEEE 1666-2011 §4.2): an evaluation phase runs every runnable
 * process; an update phase applies primitive channels' requested updates; a
 * delta notification phase fires delta notifications, which starts another
 * delta cycle at the same time; when nothing is runnable, time advances to
 * the earliest timed notification, which fires (timed notification phase).
 *
 * Ordering of simultaneous activity (deterministic, the same on every run):
 * runnable processes run first-in first-out, in the order they became
 * runnable. Processes created before `run` start in creation order. When an
 * event fires, the processes statically sensitive to it become runnable in
 * the order they were made sensitive, then the processes waiting on it in
 * the order they began waiting. Delta notifications fire in the order they
 * were made (one cancelled and made again: by the later call); timed notifications due at the same instant in the order they
 * were made (for one replaced under the override rule, the replacing call).
 * A running process is not triggered by its own immediate notification.
 */
export class Simulator extends Scheduler {
  /** The simulation's seeded random source; `fork(name)` per module. */
  readonly random: SeededRandom;

  private running = false;
  private asyncRun = false;
  private stoppedFlag = false;
  private initialized = false;
  /** Live processes by name; a process leaves when it terminates, so long runs that spawn threads hold only the live ones. */
  private readonly processes = new Map<string, Process>();
  private created = 0;
  private strayFailure: ProcessError | null = null;
  private readonly makeEvent = (name: string): SimEvent => new SimEvent(this, name);

  constructor(options: SimulatorOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
    this.random = new SeededRandom(options.seed ?? 1);
    const order = options.order ?? 'fifo';
    if (order !== 'fifo' && order !== 'random')
      throw new ConfigError('order', `must be 'fifo' or 'random', got ${String(order)}`);
    if (order === 'random')
      this.orderRandom = new SeededRandom(options.orderSeed ?? options.seed ?? 1).fork('runnable-order');
  }

  /** The runnable order in force (see `SimulatorOptions.order`). */
  get order(): 'fifo' | 'random' {
    return this.orderRandom === null ? 'fifo' : 'random';
  }

  /**
   * Kills `p` (`sc_process_handle::kill`): from another process it is
   * terminated at once (its terminated event notified) and the caller goes
   * on; a process killing itself ends there. Before the first run: SystemC's
   * E572 (KernelError).
   */
  kill(p: Process): void {
    this.control(p, 'kill');
  }

  /**
   * Resets `p` asynchronously (`sc_process_handle::reset`): it abandons its
   * wait and runs from the top now, until its first wait, before the caller
   * goes on; a thread resetting itself starts again. Outside a run:
   * SystemC's E573 (KernelError).
   */
  reset(p: Process): void {
    this.control(p, 'reset');
  }

  /** Suspends `p` (`sc_process_handle::suspend`); see `resume`. */
  suspend(p: Process): void {
    this.setSuspended(p, true);
  }

  /** Resumes `p`: if it was triggered while suspended it becomes runnable now. */
  resume(p: Process): void {
    this.setSuspended(p, false);
  }

  /** Delta cycles completed so far (`sc_delta_count`). */
  get deltaCount(): number {
    return this.deltas;
  }

  /** A snapshot of the counters. */
  get stats(): SimStats {
    return { eventsProcessed: this.eventCount, processActivations: this.activationCount, deltaCycles: this.deltas };
  }

  /** True after `stop()` took effect; the simulation cannot run again (as after `sc_stop`). */
  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /** The process being run, if any (`sc_get_current_process_handle`). */
  get currentProcess(): Process | undefined {
    return this.current ?? undefined;
  }

  /** The time of the earliest pending timed notification, if any. */
  get nextEventTime(): SimTime | undefined {
    return this.queue.size > 0 ? this.queue.peekTime() : undefined;
  }

  /** Something is runnable, a delta notification or update is pending, or a timed notification is queued. */
  get hasPendingActivity(): boolean {
    return this.hasDeltaWork() || this.queue.size > 0;
  }

  /** A live process by name; a terminated one is forgotten (its name may be used again, its body is released). */
  process(name: string): Process | undefined {
    return this.processes.get(name);
  }

  /** A new event (`sc_event`); the name is for traces and errors. */
  event(name: string): SimEvent {
    return new SimEvent(this, name);
  }

  /** A new signal channel holding `initial` (`sc_signal<T, writerPolicy>`; default one writer). */
  signal<T>(name: string, initial: T, writerPolicy: WriterPolicy = 'one'): Signal<T> {
    if (writerPolicy !== 'one' && writerPolicy !== 'many')
      throw new ConfigError('writerPolicy', `must be 'one' or 'many', got ${String(writerPolicy)}`);
    return new Signal<T>(this, name, initial, writerPolicy);
  }

  /** A method process (`SC_METHOD`): `body` runs to completion on each trigger; `nextTrigger` inside. */
  method(name: string, body: MethodBody, options: ProcessOptions = {}): Process {
    return this.spawn(name, ProcessKind.method, body, options);
  }

  /** A thread process (`SC_THREAD`) as a generator: each `yield` is a `wait(...)`. */
  thread(name: string, body: ThreadBody, options: ProcessOptions = {}): Process {
    return this.spawn(name, ProcessKind.thread, body, options);
  }

  /** A thread process as an async function awaiting `k.wait(...)`; drive the simulation with `runAsync`. */
  asyncThread(name: string, body: AsyncThreadBody, options: ProcessOptions = {}): Process {
    if (this.running && !this.asyncRun)
      throw new Error(`asyncThread "${name}" created during a synchronous run(); use await sim.runAsync()`);
    const p = this.spawn(name, ProcessKind.asyncThread, body, options);
    this.liveAsync++;
    return p;
  }

  /**
   * In a method process: its sensitivity for the next activation
   * (`next_trigger`). The last call in an activation wins; no argument
   * restores the static sensitivity.
   */
  nextTrigger(w?: Wait): void {
    const p = this.current;
    if (p === null || p.kind !== ProcessKind.method)
      throw new Error('nextTrigger() may only be called from a method process');
    p.nextTriggerSet = true;
    p.nextTriggerWait = w;
  }

  /** In a process: whether its last wait ended by the timeout of a `timeoutOr` (`timed_out`). */
  timedOut(): boolean {
    const p = this.current;
    if (p === null) throw new Error('timedOut() may only be called from a process');
    return p.timedOut;
  }

  /** `sc_stop`: the run ends after the current delta cycle; the simulation cannot run again. */
  stop(): void {
    this.stopRequested = true;
    if (!this.running) this.stoppedFlag = true;
  }

  /**
   * Runs synchronously until nothing is pending (no `duration`), or over
   * `[now, now + duration)`, as `sc_start`: timed notifications due exactly
   * at `now + duration` are triggered (no longer cancellable) but the
   * processes they make runnable run in the next run, and `now` ends at
   * `now + duration`. `run(0)` runs exactly one delta cycle
   * (`sc_start(SC_ZERO_TIME)`). The first run starts with the initialization
   * phase: updates and delta notifications made before it take effect
   * before the first evaluation phase. Ends early on `stop()`. Throws if an
   * async thread is alive (use `runAsync`), and `ProcessError` if a process throws.
   */
  run(duration?: SimTime): void {
    const end = this.begin('run', duration);
    if (this.liveAsync > 0) {
      const names = [...this.processes.values()]
        .filter((p) => p.kind === ProcessKind.asyncThread && !p.terminated)
        .map((p) => `"${p.name}"`);
      throw new Error(`sim.run() cannot drive async threads (${names.join(', ')}); use await sim.runAsync()`);
    }
    this.running = true;
    try {
      this.start();
      if (duration === 0) {
        this.crunch(true);
      } else {
        for (;;) {
          this.crunch();
          if (this.stopRequested || !this.advance(end)) break;
        }
      }
      this.finish(duration, end);
    } finally {
      this.running = false;
      this.phase = Phase.idle;
    }
  }

  /** As `run`, also driving async threads (each step of one is awaited). */
  async runAsync(duration?: SimTime): Promise<void> {
    const end = this.begin('runAsync', duration);
    this.running = true;
    this.asyncRun = true;
    try {
      this.start();
      if (duration === 0) {
        await this.crunchAsync(true);
      } else {
        for (;;) {
          await this.crunchAsync();
          if (this.stopRequested || !this.advance(end)) break;
        }
      }
      this.finish(duration, end);
    } finally {
      this.running = false;
      this.asyncRun = false;
      this.phase = Phase.idle;
    }
  }

  protected released(p: Process): void {
    if (this.processes.get(p.name) === p) this.processes.delete(p.name);
  }

  private spawn(
    name: string,
    kind: ProcessKind,
    body: MethodBody | ThreadBody | AsyncThreadBody,
    options: ProcessOptions,
  ): Process {
    if (typeof name !== 'string' || name.length === 0)
      throw new ConfigError('name', `a ${kind} process needs a non-empty name`);
    if (this.processes.has(name)) throw new ConfigError('name', `a process named "${name}" already exists`);
    if (typeof body !== 'function') throw new ConfigError('body', `${kind} "${name}" needs a function body`);
    const sensitive = options.sensitive ?? [];
    for (const ev of sensitive) {
      if (!(ev instanceof SimEvent) || ev.host !== this)
        throw new ConfigError('sensitive', `${kind} "${name}": ${String(ev)} is not an event of this simulator`);
    }
    const events = [...new Set(sensitive)];
    const p = new Process(this.created++, name, kind, body, events, this.makeEvent);
    this.processes.set(name, p);
    for (const ev of events) ev.staticProcs.push(p);
    if (options.dontInitialize === true) {
      p.state = kind === ProcessKind.method || events.length > 0 ? ProcessState.waitStatic : ProcessState.idle;
    } else {
      this.makeRunnable(p);
    }
    return p;
  }

  private begin(what: string, duration: SimTime | undefined): number {
    if (this.running) throw new Error(`sim.${what}() called while the simulation is running (from inside a process?)`);
    if (this.stoppedFlag) throw new Error(`sim.${what}(): the simulation was stopped (sc_stop) and cannot run again`);
    if (duration === undefined) return Number.POSITIVE_INFINITY;
    checkTime(duration, `sim.${what}() duration`);
    return checkTime(this.time + duration, `sim.${what}() end time (now + duration)`);
  }

  private finish(duration: SimTime | undefined, end: number): void {
    if (this.stopRequested) this.stoppedFlag = true;
    else if (duration !== undefined) this.time = end;
  }

  /** The first run begins with the rest of the initialization phase. */
  private start(): void {
    if (this.initialized) return;
    this.initialized = true;
    this.elaborating = false;
    this.initialize();
  }

  private async crunchAsync(once = false): Promise<void> {
    if (!once && !this.hasDeltaWork()) return;
    for (;;) {
      this.phase = Phase.evaluate;
      const q = this.runQueue;
      let ran = false;
      while (this.runHead < this.runTail) {
        if (this.orderRandom !== null) this.pickRandom();
        const p = q[this.runHead++]!;
        if (p.state !== ProcessState.runnable || p.suspended) continue;
        ran = true;
        if (p.kind === ProcessKind.asyncThread) await this.runAsyncProcess(p);
        else this.runOne(p);
      }
      this.runHead = 0;
      this.runTail = 0;
      this.endDelta(ran);
      if (once || this.stopRequested || this.runHead >= this.runTail) break;
    }
    this.phase = Phase.idle;
  }

  /** Runs an async thread until it awaits its next `k.wait` or settles. */
  private async runAsyncProcess(p: Process): Promise<void> {
    this.activate(p);
    const handedBack = new Promise<void>((resolve) => {
      p.yieldToKernel = resolve;
    });
    if (!p.started) {
      p.started = true;
      let body: Promise<void>;
      try {
        body = Promise.resolve(p.asyncBody!(this.context(p)));
      } catch (error) {
        body = Promise.reject(error);
      }
      body.then(
        () => this.asyncSettled(p, null),
        (error: unknown) => this.asyncSettled(p, { error }),
      );
    } else {
      const resume = p.resume!;
      p.resume = null;
      resume();
    }
    await handedBack;
    this.current = null;
    if (p.failure === null && this.watchedPending()) {
      try {
        this.checkConsumed();
      } catch (error) {
        this.terminate(p);
        throw new ProcessError(p.name, this.time, this.deltas, error);
      }
    }
    if (p.failure !== null) {
      const { error } = p.failure;
      p.failure = null;
      throw new ProcessError(p.name, this.time, this.deltas, error);
    }
    const stray = this.strayFailure;
    if (stray !== null) {
      this.strayFailure = null;
      throw stray;
    }
  }

  private asyncSettled(p: Process, failure: { error: unknown } | null): void {
    if (p.state === ProcessState.terminated && p.yieldToKernel === null) return; // already failed and reported
    this.terminate(p);
    const back = p.yieldToKernel;
    p.yieldToKernel = null;
    if (back !== null) {
      p.failure = failure;
      back();
    } else if (failure !== null) {
      this.strayFailure ??= new ProcessError(p.name, this.time, this.deltas, failure.error);
    }
  }

  private context(p: Process): ThreadContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the thread context's methods are called with their own `this`
    const sim = this;
    return {
      name: p.name,
      wait(w?: Wait): Promise<void> {
        if (sim.current !== p || p.state !== ProcessState.running || p.yieldToKernel === null) {
          const error = new Error(
            `asyncThread "${p.name}": k.wait() called while the process is not running (await each wait before the next)`,
          );
          if (p.state !== ProcessState.terminated) {
            // Fail the process now, so the kernel reports it at once rather than waiting on a wait that never resumes.
            sim.strayFailure ??= new ProcessError(p.name, sim.time, sim.deltas, error);
            sim.terminate(p);
          }
          return Promise.reject(error);
        }
        sim.arm(p, w);
        return new Promise<void>((resolve) => {
          p.resume = resolve;
          const back = p.yieldToKernel!;
          p.yieldToKernel = null;
          back();
        });
      },
      timedOut: () => p.timedOut,
      get now(): SimTime {
        return sim.now;
      },
    };
  }
}
