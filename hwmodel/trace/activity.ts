/**
 * Activity monitor: per-module busy intervals and queue depth over simulated
 * time, folded into utilization and queue statistics over a window, and
 * (optionally) dumped to a VCD as `busy` (wire), `active` and `queue`
 * (integers) per module. Intervals may be reported ahead of time (a lane
 * grant knows its finish); changes are applied in time order as the
 * monitor advances, so memory holds only what is still in the future.
 */
import type { SimTime } from '../kernel/time.js';
import { TimeHeap } from './time-heap.js';
import type { VcdSignal, VcdWriter } from './vcd-writer.js';

/** Statistics of one module over the window. */
export interface ModuleStats {
  readonly name: string;
  /** Lanes the module has; utilization is relative to all of them. */
  readonly capacity: number;
  /** Lane-busy time inside the window (ps, summed over lanes). */
  readonly busyTime: SimTime;
  /** `busyTime / (capacity × window length)`; 0 for an empty window. */
  readonly utilization: number;
  readonly queue: QueueStats;
  /** Named counts since the window started. */
  readonly counters: Readonly<Record<string, number>>;
}

/** Queue depth statistics over the window. */
export interface QueueStats {
  /** Largest depth seen in the window. */
  readonly max: number;
  /** Mean of the depth samples (one per instant the depth changed, plus the depth at the window start). */
  readonly mean: number;
  /** Depth averaged over time (its integral over the window divided by the window length). */
  readonly timeWeightedMean: number;
  /** Number of depth samples. */
  readonly samples: number;
}

/** What the monitor reports. */
export interface ActivityStats {
  readonly from: SimTime;
  readonly to: SimTime;
  /** In declaration order. */
  readonly modules: readonly ModuleStats[];
}

/** Options of {@link ActivityMonitor}. */
export interface ActivityOptions {
  /** Dump busy/active/queue signals here; declare all modules before anything is dumped. */
  readonly vcd?: VcdWriter;
  /** VCD scope the module signals go under (default `top`). */
  readonly scope?: string;
  /** Also a `lane<i>` wire per lane (modules of up to 64 lanes), busy while that lane serves a request. */
  readonly lanes?: boolean;
  /** Called for every lane grant reported (a transaction trace: Chrome trace events). */
  readonly onServe?: (module: string, lane: number, start: SimTime, finish: SimTime) => void;
}

/** A lane grant as reported to {@link ModuleActivity.serve}. */
export interface ServedGrant {
  readonly arrival: SimTime;
  readonly start: SimTime;
  readonly finish: SimTime;
  /** The lane that served it, when known. */
  readonly lane?: number;
}

/** Pending changes from which `keepUp` applies the complete instants (a heap of every change of a run was 16 levels deep). */
const KEEP_UP = 512;

/** The counters `countGrant` adds to, in the order `count` would first have made them. */
const GRANT_COUNTERS = ['requests', 'waitPs', 'servicePs'] as const;

type ModuleSignals = {
  readonly busy: VcdSignal;
  readonly active: VcdSignal;
  readonly queue: VcdSignal;
  readonly lanes: readonly VcdSignal[];
};

/** What a queued change applies to: a module, or a level signal. */
interface ChangeTarget {
  readonly name: string;
  touched: number;
  apply(t: SimTime, c: Change): void;
  settle(t: SimTime, vcd: VcdWriter | undefined): void;
}

type Change = {
  readonly module: ChangeTarget;
  readonly active: number;
  readonly queueDelta: number;
  readonly queueSet?: number;
  /** A change of one lane's busy count by `active`. */
  readonly lane?: number;
};

/** The monitor: create modules, report activity, read statistics. */
export class ActivityMonitor {
  readonly #options: ActivityOptions;
  readonly #modules: ModuleActivity[] = [];
  readonly #pending = new TimeHeap<Change>();
  /**
   * The modules changed at one instant (advanceTo), in the order first
   * changed; reused (a Set's clear() makes a new table every time). A
   * module is in it while its `touched` mark equals `#instant`.
   */
  readonly #touched: ChangeTarget[] = [];
  #instant = 0;
  #now: SimTime = 0;
  #windowStart: SimTime = 0;
  /** Busy intervals summed by modules without signals and not folded yet, and the count at which `keepUp` folds them. */
  #busyPending = 0;
  #busyFoldAt = KEEP_UP;

