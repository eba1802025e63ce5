/**
 * Servers started ahead of their sessions (`serverCommand`): starting a server process and waiting for it to bind
 * its port is the largest fixed cost of a session (on a loaded 2-core machine, 0.8 s of a query's 2.5 s, docs/learn.md),
 * and nothing about it depends on the session. So up to `ahead` servers are kept started and bound while sessions run,
 * and a session takes one that is ready. Each session still gets a server of its own that no one has sent anything to;
 * only the moment it was started moves. The spares left when learning ends are stopped with it.
 */
import { PeerProcess } from './peer-process.js';
import { freeUdpPort, waitForUdpPort } from './port-bound.js';

/** A server started for one session: its port and process, bound (or given up on after the limit, or ended). */
export interface StartedServer {
  readonly port: number;
  readonly process: PeerProcess;
}

export class StartedServers {
  private readonly command: string;
  private readonly host: string;
  private readonly startMs: number;
  private readonly ahead: number;
  private readonly spares: Promise<StartedServer>[] = [];
  private closed = false;

  /** `command` with `{port}` (and `{host}`) in it, run for each server; `ahead` servers kept ready. */
  constructor(command: string, host: string, startMs: number, ahead: number) {
    this.command = command;
    this.host = host;
    this.startMs = startMs;
    this.ahead = ahead;
  }

  /** A server for a new session: one started ahead when there is one, and another started in its place. */
  async take(): Promise<StartedServer> {
    const next = this.spares.shift() ?? this.start();
    this.fill();
    return next;
  }

  /** Stops the servers started ahead that no session took. */
  async close(): Promise<void> {
    this.closed = true;
    const left = this.spares.splice(0);
    await Promise.all(
      left.map(async (p) => {
        try {
          await (await p).process.stop();
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

  private async start(): Promise<StartedServer> {
    const port = await freeUdpPort(this.host);
    let ended = false;
    const process = new PeerProcess(
      this.command.replaceAll('{port}', String(port)).replaceAll('{host}', this.host),
      () => (ended = true),
    );
    await waitForUdpPort(port, this.startMs, () => ended);
    return { port, process };
  }
}
