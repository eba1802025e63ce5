/**
 * Failed authentications counted in windows of one second (of the caller's `now`, in milliseconds), each window
 * starting at its first failure: the shape of both per-second budgets of the record layers, the CPU one over all keys
 * (`limits.maxFailedAuthenticationsPerSecond`, IntegrityMonitor) and the one per read key that keeps a forgery burst
 * from spending its integrity limit (`limits.integrityBudgetSeconds`, {@link keyFailuresPerSecond}). Two numbers.
 */
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

  /** One more failure at `now`. */
  failed(now: number): void {
    if (now - this.start >= 1000) {
      this.start = now;
      this.count = 0;
    }
    this.count++;
  }
}

/**
 * How many records may fail authentication under one read key per second once its rate applies (IntegrityMonitor), so
 * that `integrityShare`, the part of its integrity limit (RFC 9147 §4.5.3) left to the rate, lasts at least
 * `budgetSeconds` of forgery, but at least one: DTLS 1.2's 'rate' policy gives AES-128-CCM-8's whole 2^7 over the
 * default 128 s, one a second; DTLS 1.3 the last quarter (32), one a second too (32 s at least); the GCM and
 * ChaCha20-Poly1305 limits (2^36) and CCM's (2^23.5) are never reached by it. Past it the key's records are dropped
 * untried (`authentication-rate`) until the second ends: they cost neither a decryption nor the key's budget.
 * `budgetSeconds` 0: no such bound (Infinity).
 */
export function keyFailuresPerSecond(integrityShare: number, budgetSeconds: number): number {
  return budgetSeconds === 0 ? Infinity : Math.max(1, Math.floor(integrityShare / budgetSeconds));
}
