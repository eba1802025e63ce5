import type { Process, SimTime, Simulator, Wait } from '../kernel/index.js';
import { ResourcePool } from '../timing/index.js';
import type { ModuleActivity } from '../trace/index.js';

/**
 * A module's compute resource: `count` lanes served first come, first
 * served. A request of `service` ps starts when a lane is free and the
 * calling thread waits until it finishes; busy and queued time go to the
 * activity monitor (utilization, queue depth, VCD) and its counters
 * (`requests`, `waitPs`, `servicePs`, `admissionWaitPs`: the per-module
 * wait/service breakdown). With `maxWaiting`, at most that many requests
 * wait: a caller arriving at a full queue waits until one of them starts
 * before its request is accepted (back-pressure). On the software platform
 * every module shares one `Lanes`: the CPU.
 */
export class Lanes {
  readonly name: string;
  readonly count: number;
  /** Requests that may wait at once (undefined: no limit). */
  readonly maxWaiting: number | undefined;
  private readonly pool: ResourcePool;
  private readonly activity: ModuleActivity | undefined;
  #tickets = 0;
  #admitted = 0;
  /**
   * Processes whose requests add up instead of queueing (see {@link hold}),
   * with what they added so far; NaN for one that held before and holds no
   * longer (kept rather than deleted: a map shrinking and growing again on
   * every call made a new table each time).
   */
  readonly #held = new Map<Process, SimTime>();
  /** Processes holding now. */
  #holding = 0;
  /** The lane the last `reserve` booked (0-based). */
  #lastLane = 0;

  constructor(name: string, count: number, activity?: ModuleActivity, maxWaiting?: number) {
    this.name = name;
    this.count = count;
    this.maxWaiting = maxWaiting;
    this.pool = new ResourcePool(name, count);
    this.activity = activity;
  }

  /** Books a lane for `service` ps from the first free instant at or after now; returns when it finishes (for non-blocking transport). */
  reserve(sim: Simulator, service: SimTime): SimTime {
    if (service <= 0) return sim.now;
    const grant = this.pool.book(sim.now, service); // read here and not kept
    this.#lastLane = grant.lane;
    const a = this.activity;
    if (a !== undefined) {
      a.keepUp(sim.now);
      a.serve(grant);
      a.countGrant(grant.wait, service);
    }
    return grant.finish;
  }

