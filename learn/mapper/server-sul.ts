import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { defaultProvider } from '../../runtime/crypto/registry.js';
import type { SystemUnderLearning } from '../sul.js';
import { INPUTS_12_SERVER, INPUTS_13_SERVER } from '../symbols.js';
import { Client12 } from './client12.js';
import { Client13 } from './client13.js';
import { loadCredentials, type CredentialOptions } from './credentials.js';
import { DatagramChannel } from './datagram-channel.js';
import type { PeerProcess } from './peer-process.js';
import { StartedServers } from './started-servers.js';
import { MapperSession, type StepRecord, type FirstHelloWait } from './session.js';
import { checkedRetransmissions, type PeerRetransmissions } from './repeated-flights.js';
import { checkedCount, checkedWait, SessionsOverUdp } from './udp-sul.js';

/** Learning a server: where it listens, the version, how many sessions at once, and our client credentials. */
export interface ServerSulOptions extends CredentialOptions {
  readonly host: string;
  readonly port: number;
  readonly version: '1.2' | '1.3';
  readonly parallel: number;
  /**
   * Trust anchors as `dtls13 client` takes them. Accepted for the CLI's sake and not checked: the mapper learns the
   * server's state machine, not its trust decision, so it reads the server's certificate without validating it.
   */
  readonly ca?: Uint8Array | readonly Uint8Array[];
  /** How long a step waits for the server's answer, in milliseconds (default 300; a step ends early after a flight). */
  readonly waitMs?: number;
  /**
   * What a DTLS 1.2 peer's repeated flight shows (default `show`): its handshake messages are always dropped (read
   * before); `hide` also leaves out its ChangeCipherSpec, so a flight sent again on the peer's retransmission timer, or
   * in answer to an input, answers `timeout` (repeated-flights.ts). 1.3 has no such record: nothing changes there.
   */
  readonly peerRetransmissions?: PeerRetransmissions;
  /** The crypto provider (default: the package's default). */
  readonly provider?: CryptoProvider;
  /**
   * A server to start per session, `{port}` in it (then `port` is not used): each session gets a fresh server process
   * on a port of its own, for servers that serve one connection at a time (wolfSSL's example server waits for an
   * abandoned handshake to time out before it takes the next client). Killed with its process group when the session ends.
   */
  readonly serverCommand?: string;
  /**
   * With `serverCommand`: how long to wait for the server to bind its port, and then for its first answer (default
   * 5000 ms). A server that has bound its port may not read from it yet: when a session's first input is a ClientHello,
   * the step waits for its answer up to this time.
   */
  readonly startMs?: number;
  /**
   * With `serverCommand`: called for each session whose started server answered nothing to its first ClientHello
   * within `startMs` (that step answers `timeout`, as it does for a server that answers no ClientHello).
   */
  readonly onSilentStart?: (input: string) => void;
  /** Called after every step with what it read and how long it waited against its budget (session.ts `StepRecord`). */
  readonly onStep?: (step: StepRecord) => void;
}

/**
 * Learn a DTLS server at host:port: we play the client, each session from its own UDP socket (its own port), so the
 * server sees every query as a new client and can serve `parallel` of them at once.
 */
export async function openServerSul(options: ServerSulOptions): Promise<SystemUnderLearning> {
  const provider = options.provider ?? defaultProvider();
  const credentials = loadCredentials(provider, options);
  const waitMs = checkedWait(options.waitMs);
  const parallel = checkedCount('parallel', options.parallel);
  const retransmissions = checkedRetransmissions(options.peerRetransmissions);
  if (options.version !== '1.2' && options.version !== '1.3')
    throw new RangeError(`version must be '1.2' or '1.3', got ${String(options.version)}`);
  const peer = { host: options.host, port: options.port };
  const inputs = options.version === '1.3' ? INPUTS_13_SERVER : INPUTS_12_SERVER;
  const command = options.serverCommand;
  const startMs = options.startMs ?? 5000;
  if (!Number.isFinite(startMs) || startMs <= 0)
    throw new RangeError(`startMs must be a positive number of milliseconds, got ${startMs}`);
  if (command !== undefined && !command.includes('{port}'))
    throw new RangeError(`serverCommand must contain {port}, got ${JSON.stringify(command)}`);
  // A session's server is started ahead, while earlier sessions run (started-servers.ts): the same fresh server.
  const servers = command === undefined ? undefined : new StartedServers(command, options.host, startMs, parallel);
  return new SessionsOverUdp(
    options.version,
    'server',
    inputs,
    parallel,
    async () => {
      let process: PeerProcess | undefined;
      let firstHello: FirstHelloWait | undefined;
      let to = peer;
      if (servers !== undefined) {
        const started = await servers.take();
        process = started.process;
        to = { host: options.host, port: started.port };
        firstHello = { limitMs: startMs, onUnanswered: (input) => options.onSilentStart?.(input) };
      }
      const channel = await DatagramChannel.toPeer(to);
      const side =
        options.version === '1.3'
          ? new Client13(provider, credentials)
          : new Client12(provider, credentials, retransmissions);
      return new MapperSession(channel, side, waitMs, process, firstHello, options.onStep);
    },
    () => servers?.close() ?? Promise.resolve(),
  );
}
