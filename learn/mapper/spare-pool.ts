/**
 * Peers started ahead of their sessions: up to `ahead` kept started while sessions run, a session taking the oldest,
 * another started in its place. Which peer a session may use and how a peer is stopped belong to the caller
 * (started-servers.ts, started-clients.ts); the spares left when learning ends are stopped with it.
 */
export class SparePool<T> {
  private readonly start: () => Promise<T>;
  private readonly stop: (peer: T) => Promise<void>;
  private readonly ahead: number;
  private readonly spares: Promise<T>[] = [];
  private closed = false;

  /** `start` makes one peer (a rejection is rethrown to the session that takes it); `stop` ends an unused one. */
  constructor(start: () => Promise<T>, stop: (peer: T) => Promise<void>, ahead: number) {
    this.start = start;
    this.stop = stop;
    this.ahead = ahead;
  }

  /** The oldest spare, or undefined when none was started; another is started in its place. */
  take(): Promise<T> | undefined {
    const spare = this.spares.shift();
    this.fill();
    return spare;
  }

  /** Stops the spares no session took; none is started after. */
  async close(): Promise<void> {
    this.closed = true;
    const left = this.spares.splice(0);
    await Promise.all(
      left.map(async (p) => {
        try {
          await this.stop(await p);
        } catch {
          // it never started: nothing to stop
        }
      }),
    );
  }

  private fill(): void {
    while (!this.closed && this.spares.length < this.ahead) {
      const p = this.start();
      p.catch(() => undefined); // rethrown to the session that takes it
      this.spares.push(p);
    }
  }
}
