/**
 * The bottleneck analysis: over every resource that can hold back or drop
 * work (each unit's lanes, the links, the bounded buffers: RX ring,
 * pipeline slots, the crypto units' queues, key slots), in this order:
 *
 * 1. drops anywhere in the run: a buffer that dropped work points,
 *    through the stages after it (`feeds`), at the resource whose limit
 *    made it full (judged over the run);
 * 2. work held back in the steady window: likewise, from the buffer that
 *    held back the longest (judged over the window; a cache's misses only
 *    through a chain from another buffer);
 * 3. utilization in the steady-state window: a unit or link near
 *    saturation, else a queueing unit, else the busiest resource.
 *
 * Only when nothing dropped, nothing was held back, nothing is near
 * saturation or queueing in the window and no unit queued over the run
 * does the report see headroom.
 */
import type { SimTime } from '../kernel/time.js';
import type { BufferFigures, ModuleFigures } from './figures.js';

/** Utilization at or above which the bottleneck is called saturated. */
export const SATURATION = 0.9;

/** Utilization at or above which a module (the link included) is near saturation: the report then claims no headroom. */
export const NEAR_SATURATION = 0.8;

/**
 * Waiting share (requests' time waiting for a lane / their time waiting and
 * being served) at or above which a module may be queueing: its requests
 * wait three times as long as they are served or more, however low its
 * utilization (a burst it could not serve as fast as it came). A steady
 * M/M/1 queue's waiting share equals its utilization, so this is about the
 * waiting of a module near saturation.
 */
export const QUEUEING_SHARE = 0.75;

/**
 * Time-weighted mean queue (the requests' total wait / the window) a
 * queueing module has at least: half a request waiting on average. Below it
 * the waits are sporadic, however large a share of their time they are.
 */
export const QUEUEING_MIN_QUEUE = 0.5;

/**
 * Share of their time (waiting for a lane or for admission to its queue,
 * against being served) a stage's requests must wait for it to hold back
 * the buffer before it: below it the buffer's entries are being served,
 * not waiting, and the buffer's depth limits the rate (Little's law). A
 * DMA 90% busy whose transfers wait 1% of their time behind an 8-slot
 * pipeline carries no more with twice the channels; the deeper pipeline
 * does.
 */
export const HOLDING_SHARE = 0.05;

/** The bottleneck rule, as the report states it. */
export const BOTTLENECK_RULE =
  'first drops anywhere in the run, then work held back in the steady window (half a caller or more on average; a cache\u2019s misses only on the way): from the buffer that dropped (most) or held back (longest), through ' +
  'the stages after it, to the first that held work back itself or is near saturation or queueing over the same period with its requests waiting 5% or more of their time, else that buffer\u2019s own ' +
  'depth; otherwise, in the steady window, ' +
  'the module (the network links included) with the highest utilization (busy lane-time / (lanes × window)) when one is at 80% or more; ' +
  'otherwise the queueing device module (requests waiting 75% or more of their time, the queue ≥ 0.5 on average; a link\u2019s queue is the ' +
  'clients\u2019 burst, not a limit) with the largest time-weighted queue; otherwise the busiest module or pipeline; ties go to the larger queue, ' +
  'then the name first in alphabetical order; none when nothing was busy';

/**
 * Why the resource was named: it caused `drops` or work `held-back`
 * upstream of it; or, in the steady window, it was `saturated` (≥ 90%),
 * `near-saturation` (≥ 80%), `queueing` (by its waits), or merely the
 * `busiest`.
 */
export type BottleneckReason = 'drops' | 'held-back' | 'saturated' | 'near-saturation' | 'queueing' | 'busiest';

/** What the analysis found. */
export interface BottleneckFinding {
  /** The resource named: a module (lanes or a link) or a buffer. */
  readonly name: string;
  readonly kind: 'lanes' | 'link' | 'buffer';
  /** In the steady window: busy lane-time share, or a buffer's mean occupancy over its depth. */
  readonly utilization: number;
  readonly reason: BottleneckReason;
  readonly waitingShare: number;
  /** Where the drops or the held-back work happened (absent when named by utilization). */
  readonly symptom?: {
    readonly buffer: string;
    readonly dropped: number;
    readonly heldBack: number;
    readonly heldBackPs: number;
  };
  /** From the symptom's buffer to the resource named, stage by stage (just the resource when named by utilization). */
  readonly chain: readonly string[];
  /** The knob that sizes a buffer named for its own depth. */
  readonly knob?: string;
}

