import type { SimEvent } from './event.js';
import type { SimTime } from './time.js';
import type { Wait } from './wait.js';

/** The three process kinds: SC_METHOD, SC_THREAD as a generator, SC_THREAD as an async function. */
export const ProcessKind = { method: 'method', thread: 'thread', asyncThread: 'asyncThread' } as const;
/** A process kind. */
export type ProcessKind = (typeof ProcessKind)[keyof typeof ProcessKind];

/** Process states (internal). */
export const ProcessState = { runnable: 0, running: 1, waitStatic: 2, waitDynamic: 3, terminated: 4, idle: 5 } as const;

/** A method process body: runs to completion on each activation (`SC_METHOD`). */
export type MethodBody = () => void;
/** A thread process body: a generator yielding what it waits for (`SC_THREAD`). */
export type ThreadBody = () => Generator<Wait, void, void>;
/** An async thread body, driven by `sim.runAsync()`. */
export type AsyncThreadBody = (k: ThreadContext) => Promise<void>;

/** Options for `sim.method`, `sim.thread` and `sim.asyncThread`. */
export interface ProcessOptions {
  /** Static sensitivity (`sensitive << e1 << e2`). */
  readonly sensitive?: readonly SimEvent[];
  /** Do not run in the initialization phase; wait for the first trigger (`dont_initialize()`). */
  readonly dontInitialize?: boolean;
}

/** What an async thread body receives: its own `wait`. */
export interface ThreadContext {
  /** The process's name. */
  readonly name: string;
  /** Suspends the process until `w` (see `Wait`); await it before doing anything else. */
  wait(w?: Wait): Promise<void>;
  /** Whether the last `timeoutOr` wait ended by its timeout (`timed_out()`). */
  timedOut(): boolean;
  /** The current simulated time. */
  readonly now: SimTime;
}

/**
 * A process handle (`sc_process_handle`). The fields marked internal belong
 * to the simulator.
 */
export class Process {
  /** The name given at creation, unique in its simulator. */
  readonly name: string;
  /** method, thread or asyncThread. */
  readonly kind: ProcessKind;
  /** @internal creation order */ readonly id: number;
  /** @internal one of `ProcessState` */ state: number = ProcessState.idle;
  /** @internal incremented whenever a dynamic wait ends; stale waiter entries carry an older id */ waitId = 0;
  /** @internal events of an allOf wait not yet notified */ allOf: SimEvent[] | null = null;
  /** @internal the last wait ended by its timeout */ timedOut = false;
  /** @internal the process's own event for waits on time */ timeoutEvent: SimEvent | null = null;
  /** @internal static sensitivity */ readonly staticEvents: readonly SimEvent[];
  /** @internal (dropped on termination, so a finished process holds nothing its body captured) */ methodBody: MethodBody | null;
  /** @internal */ threadBody: ThreadBody | null;
  /** @internal */ asyncBody: AsyncThreadBody | null;
  /** @internal the running generator */ generator: Generator<Wait, void, void> | null = null;
  /** @internal a nextTrigger call was made in this activation */ nextTriggerSet = false;
  /** @internal its argument */ nextTriggerWait: Wait = undefined;
  /** @internal async: the body's promise once started */ started = false;
  /** @internal async: resumes the body from its pending k.wait */ resume: (() => void) | null = null;
  /** @internal async: hands control back to the kernel */ yieldToKernel: (() => void) | null = null;
  /** @internal async: what the body threw */ failure: { error: unknown } | null = null;
  /** @internal */ terminatedEv: SimEvent | null = null;
  /** @internal suspended (`suspend()`): triggers make it ready to run (state runnable) but it is not queued until resumed */ suspended = false;
  /** @internal creates events */ readonly makeEvent: (name: string) => SimEvent;

  /** @internal use `sim.method`, `sim.thread` or `sim.asyncThread` */
  constructor(
    id: number,
    name: string,
    kind: ProcessKind,
    body: MethodBody | ThreadBody | AsyncThreadBody,
    staticEvents: readonly SimEvent[],
    makeEvent: (name: string) => SimEvent,
  ) {
    this.id = id;
    this.name = name;
    this.kind = kind;
    this.staticEvents = staticEvents;
    this.methodBody = kind === ProcessKind.method ? (body as MethodBody) : null;
    this.threadBody = kind === ProcessKind.thread ? (body as ThreadBody) : null;
    this.asyncBody = kind === ProcessKind.asyncThread ? (body as AsyncThreadBody) : null;
    this.makeEvent = makeEvent;
  }

  /** True once the body returned or threw (a method never terminates by itself). */
  get terminated(): boolean {
    return this.state === ProcessState.terminated;
  }

  /** Notified (immediately) when the process terminates (`terminated_event()`). */
  get terminatedEvent(): SimEvent {
    this.terminatedEv ??= this.makeEvent(`${this.name}.terminated`);
    return this.terminatedEv;
  }

  /** `method "name"` etc. */
  toString(): string {
    return `${this.kind} "${this.name}"`;
  }
}
