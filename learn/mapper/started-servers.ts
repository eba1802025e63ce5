/**
 * Servers started ahead of their sessions (`serverCommand`): starting a server process and waiting for it to bind
 * its port is the largest fixed cost of a session (on a loaded 2-core machine, 0.8 s of a query's 2.5 s, docs/learn.md),
 * and nothing about it depends on the session. So up to `ahead` servers are kept started and bound while sessions run,
 * and a session takes one that is ready. Each session still gets a server of its own that no one has sent anything to;
 * only the moment it was started moves. The spares left when learning ends are stopped with it.
 */
import { PeerProcess } from './peer-process.js';
import { freeUdpPort, waitForUdpPort } from './port-bound.js';
import { SparePool } from './spare-pool.js';

/** A server started for one session: its port and process, bound (or given up on after the limit, or ended). */
export interface StartedServer {
  readonly port: number;
  readonly process: PeerProcess;
}

export class StartedServers {
  private readonly command: string;
  private readonly host: string;
  private readonly startMs: number;
  private readonly pool: SparePool<StartedServer>;

  /** `command` with `{port}` (and `{host}`) in it, run for each server; `ahead` servers kept ready. */
  constructor(command: string, host: string, startMs: number, ahead: number) {
    this.command = command;
    this.host = host;
    this.startMs = startMs;
    this.pool = new SparePool(
      () => this.start(),
      (s) => s.process.stop(),
      ahead,
    );
  }

  /** A server for a new session: one started ahead when there is one, and another started in its place. */
  take(): Promise<StartedServer> {
    return this.pool.take() ?? this.start();
  }

  /** Stops the servers started ahead that no session took. */
  close(): Promise<void> {
    return this.pool.close();
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