  constructor(options: ActivityOptions = {}) {
    this.#options = options;
  }

  /** Time up to which changes have been applied. */
  get now(): SimTime {
    return this.#now;
  }

  /** Declares a module with `capacity` lanes (default 1). */
  module(name: string, capacity = 1): ModuleActivity {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`module ${name}: capacity must be a positive integer, got ${String(capacity)}`);
    if (this.#modules.some((m) => m.name === name)) throw new RangeError(`module ${name} is already declared`);
    const vcd = this.#options.vcd;
    const prefix = `${this.#options.scope ?? 'top'}.${name}`;
    const lanes =
      vcd !== undefined && this.#options.lanes === true && capacity <= 64
        ? Array.from({ length: capacity }, (_, i) => vcd.wire(`${prefix}.lane${i}`))
        : [];
    const signals =
      vcd === undefined
        ? undefined
        : {
            busy: vcd.wire(`${prefix}.busy`),
            active: vcd.integer(`${prefix}.active`),
            queue: vcd.integer(`${prefix}.queue`),
            lanes,
          };
    const m = new ModuleActivity(this, name, capacity, signals, this.#now, this.#options.onServe);
    this.#modules.push(m);
    return m;
  }

  /**
   * A VCD integer `<scope>.<name>` holding a level set over time (a
   * buffer's occupancy, its drops so far), dumped in time order with the
   * modules' signals; undefined without a VCD. Declare before anything is
   * dumped.
   */
  level(name: string, initial = 0): LevelSignal | undefined {
    const vcd = this.#options.vcd;
    if (vcd === undefined) return undefined;
    return new LevelSignal(this, name, vcd.integer(`${this.#options.scope ?? 'top'}.${name}`, initial), initial);
  }

  /** Applies every change at or before `t` in time order (and dumps it). `t` never goes back. */
  advanceTo(t: SimTime): void {
    this.#checkNotPast(t, 'advanceTo');
    if (this.#busyPending > 0) this.#foldBusy(t);
    const touched = this.#touched;
    for (let next = this.#pending.peekTime(); next !== undefined && next <= t; next = this.#pending.peekTime()) {
      const instant = ++this.#instant;
      let n = 0;
      while (this.#pending.peekTime() === next) {
        const c = this.#pending.pop();
        if (c === undefined) break;
        c.module.apply(next, c);
        if (c.module.touched !== instant) {
          c.module.touched = instant;
          touched[n++] = c.module;
        }
      }
      for (let i = 0; i < n; i++) touched[i]!.settle(next, this.#options.vcd);
    }
    this.#now = t;
  }

  /**
   * Applies the changes before `t` once many are pending, `t` being the
   * current simulated time, before which nothing can be scheduled any more
   * (every change is reported at or after the instant it is made): those
   * instants are complete, and applying them now gives what `advanceTo`
   * would later, while the heap of pending changes stays short.
   */
  keepUp(t: SimTime): void {
    if ((this.#pending.size >= KEEP_UP || this.#busyPending >= this.#busyFoldAt) && t - 1 > this.#now)
      this.advanceTo(t - 1);
  }

  /** @internal A module summed busy intervals (see {@link ModuleActivity.busy}): `n` more wait to be folded. */
  busyAdded(n: number): void {
    this.#busyPending += n;
  }

  /** Folds every module's busy intervals that ended by `t`; the next fold waits for twice what is still open (no pass per report when many end far ahead). */
  #foldBusy(t: SimTime): void {
    let open = 0;
    for (const m of this.#modules) open += m.foldBusy(t);
    this.#busyPending = open;
    this.#busyFoldAt = Math.max(KEEP_UP, 2 * open);
  }

  /** Starts a new statistics window at `t` (e.g. after warm-up): counts and areas restart. */
  resetWindow(t: SimTime): void {
    this.advanceTo(t);
    this.#windowStart = t;
    for (const m of this.#modules) m.resetWindow(t);
  }

  /** Statistics over [window start, `until`], after applying changes up to `until`. */
  stats(until: SimTime): ActivityStats {
    this.advanceTo(until);
    const length = until - this.#windowStart;
    return { from: this.#windowStart, to: until, modules: this.#modules.map((m) => m.stats(until, length)) };
  }

  /** @internal Rejects a report of `module` at `t` as `schedule` would. */
  checkReport(t: SimTime, module: string): void {
    if (!Number.isSafeInteger(t) || t < this.#now) this.#checkNotPast(t, `module ${module}`);
  }

  /** @internal Queues a change of `module` at `t`. */
  schedule(t: SimTime, change: Change): void {
    if (!Number.isSafeInteger(t) || t < this.#now) this.#checkNotPast(t, `module ${change.module.name}`); // the name is built only to fail
    this.#pending.push(t, change);
  }

  #checkNotPast(t: SimTime, what: string): void {
    if (!Number.isSafeInteger(t) || t < 0)
      throw new RangeError(`${what}: time must be a non-negative integer number of picoseconds, got ${String(t)}`);
    if (t < this.#now) throw new RangeError(`${what}: time ${t} ps is before the monitor's time ${this.#now} ps`);
  }
}

/** One module's activity; get it from {@link ActivityMonitor.module}. */
export class ModuleActivity {
  readonly name: string;
  readonly capacity: number;
  readonly #monitor: ActivityMonitor;
  readonly #signals: ModuleSignals | undefined;
  readonly #onServe: ActivityOptions['onServe'];
  /** Per lane: requests being served (0 or 1), and the lanes changed since the last dump. */
  readonly #laneBusy: number[];
  readonly #laneDirty = new Set<number>();
  /** @internal The monitor's mark: this module changed at the instant being applied. */
  touched = 0;
  #active = 0;
  #queue = 0;
  #last: SimTime;
  #busyArea = 0;
  /** Busy intervals not yet ended at the monitor's time (modules without signals: see `busy`). */
  #busyStarts: SimTime[] = [];
  #busyFinishes: SimTime[] = [];
  /** The window's start, which summed busy intervals are clipped to. */
  #windowFrom: SimTime;
  #queueArea = 0;
  #queueMax = 0;
  #queueSum = 0;
  #queueSamples = 1;
  #queueSampled = 0;
  #counters = new Map<string, number>();
  /** The grant counters (`countGrant`) not yet added to `#counters`. */
  #grantCounted = false;
  #requests = 0;
  #waitPs = 0;
  #servicePs = 0;
  /** The changes this module queues, made once (they are read-only): a lane grant queues up to six. */
  readonly #start: Change = { module: this, active: 1, queueDelta: 0 };
  readonly #end: Change = { module: this, active: -1, queueDelta: 0 };
  readonly #enqueue: Change = { module: this, active: 0, queueDelta: 1 };
  readonly #dequeue: Change = { module: this, active: 0, queueDelta: -1 };
  readonly #laneStart: readonly Change[];
  readonly #laneEnd: readonly Change[];

  /** @internal Use {@link ActivityMonitor.module}. */
  constructor(
    monitor: ActivityMonitor,
    name: string,
    capacity: number,
    signals: ModuleSignals | undefined,
    now: SimTime,
    onServe?: ActivityOptions['onServe'],
  ) {
    this.#monitor = monitor;
    this.name = name;
    this.capacity = capacity;
    this.#signals = signals;
    this.#last = now;
    this.#windowFrom = now;
    this.#onServe = onServe;
    this.#laneBusy = new Array<number>(signals?.lanes.length ?? 0).fill(0);
    this.#laneStart = this.#laneBusy.map((_, lane) => ({ module: this, active: 1, queueDelta: 0, lane }));
    this.#laneEnd = this.#laneBusy.map((_, lane) => ({ module: this, active: -1, queueDelta: 0, lane }));
  }

  /**
   * One lane of the module is busy over [start, finish). Without signals to
   * dump, nothing needs the busy count instant by instant: the interval is
   * kept until it has ended and then added to the busy time, clipped to the
   * window (the same sum the time-ordered count integrates to, with no
   * change through the monitor's heap).
   */
  busy(start: SimTime, finish: SimTime): void {
    checkInterval(this.name, start, finish);
    if (finish === start) return;
    if (this.#signals === undefined) {
      this.#monitor.checkReport(start, this.name);
      this.#monitor.checkReport(finish, this.name); // as the heap path's schedule(finish) checks it
      this.#busyStarts.push(start);
      this.#busyFinishes.push(finish);
      this.#monitor.busyAdded(1);
      return;
    }
    this.#monitor.schedule(start, this.#start);
    this.#monitor.schedule(finish, this.#end);
  }

  /**
   * @internal Adds the summed busy intervals that ended by `t` (the
   * monitor's time: no window can start before it) to the busy time;
   * returns how many are still open.
   */
  foldBusy(t: SimTime): number {
    const starts = this.#busyStarts;
    const finishes = this.#busyFinishes;
    const from = this.#windowFrom;
    let kept = 0;
    for (let i = 0; i < finishes.length; i++) {
      const f = finishes[i]!;
      const s = starts[i]!;
      if (f <= t) {
        if (f > from) this.#busyArea += f - Math.max(s, from);
      } else {
        starts[kept] = s;
        finishes[kept++] = f;
      }
    }
    starts.length = kept;
    finishes.length = kept;
    return kept;
  }

  /** One request waits in the module's queue over [arrival, start). */
  wait(arrival: SimTime, start: SimTime): void {
    checkInterval(this.name, arrival, start);
    if (start === arrival) return;
    this.#monitor.schedule(arrival, this.#enqueue);
    this.#monitor.schedule(start, this.#dequeue);
  }

  /** A request that waited over [arrival, start) and was served over [start, finish) (a lane grant). */
  serve(grant: ServedGrant): void {
    this.wait(grant.arrival, grant.start);
    this.busy(grant.start, grant.finish);
    const lane = grant.lane;
    if (lane === undefined || grant.finish === grant.start) return;
    this.#onServe?.(this.name, lane, grant.start, grant.finish);
    if (lane < this.#laneBusy.length) {
      this.#monitor.schedule(grant.start, this.#laneStart[lane]!);
      this.#monitor.schedule(grant.finish, this.#laneEnd[lane]!);
    }
  }

  /** The module's own queue holds `depth` entries from `t` on (for queues it tracks itself). */
  queueDepth(t: SimTime, depth: number): void {
    if (!Number.isSafeInteger(depth) || depth < 0)
      throw new RangeError(`module ${this.name}: queue depth must be a non-negative integer, got ${String(depth)}`);
    this.#monitor.schedule(t, { module: this, active: 0, queueDelta: 0, queueSet: depth });
  }

  /** See {@link ActivityMonitor.keepUp}: `now` is the current simulated time. */
  keepUp(now: SimTime): void {
    this.#monitor.keepUp(now);
  }

  /** Adds `n` to the counter `name`. */
  count(name: string, n = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + n);
  }

  /**
   * One lane grant's counts: `requests` + 1, `waitPs` + `wait`,
   * `servicePs` + `service` (as three `count` calls, kept in fields: the
   * counters are written at most once per grant's first count and read by
   * `stats`).
   */
  countGrant(wait: SimTime, service: SimTime): void {
    if (!this.#grantCounted) {
      this.#grantCounted = true;
      for (const name of GRANT_COUNTERS) if (!this.#counters.has(name)) this.#counters.set(name, 0); // their place in the order
    }
    this.#requests++;
    this.#waitPs += wait;
    this.#servicePs += service;
  }

  /** @internal Applies one change at `t`. */
  apply(t: SimTime, c: Change): void {
    if (c.lane !== undefined) {
      this.#laneBusy[c.lane] = this.#laneBusy[c.lane]! + c.active;
      this.#laneDirty.add(c.lane);
      return;
    }
    this.#integrate(t);
    this.#active += c.active;
    this.#queue = c.queueSet ?? this.#queue + c.queueDelta;
  }

  /** @internal After all changes at `t`: samples and dumps. */
  settle(t: SimTime, vcd: VcdWriter | undefined): void {
    if (this.#queue !== this.#queueSampled) {
      this.#queueMax = Math.max(this.#queueMax, this.#queue);
      this.#queueSum += this.#queue;
      this.#queueSamples++;
      this.#queueSampled = this.#queue;
    }
    if (vcd !== undefined && this.#signals !== undefined) {
      vcd.change(t, this.#signals.busy, this.#active > 0 ? 1 : 0);
      vcd.change(t, this.#signals.active, this.#active);
      vcd.change(t, this.#signals.queue, this.#queue);
      for (const lane of this.#laneDirty) vcd.change(t, this.#signals.lanes[lane]!, this.#laneBusy[lane]! > 0 ? 1 : 0);
    }
    if (this.#laneDirty.size > 0) this.#laneDirty.clear(); // clear() makes a new table even when empty
  }

  /** @internal */
  resetWindow(t: SimTime): void {
    this.#integrate(t);
    this.#busyArea = 0;
    this.#windowFrom = t;
    this.#queueArea = 0;
    this.#queueMax = this.#queue;
    this.#queueSum = this.#queue;
    this.#queueSamples = 1;
    this.#queueSampled = this.#queue;
    this.#counters = new Map();
    this.#grantCounted = false;
    this.#requests = 0;
    this.#waitPs = 0;
    this.#servicePs = 0;
  }

  /** @internal */
  stats(until: SimTime, length: SimTime): ModuleStats {
    this.#integrate(until);
    let busy = this.#busyArea; // and the summed intervals still open at `until`, up to it
    for (let i = 0; i < this.#busyStarts.length; i++)
      busy += Math.max(0, until - Math.max(this.#busyStarts[i]!, this.#windowFrom));
    return {
      name: this.name,
      capacity: this.capacity,
      busyTime: busy,
      utilization: length === 0 ? 0 : busy / (this.capacity * length),
      queue: {
        max: this.#queueMax,
        mean: this.#queueSum / this.#queueSamples,
        timeWeightedMean: length === 0 ? 0 : this.#queueArea / length,
        samples: this.#queueSamples,
      },
      counters: Object.fromEntries(this.#settledCounters()),
    };
  }

  /** The counters with the grant counts folded in. */
  #settledCounters(): Map<string, number> {
    const c = this.#counters;
    if (this.#grantCounted) {
      c.set('requests', (c.get('requests') ?? 0) + this.#requests);
      c.set('waitPs', (c.get('waitPs') ?? 0) + this.#waitPs);
      c.set('servicePs', (c.get('servicePs') ?? 0) + this.#servicePs);
      this.#requests = this.#waitPs = this.#servicePs = 0;
    }
    return c;
  }

  #integrate(t: SimTime): void {
    if (t <= this.#last) return;
    const dt = t - this.#last;
    this.#busyArea += this.#active * dt;
    this.#queueArea += this.#queue * dt;
    this.#last = t;
  }
}

function checkInterval(name: string, from: SimTime, to: SimTime): void {
  if (!(to >= from))
    throw new RangeError(`module ${name}: interval [${String(from)}, ${String(to)}) ends before it starts`);
}

/**
 * A level dumped to the VCD as it changes (see {@link ActivityMonitor.level}). A `ChangeTarget` by its shape, without
 * `implements`: the members that make it one are internal, and the published declarations leave them out.
 */
export class LevelSignal {
  readonly name: string;
  readonly #monitor: ActivityMonitor;
  readonly #signal: VcdSignal;
  #value: number;
  #dumped: number;
  /** @internal The monitor's mark (see ModuleActivity.touched). */
  touched = 0;

  /** @internal Use {@link ActivityMonitor.level}. */
  constructor(monitor: ActivityMonitor, name: string, signal: VcdSignal, initial: number) {
    this.name = name;
    this.#monitor = monitor;
    this.#signal = signal;
    this.#value = initial;
    this.#dumped = initial;
  }

  /** The level is `value` from `t` on (`t` not before the monitor's time). */
  set(t: SimTime, value: number): void {
    this.#monitor.schedule(t, { module: this, active: 0, queueDelta: 0, queueSet: value });
  }

  /** The level changes by `delta` at `t` (which may be ahead: a command leaving a queue when its booked lane starts it). */
  add(t: SimTime, delta: number): void {
    this.#monitor.schedule(t, { module: this, active: 0, queueDelta: delta });
  }

  /** @internal */
  apply(_t: SimTime, c: Change): void {
    this.#value = c.queueSet ?? this.#value + c.queueDelta;
  }

  /** @internal */
  settle(t: SimTime, vcd: VcdWriter | undefined): void {
    if (vcd === undefined || this.#value === this.#dumped) return;
    this.#dumped = this.#value;
    vcd.change(t, this.#signal, this.#value);
  }
}
