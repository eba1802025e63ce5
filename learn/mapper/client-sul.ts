import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { defaultProvider } from '../../runtime/crypto/registry.js';
import { INPUTS_12_CLIENT, INPUTS_13_CLIENT } from '../symbols.js';
import type { SystemUnderLearning } from '../sul.js';
import { loadCredentials, type CredentialOptions } from './credentials.js';
import { DatagramChannel } from './datagram-channel.js';
import { Server12 } from './server12.js';
import { Server13 } from './server13.js';
import { startOwnClient, type OwnClientOptions } from './own-client.js';
import { startClient, StartedClients, type ClientStarter, type StartedClient } from './started-clients.js';
import { MapperSession, type StepRecord } from './session.js';
import { checkedRetransmissions, type PeerRetransmissions } from './repeated-flights.js';
import { checkedCount, checkedWait, SessionsOverUdp } from './udp-sul.js';

/** Learning a client: where each session listens, the version, the command that starts the client, our server credentials. */
export interface ClientSulOptions extends CredentialOptions {
  /** The address each session's socket binds. */
  readonly host: string;
  /**
   * The first port of the sessions' own ports: session slots take `port`, `port + 1`, ... up to `parallel` of them.
   * 0: each session takes any free port.
   */
  readonly port: number;
  readonly version: '1.2' | '1.3';
  readonly parallel: number;
  /**
   * The client to learn, started once per session: `{port}` becomes the session's port, `{host}` its address. Give
   * this or `ownClient`.
   */
  readonly clientCommand?: string;
  /**
   * dtls13's own client, hosted in this process (own-client.ts), with its trust anchor (and credentials): one
   * `connect()` per session instead of a command's process, the same client `referenceClient`'s command starts.
   */
  readonly ownClient?: OwnClientOptions;
  /** How long a step waits for the client's answer, in milliseconds (default 300). */
  readonly waitMs?: number;
  /**
   * What a DTLS 1.2 peer's repeated flight shows (default `show`): its handshake messages are always dropped (read
   * before); `hide` also leaves out its ChangeCipherSpec, so a flight sent again on the peer's retransmission timer, or
   * in answer to an input, answers `timeout` (repeated-flights.ts). 1.3 has no such record: nothing changes there.
   */
  readonly peerRetransmissions?: PeerRetransmissions;
  /** How long a session waits for the client's first ClientHello after starting it (default 5000 ms). */
  readonly startMs?: number;
  readonly provider?: CryptoProvider; /** Called after every step with what it read and how long it waited against its budget (session.ts `StepRecord`). */
  readonly onStep?: (step: StepRecord) => void;
}

/**
 * Learn a DTLS client: we play the server. Each session listens on its own port, starts the client command with that
 * port, and reads the client's first ClientHello before the learner's first input, so every session starts in the
 * state "ClientHello received". On any free port (`port` 0) the clients are started ahead of their sessions
 * (started-clients.ts). Stopping a session kills the client's process group.
 */
export async function openClientSul(options: ClientSulOptions): Promise<SystemUnderLearning> {
  const provider = options.provider ?? defaultProvider();
  const credentials = loadCredentials(provider, options);
  const waitMs = checkedWait(options.waitMs);
  const parallel = checkedCount('parallel', options.parallel);
  const retransmissions = checkedRetransmissions(options.peerRetransmissions);
  const startMs = options.startMs ?? 5000;
  if (options.version !== '1.2' && options.version !== '1.3')
    throw new RangeError(`version must be '1.2' or '1.3', got ${String(options.version)}`);
  const command = options.clientCommand;
  const own = options.ownClient;
  if ((command === undefined) === (own === undefined))
    throw new RangeError(
      'give one of clientCommand (a client started per session) and ownClient (dtls13 client hosted here)',
    );
  if (command !== undefined && (typeof command !== 'string' || !command.includes('{port}')))
    throw new RangeError(
      `clientCommand must contain {port} (the port the client connects to), got ${JSON.stringify(command)}`,
    );
  if (own !== undefined && (typeof own !== 'object' || own === null || own.ca === undefined))
    throw new RangeError('ownClient needs ca: the trust anchor for the certificate the mapper presents');
  const starter: ClientStarter =
    own !== undefined
      ? (channel) => startOwnClient(own, options.version, options.host, channel, startMs)
      : (channel) => startClient(command!, options.host, channel, startMs);
  if (!Number.isInteger(options.port) || options.port < 0 || options.port + parallel - 1 > 65535)
    throw new RangeError(`port must be 0 or a first port with room for ${parallel} sessions, got ${options.port}`);
  const free = Array.from({ length: parallel }, (_, i) => i);
  const inputs = options.version === '1.3' ? INPUTS_13_CLIENT : INPUTS_12_CLIENT;
  // On any free port, a session's client is started ahead, while earlier sessions run (started-clients.ts).
  const clients = options.port === 0 ? new StartedClients(starter, options.host, parallel) : undefined;
  /** A client on the slot's own port (a fixed first port), started for the session. */
  const onSlot = async (slot: number): Promise<StartedClient> =>
    starter(await DatagramChannel.listening(options.host, options.port + slot));
  return new SessionsOverUdp(
    options.version,
    'client',
    inputs,
    parallel,
    async () => {
      const slot = clients === undefined ? (free.shift() ?? 0) : undefined;
      let started: StartedClient;
      try {
        started = slot === undefined ? await clients!.take() : await onSlot(slot);
      } catch (e) {
        if (slot !== undefined) free.push(slot);
        throw e;
      }
      const side =
        options.version === '1.3'
          ? new Server13(provider, credentials)
          : new Server12(provider, credentials, retransmissions);
      if (started.first !== undefined) side.receive(started.first);
      const session = new MapperSession(started.channel, side, waitMs, started.process, undefined, options.onStep);
      return {
        step: (input) => session.step(input),
        close: async () => {
          await session.close();
          if (slot !== undefined) free.push(slot);
        },
      };
    },
    () => clients?.close() ?? Promise.resolve(),
  );
}
