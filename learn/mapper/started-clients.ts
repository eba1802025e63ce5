/**
 * Clients started ahead of their sessions (learning a client on any free port): starting the client's process and
 * reading its first ClientHello is a session's largest fixed cost (a Node.js client, a few hundred ms on a loaded
 * 2-core machine, of a session that otherwise takes about as long), and nothing about it depends on the session. So
 * up to `ahead` clients are kept started, each on a socket of its own with its first datagram read, while sessions
 * run; a session takes one that is ready.
 *
 * A session still begins in the state "first ClientHello received and nothing else": a client that sent anything more
 * while it waited (its retransmission timer fired, or it gave up and exited) is stopped, never used, and a session
 * takes a client started for it instead. Only the moment the client was started moves. The spares left when learning
 * ends are stopped with it.
 */
import { DatagramChannel } from './datagram-channel.js';
import { PeerProcess } from './peer-process.js';
import type { SessionPeer } from './session.js';
import { SparePool } from './spare-pool.js';

/**
 * A client started for one session: its socket, its process (or the session of a client hosted in this process,
 * own-client.ts) and its first datagram (undefined: none in time).
 */
export interface StartedClient {
  readonly channel: DatagramChannel;
  readonly process: SessionPeer;
  readonly first: Uint8Array | undefined;
}

/** Starts one client on `channel` (`{port}` and `{host}` in `command`) and reads its first datagram. */
export async function startClient(
  command: string,
  host: string,
  channel: DatagramChannel,
  startMs: number,
): Promise<StartedClient> {
  const line = command.replaceAll('{port}', String(channel.port)).replaceAll('{host}', host);
  const process = new PeerProcess(line, () => channel.interrupt());
  const first = await channel.next(performance.now() + startMs);
  return { channel, process, first };
}

/** Starts one client on a socket of its own (a command's process, or a client hosted here). */
export type ClientStarter = (channel: DatagramChannel) => Promise<StartedClient>;

export class StartedClients {
  private readonly starter: ClientStarter;
  private readonly host: string;
  private readonly pool: SparePool<StartedClient>;
  /** Spares stopped unused because they sent more than their first datagram or exited while they waited. */
  discarded = 0;

  /** `starter` run for each client on a free port of `host`; `ahead` kept ready. */
  constructor(starter: ClientStarter, host: string, ahead: number) {
    this.starter = starter;
    this.host = host;
    this.pool = new SparePool(() => this.start(), stop, ahead);
  }

  /**
   * A client for a new session: one started ahead that sent only its first datagram and still runs, else one started
   * now; another is started in its place.
   */
  async take(): Promise<StartedClient> {
    const spare = this.pool.take();
    if (spare !== undefined) {
      const c = await spare;
      if (c.first !== undefined && c.channel.pending === 0 && c.process.alive() && !c.channel.closed) return c;
      this.discarded++;
      await stop(c);
    }
    return this.start();
  }

  /** Stops the clients started ahead that no session took. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private async start(): Promise<StartedClient> {
    return this.starter(await DatagramChannel.listening(this.host, 0));
  }
}

async function stop(c: StartedClient): Promise<void> {
  await c.process.stop();
  await c.channel.close();
}
