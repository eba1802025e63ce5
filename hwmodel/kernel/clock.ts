import { PrimitiveChannel } from './channel.js';
import { ConfigError } from './config-error.js';
import type { SimEvent } from './event.js';
import type { Simulator } from './simulator.js';
import { checkTime, type SimTime } from './time.js';

/** Options of a {@link Clock} (`sc_clock`'s constructor arguments). */
export interface ClockOptions {
  /** Fraction of the period the clock is high, in (0, 1); default 0.5. */
  readonly dutyCycle?: number;
  /** Time of the first edge; default 0. */
  readonly start?: SimTime;
  /** The first edge is rising (default true); the clock starts at the other level. */
  readonly posedgeFirst?: boolean;
}

/**
 * `sc_clock` (IEEE 1666-2011 §6.7): a boolean signal toggled by two method
 * processes of its own, as the Accellera implementation: the rising edge's
 * method schedules the falling edge `period × dutyCycle` later and writes
 * true, the falling edge's the next rising edge the rest of the period
 * later and writes false. The value changes in the update phase of the
 * edge's delta cycle; `changed`, `posedge` and `negedge` are notified for
 * the next delta cycle (so a process sensitive to `posedge` runs one delta
 * after the edge's method, as in SystemC).
 */
export class Clock extends PrimitiveChannel {
  readonly period: SimTime;
  readonly dutyCycle: number;
  readonly start: SimTime;
  readonly posedgeFirst: boolean;
  /** `value_changed_event`, `posedge_event`, `negedge_event`. */
  readonly changed: SimEvent;
  readonly posedge: SimEvent;
  readonly negedge: SimEvent;
  #value: boolean;
  #next: boolean;

  constructor(sim: Simulator, name: string, period: SimTime, options: ClockOptions = {}) {
    super(sim, name);
    checkTime(period, `clock "${name}" period`);
    const duty = options.dutyCycle ?? 0.5;
    if (period <= 0) throw new ConfigError('period', `clock "${name}" needs a positive period`);
    if (!(duty > 0 && duty < 1))
      throw new ConfigError('dutyCycle', `clock "${name}": must be in (0, 1), got ${String(duty)}`);
    this.period = period;
    this.dutyCycle = duty;
    this.start = checkTime(options.start ?? 0, `clock "${name}" start`);
    this.posedgeFirst = options.posedgeFirst ?? true;
    this.#value = this.#next = !this.posedgeFirst;
    this.changed = this.newEvent(`${name}.changed`);
    this.posedge = this.newEvent(`${name}.posedge`);
    this.negedge = this.newEvent(`${name}.negedge`);
    const high = Math.round(period * duty);
    const low = period - high;
    const nextPosedge = sim.event(`${name}.next_posedge`);
    const nextNegedge = sim.event(`${name}.next_negedge`);
    sim.method(
      `${name}.posedge_action`,
      () => {
        nextNegedge.notify(high);
        this.#next = true;
        this.requestUpdate();
      },
      { sensitive: [nextPosedge], dontInitialize: true },
    );
    sim.method(
      `${name}.negedge_action`,
      () => {
        nextPosedge.notify(low);
        this.#next = false;
        this.requestUpdate();
      },
      { sensitive: [nextNegedge], dontInitialize: true },
    );
    (this.posedgeFirst ? nextPosedge : nextNegedge).notify(this.start);
  }

  /** The current level (`read()`). */
  get value(): boolean {
    return this.#value;
  }

  /** update phase */
  update(): void {
    if (this.#next === this.#value) return;
    this.#value = this.#next;
    this.changed.notify(0);
    (this.#value ? this.posedge : this.negedge).notify(0);
  }
}