/** What the analysis takes. */
export interface BottleneckInput {
  /** Per module, over the steady window (over the run when there is none). */
  readonly modules: readonly ModuleFigures[];
  /** Per module, over the statistics period: drops anywhere in it are traced with these (default `modules`). */
  readonly runModules?: readonly ModuleFigures[];
  /** Per buffer, over the statistics period (drops and held-back work anywhere in it count). */
  readonly buffers: readonly BufferFigures[];
  /** Per buffer, over the steady window (its occupancy); the same as `buffers` when there is none. */
  readonly windowBuffers?: readonly BufferFigures[];
  /**
   * How long `windowBuffers` are over (ps): work held back there is a
   * symptom when callers were held back {@link QUEUEING_MIN_QUEUE} or more
   * on average over it (absent: any held back).
   */
  readonly span?: SimTime;
}

/** A network link (a networkChannel module). */
export const isLink = (name: string): boolean => /(^|\.)networkChannel$/.test(name);

/**
 * The share of its requests' time a module's requests spent waiting for a
 * lane: from the lane pool's counters (the breakdown's "Waiting" column),
 * or, without them, from the time-weighted queue against the busy lanes.
 */
export function waitingShare(m: ModuleFigures): number {
  const wait = m.counters?.['waitPs'];
  const service = m.counters?.['servicePs'];
  if (wait !== undefined && service !== undefined && (m.counters?.['requests'] ?? 0) > 0)
    return wait + service > 0 ? wait / (wait + service) : 0;
  const queued = m.queue.timeWeightedMean;
  const busy = m.utilization * m.capacity;
  return queued + busy > 0 ? queued / (queued + busy) : 0;
}

/**
 * The share of its requests' time spent waiting, for a lane or for
 * admission to the unit's queue (a full intake holds its callers there),
 * against being served; without the lane pool's counters, its
 * {@link waitingShare}.
 */
export function holdingShare(m: ModuleFigures): number {
  const wait = (m.counters?.['waitPs'] ?? 0) + (m.counters?.['admissionWaitPs'] ?? 0);
  const service = m.counters?.['servicePs'];
  if (service === undefined || (m.counters?.['requests'] ?? 0) === 0) return waitingShare(m);
  return wait + service > 0 ? wait / (wait + service) : 0;
}

/** How pressed a module is: saturated, near saturation, queueing (device units only), or none of these (`busiest`, were it the busiest). */
export function pressure(m: ModuleFigures): 'saturated' | 'near-saturation' | 'queueing' | 'busiest' {
  if (m.utilization >= SATURATION) return 'saturated';
  if (m.utilization >= NEAR_SATURATION) return 'near-saturation';
  if (queueing(m)) return 'queueing';
  return 'busiest';
}

function queueing(m: ModuleFigures): boolean {
  return (
    !isLink(m.name) &&
    m.utilization > 0 &&
    m.queue.timeWeightedMean >= QUEUEING_MIN_QUEUE &&
    waitingShare(m) >= QUEUEING_SHARE
  );
}

/** The modules' part of the rule (step 3), or undefined when none was busy. */
export function findBottleneck<M extends ModuleFigures>(modules: readonly M[]): M | undefined {
  const busy = modules.filter((m) => m.utilization > 0);
  const near = busy.filter((m) => m.utilization >= NEAR_SATURATION);
  if (near.length > 0) return busiest(near);
  const queued = busy.filter(queueing);
  if (queued.length > 0) return deepest(queued);
  return busiest(busy);
}

/** A buffer's occupancy share in the window: mean occupancy over depth. */
const occupancyShare = (f: BufferFigures): number => (f.capacity > 0 ? f.meanOccupancy / f.capacity : 0);

/** A channel's share of a pool (`<pool>.ch<i>` beside `<pool>`: DMA channels served first come, first served). */
const CHANNEL = /^(.+)\.ch\d+$/;

/**
 * The modules judged: all but a channel's share of a pool that reports
 * too (a transfer takes any free channel, so the pool is the resource; a
 * round-robin channel, with no pool beside it, is judged on its own).
 */