  /**
   * Waits until the queue accepts a request (back-pressure; at once without
   * `maxWaiting`). Callers are accepted in the order they arrived: one
   * arriving while others are held back counts them as waiting too.
   */
  *admit(sim: Simulator): Generator<Wait, void, void> {
    const max = this.maxWaiting;
    if (max === undefined) return;
    const ticket = this.#tickets++;
    const arrived = sim.now;
    for (;;) {
      const waiting = this.pool.queueDepthAt(sim.now);
      if (waiting + (ticket - this.#admitted) < max) break;
      // Held back: try again when the first waiting request starts.
      yield Math.max(1, this.pool.admitAt(sim.now, Math.max(1, waiting)) - sim.now);
    }
    this.#admitted++;
    if (sim.now > arrived) {
      this.activity?.count('admissionWaitPs', sim.now - arrived);
      this.activity?.count('backPressured');
    }
  }

  /**
   * Run to completion, as an event loop runs one datagram's handler to its
   * end before the next (the software platform's CPU): from now on the
   * calling process's requests add up instead of queueing one by one behind
   * other processes' requests, until {@link flush} books them as one
   * request. False (nothing held) outside a process or when it already holds.
   */
  hold(sim: Simulator): boolean {
    const p = sim.currentProcess;
    if (p === undefined) return false;
    const held = this.#held.get(p);
    if (held !== undefined && !Number.isNaN(held)) return false;
    this.#held.set(p, 0);
    this.#holding++;
    return true;
  }

  /** Ends the calling process's hold: books what it added up as one request and waits for it. */
  *flush(sim: Simulator): Generator<Wait, void, void> {
    const service = this.#release(sim);
    if (service <= 0) return;
    if (this.maxWaiting !== undefined) yield* this.admit(sim);
    const left = this.reserve(sim, service) - sim.now;
    if (left > 0) yield left;
  }

  /**
   * `flush` without a generator (see {@link book}): ends the hold and books
   * what it added up at once when no admission applies, returning how long
   * the caller then waits; -1, the hold still on, when the queue has a
   * limit: the caller goes through `flush`.
   */
  flushNow(sim: Simulator): SimTime {
    if (this.maxWaiting !== undefined) return -1;
    const service = this.#release(sim);
    return service <= 0 ? 0 : this.reserve(sim, service) - sim.now;
  }

  /** The calling process is done with these lanes (its last call was flushed): its entry goes. */
  forget(sim: Simulator): void {
    const p = sim.currentProcess;
    if (p === undefined) return;
    const held = this.#held.get(p);
    if (held !== undefined && !Number.isNaN(held)) this.#holding--; // still holding: what it added is dropped
    this.#held.delete(p);
  }

  /** Ends the calling process's hold; what it added up (0 when it held nothing). */
  #release(sim: Simulator): SimTime {
    const p = sim.currentProcess;
    const service = p === undefined ? undefined : this.#held.get(p);
    if (p === undefined || service === undefined || Number.isNaN(service)) return 0;
    this.#held.set(p, Number.NaN);
    this.#holding--;
    return service;
  }

  /**
   * `serve` without a generator, for a caller with nothing else to do first:
   * books `service` ps at once when no admission applies (no `maxWaiting`)
   * and returns how long the caller then waits (0: nothing; held work adds
   * up and waits 0). Returns -1, booking nothing, when the queue has a
   * limit: the caller goes through `serve`. Hot paths write
   * `const left = lanes.book(sim, t); if (left > 0) yield left; else if (left < 0) yield* lanes.serve(sim, t);`
   * (a generator per request is one more object and one more level every
   * resume of the caller's chain passes through).
   */
  book(sim: Simulator, service: SimTime): SimTime {
    if (service <= 0) return 0;
    if (this.#holding > 0) {
      const p = sim.currentProcess;
      const held = p === undefined ? undefined : this.#held.get(p);
      if (p !== undefined && held !== undefined && !Number.isNaN(held)) {
        this.#held.set(p, held + service);
        return 0;
      }
    }
    if (this.maxWaiting !== undefined) return -1;
    return this.reserve(sim, service) - sim.now;
  }

  /** A caller held back `ps` before its request was accepted (a full queue upstream of these lanes: the crypto engine's intake). */
  countHeldBack(ps: SimTime): void {
    if (ps <= 0) return;
    this.activity?.count('admissionWaitPs', ps);
    this.activity?.count('backPressured');
  }

  /** The lane the last booking took (a DMA channel of the pool, for its own figures). */
  get lastLane(): number {
    return this.#lastLane;
  }

  /** Requests booked and not yet started now (a unit's command queue, as the lane pool holds it). */
  waiting(sim: Simulator): number {
    return this.pool.queueDepthAt(sim.now);
  }

  /** When the first request waiting now starts (undefined when none waits). */
  nextStart(sim: Simulator): SimTime | undefined {
    const waiting = this.pool.queueDepthAt(sim.now);
    return waiting === 0 ? undefined : this.pool.admitAt(sim.now, waiting);
  }

  /** True when `book` always books (no queue limit): a caller may then count on it and need no generator. */
  get books(): boolean {
    return this.maxWaiting === undefined;
  }

  /** Occupies a lane for `service` ps from the first free instant (after admission); returns when done. */
  *serve(sim: Simulator, service: SimTime): Generator<Wait, void, void> {
    const left = this.book(sim, service);
    if (left > 0) {
      yield left;
      return;
    }
    if (left === 0) return;
    yield* this.admit(sim);
    const after = this.reserve(sim, service) - sim.now;
    if (after > 0) yield after;
  }
}
