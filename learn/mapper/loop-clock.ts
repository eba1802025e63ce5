/** How often a waiting step looks at the clock, in ms: a longer gap between two looks is the process's own delay. */
export const TICK_MS = 20;

/**
 * A step's clock without the time its own process did not run. On a loaded machine a process is not scheduled for
 * hundreds of ms at a time, and an in-process peer (the reference server, a test's SUL) computes its flight on the
 * same event loop: a wall clock would count that time as the peer's silence, end the step with `timeout`, and the
 * answer read later would count for the next step. The step looks at this clock at least every tick; a gap between
 * two looks longer than a tick was spent not running (or running something else on this loop), and only one tick of
 * it counts, so every look still moves the clock on and a step with a silent peer still ends.
 */
export class LoopClock {
  private last = performance.now();
  private stalled = 0;

  /** performance.now() less the stalls seen so far. */
  now(): number {
    const t = performance.now();
    const gap = t - this.last;
    if (gap > TICK_MS) this.stalled += gap - TICK_MS;
    this.last = t;
    return t - this.stalled;
  }
}