function judged<M extends ModuleFigures>(modules: readonly M[]): M[] {
  const names = new Set(modules.map((m) => m.name));
  return modules.filter((m) => !names.has(CHANNEL.exec(m.name)?.[1] ?? ''));
}

/** The analysis by {@link BOTTLENECK_RULE}; undefined when nothing was busy. */
export function analyzeBottleneck(all: BottleneckInput): BottleneckFinding | undefined {
  const input = judgedInput(all);
  const modules = new Map(input.modules.map((m) => [m.name, m]));
  const windowBuffers = input.windowBuffers ?? input.buffers;
  const inWindow = new Map(windowBuffers.map((f) => [f.name, f]));
  // Drops anywhere in the run, traced with the run's figures; else work held back in the steady window, traced with the window's.
  const dropping = input.buffers
    .filter((f) => f.dropped > 0)
    .sort((a, b) => b.dropped - a.dropped || order(a.name, b.name));
  // A cache's misses (the key slots: it evicts) delay their records without holding anything back by themselves: they
  // count when the stages before them were held back (reached through a chain), not as a symptom of their own.
  // Held back sporadically (fewer than half a caller on average, as a queue's QUEUEING_MIN_QUEUE) presses nothing.
  const span = input.span;
  const sustained = (f: BufferFigures): boolean =>
    span === undefined || span <= 0 || f.blockedTime / span >= QUEUEING_MIN_QUEUE;
  const holding = windowBuffers
    .filter((f) => f.blocked > 0 && f.evicted === undefined && sustained(f))
    .sort((a, b) => b.blockedTime - a.blockedTime || order(a.name, b.name));
  const symptom = dropping[0] ?? holding[0];
  if (symptom !== undefined) {
    const chain = [symptom.name];
    const traced =
      dropping[0] !== undefined
        ? {
            modules: new Map((input.runModules ?? input.modules).map((m) => [m.name, m])),
            buffers: new Map(input.buffers.map((f) => [f.name, f])),
          }
        : { modules, buffers: inWindow };
    // Drops are traced over the run; a run a straggler's retransmission stretched presses no unit over it, so the units'
    // figures in the steady window are asked next.
    const cause = causeOf(symptom, chain, traced.modules, traced.buffers, modules);
    const found = describe(cause, modules, inWindow);
    return {
      ...found,
      reason: symptom.dropped > 0 ? 'drops' : 'held-back',
      symptom: {
        buffer: symptom.name,
        dropped: symptom.dropped,
        heldBack: symptom.blocked,
        heldBackPs: symptom.blockedTime,
      },
      chain,
    };
  }
  const top = findBottleneck(input.modules);
  // A pipeline whose slots are all taken limits the rate (Little's law) without holding anyone back yet.
  // A cache (the key slots: it evicts) is full by design; it limits only through its misses, held-back work above.
  const full = [...inWindow.values()]
    .filter((f) => f.policy === 'block' && f.evicted === undefined && occupancyShare(f) >= NEAR_SATURATION)
    .sort((a, b) => occupancyShare(b) - occupancyShare(a))[0];
  if (
    full !== undefined &&
    (top === undefined || pressure(top) === 'busiest' || occupancyShare(full) > top.utilization)
  ) {
    return {
      ...describe(full.name, modules, inWindow),
      reason: occupancyShare(full) >= SATURATION ? 'saturated' : 'near-saturation',
      chain: [full.name],
    };
  }
  if (top === undefined) return undefined;
  return { ...describe(top.name, modules, inWindow), reason: pressure(top), chain: [top.name] };
}

/**
 * The resource behind a buffer's drops or held-back work: the first stage
 * after it that held work back itself (followed in turn), else the most
 * pressed unit after it (near saturation first, then queueing; with none
 * over the period traced, the most pressed in `fallback`, the steady
 * window's figures), else a
 * cache after it that missed (its misses delay work; a pressed unit limits
 * it first), else the buffer's own depth. `chain` gets each stage followed.
 */
