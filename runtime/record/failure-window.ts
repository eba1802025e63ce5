/** Failed authentications counted in one-second windows, each starting at its first failure: the per-second budgets. */
export class FailureWindow {
  private readonly perSecond: number;
  private start = -Infinity;
  private count = 0;

  constructor(perSecond: number) {
    this.perSecond = perSecond;
  }

  /** Whether the window `now` falls in already counted its `perSecond` failures. */
  full(now: number): boolean {
    return this.count >= this.perSecond && now - this.start < 1000;
  }

  failed(now: number): void {
    if (now - this.start >= 1000) {
      this.start = now;
      this.count = 0;
    }
    this.count++;
  }
}

/** Failures a read key may take per second once rated, so its limit lasts `budgetSeconds` (0: Infinity). */
export function keyFailuresPerSecond(integrityShare: number, budgetSeconds: number): number {
  return budgetSeconds === 0 ? Infinity : Math.max(1, Math.floor(integrityShare / budgetSeconds));
}