function causeOf(
  f: BufferFigures,
  chain: string[],
  modules: Map<string, ModuleFigures>,
  buffers: Map<string, BufferFigures>,
  fallback?: Map<string, ModuleFigures>,
): string {
  // A stage that is not a module itself may be round-robin channels (`<stage>.ch<i>`): each of them is a stage.
  const next = (f.feeds ?? []).flatMap((n) =>
    modules.has(n) || buffers.has(n) ? [n] : [...modules.keys()].filter((m) => CHANNEL.exec(m)?.[1] === n),
  );
  const heldAfter = (cache: boolean): BufferFigures | undefined =>
    next
      .map((n) => buffers.get(n))
      .filter(
        (b): b is BufferFigures =>
          b !== undefined && b.blocked > 0 && (b.evicted !== undefined) === cache && !chain.includes(b.name),
      )
      .sort((a, b) => b.blockedTime - a.blockedTime || order(a.name, b.name))[0];
  const held = heldAfter(false);
  if (held !== undefined) {
    chain.push(held.name);
    return causeOf(held, chain, modules, buffers, fallback);
  }
  // A pressed stage holds the buffer back only when its requests wait for it: else they are served, and the depth limits.
  const pressed = (from: Map<string, ModuleFigures>): ModuleFigures[] =>
    next
      .map((n) => from.get(n))
      .filter(
        (m): m is ModuleFigures => m !== undefined && pressure(m) !== 'busiest' && holdingShare(m) >= HOLDING_SHARE,
      );
  const units = pressed(modules);
  const unit = findBottleneck(units.length > 0 || fallback === undefined ? units : pressed(fallback));
  const cache = heldAfter(true);
  if (unit !== undefined) {
    // A cache whose misses load that unit (the key slots' re-derivations on the key manager) is on the way to it.
    if (cache?.feeds?.includes(unit.name) === true) chain.push(cache.name);
    chain.push(unit.name);
    return unit.name;
  }
  if (cache !== undefined) {
    chain.push(cache.name);
    return causeOf(cache, chain, modules, buffers, fallback);
  }
  return f.name;
}

function describe(
  name: string,
  modules: Map<string, ModuleFigures>,
  inWindow: Map<string, BufferFigures>,
): Omit<BottleneckFinding, 'reason' | 'chain'> {
  const m = modules.get(name);
  if (m !== undefined)
    return { name, kind: isLink(name) ? 'link' : 'lanes', utilization: m.utilization, waitingShare: waitingShare(m) };
  const f = inWindow.get(name);
  return {
    name,
    kind: 'buffer',
    utilization: f === undefined ? 0 : occupancyShare(f),
    waitingShare: 0,
    ...(f?.knob !== undefined ? { knob: f.knob } : {}),
  };
}

/**
 * Other resources that are pressed: modules near saturation or queueing in
 * the window, device units queueing over the run (a burst of handshakes
 * outside the window), buffers that dropped or held back work anywhere in
 * the run. Any of them takes the headroom away.
 */
export function pressedResources(all: BottleneckInput, named: BottleneckFinding | undefined): string[] {
  const input = judgedInput(all);
  const out = new Set<string>();
  for (const m of input.modules) if (pressure(m) !== 'busiest') out.add(m.name);
  for (const m of input.runModules ?? []) if (queueing(m)) out.add(m.name);
  for (const f of input.buffers) if (f.dropped > 0 || (f.blocked > 0 && f.evicted === undefined)) out.add(f.name);
  if (named !== undefined) for (const n of named.chain) out.delete(n);
  return [...out].sort(order);
}

function judgedInput(input: BottleneckInput): BottleneckInput {
  return {
    ...input,
    modules: judged(input.modules),
    ...(input.runModules !== undefined ? { runModules: judged(input.runModules) } : {}),
  };
}

function busiest<M extends ModuleFigures>(modules: readonly M[]): M | undefined {
  let best: M | undefined;
  for (const m of modules) {
    if (best === undefined) best = m;
    else if (m.utilization !== best.utilization) best = m.utilization > best.utilization ? m : best;
    else if (m.queue.timeWeightedMean !== best.queue.timeWeightedMean)
      best = m.queue.timeWeightedMean > best.queue.timeWeightedMean ? m : best;
    else if (m.name < best.name) best = m;
  }
  return best;
}

function deepest<M extends ModuleFigures>(modules: readonly M[]): M | undefined {
  let best: M | undefined;
  for (const m of modules) {
    if (best === undefined) best = m;
    else if (m.queue.timeWeightedMean !== best.queue.timeWeightedMean)
      best = m.queue.timeWeightedMean > best.queue.timeWeightedMean ? m : best;
    else if (m.utilization !== best.utilization) best = m.utilization > best.utilization ? m : best;
    else if (m.name < best.name) best = m;
  }
  return best;
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
