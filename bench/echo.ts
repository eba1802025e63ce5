import { createSocket, type Socket } from 'node:dgram';
import { cpus } from 'node:os';
import { connect, listen } from '../runtime/index.js';
import { certificateToPem, privateKeyToPem } from '../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { loadNote, spread } from './network/stats.js';
import { envInt } from './scale-out.js';

/**
 * `npm run bench -- echo` (issue 57): CPU per echo round trip of a 1,100-byte payload between a `connect` client and
 * a `listen` server in one process over loopback UDP, default options, DTLS 1.3 and DTLS 1.2, against plain
 * `node:dgram` (two sockets in the same process, the client's connected as `connect`'s is, the server answering to
 * the sender's address as the listener does). Each side awaits its echo before sending the next, the same promise per
 * round trip for all three. The CPU is `process.cpuUsage` over a round's round trips (user and system, both sides and
 * the event loop, since they share the process; time the machine gives other processes is not counted), in µs per
 * round trip, and each DTLS figure is printed as a ratio to the `node:dgram` one of the same round.
 *
 * The three alternate within every round, the first of them moving on by one each round so that none always follows
 * the same one (whose garbage it would collect). The sessions stay up across the rounds: each version handshakes once,
 * before the warm-up, because the figure is the data path's; a handshake per round would put its garbage and its
 * first-call code into the round trips measured after it (`-- handshake` and `-- api` measure handshakes).
 *
 * Environment: BENCH_ECHO_ROUNDS (6), BENCH_ECHO_N (round trips per contender per round, 2000), BENCH_ECHO_WARMUP
 * (round trips per contender before the first round, not counted, 500).
 */

export type EchoName = 'dgram' | 'DTLSv1.3' | 'DTLSv1.2';
export const ECHO_NAMES: readonly EchoName[] = ['dgram', 'DTLSv1.3', 'DTLSv1.2'];
export const ECHO_PAYLOAD = 1100;

export interface EchoOptions {
  readonly rounds: number;
  readonly roundTrips: number;
  readonly warmUp: number;
}

export interface EchoFigures {
  readonly name: EchoName;
  /** CPU µs per round trip, one figure per round. */
  readonly us: readonly number[];
  /** This figure over the `node:dgram` one of the same round, per round (1 for `dgram` itself). */
  readonly ratio: readonly number[];
  /** Payload bytes the client got back, warm-up included: what the figures counted. */
  readonly echoedBytes: number;
}

export interface EchoRun extends EchoOptions {
  readonly figures: readonly EchoFigures[];
}

/** One way of echoing: `echo` sends the payload and settles when it is back. */
interface Echoer {
  readonly name: EchoName;
  echo(): Promise<void>;
  echoedBytes(): number;
  close(): Promise<void>;
}

const PAYLOAD = new Uint8Array(ECHO_PAYLOAD).fill(0x65);

/** A client whose `echo` sends through `send` and settles on the next reply, counting the bytes replied. */
function replies(name: EchoName, send: () => void, close: () => Promise<void>): Echoer & { reply(n: number): void } {
  let resolveReply: () => void = () => undefined;
  let echoed = 0;
  return {
    name,
    echo: () =>
      new Promise<void>((resolve) => {
        resolveReply = resolve;
        send();
      }),
    reply: (n) => {
      echoed += n;
      resolveReply();
    },
    echoedBytes: () => echoed,
    close,
  };
}

const bound = (socket: Socket): Promise<void> => new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));

async function dgramEchoer(): Promise<Echoer> {
  const server = createSocket('udp4');
  server.on('message', (m, from) => server.send(m, from.port, from.address));
  const client = createSocket('udp4');
  await Promise.all([bound(server), bound(client)]);
  await new Promise<void>((resolve) => client.connect(server.address().port, '127.0.0.1', () => resolve()));
  const closed = (s: Socket): Promise<void> => new Promise((resolve) => s.close(() => resolve()));
  const echoer = replies(
    'dgram',
    () => client.send(PAYLOAD),
    async () => {
      await Promise.all([closed(client), closed(server)]);
    },
  );
  client.on('message', (m) => echoer.reply(m.length));
  return echoer;
}

async function dtlsEchoer(version: 'DTLSv1.3' | 'DTLSv1.2'): Promise<Echoer> {
  const id = createThrowawayIdentity({ serverName: 'echo.test', caName: 'echo CA' });
  const listener = listen(
    (s) => {
      s.onmessage = (m) => s.send(m);
    },
    {
      cert: id.chain.map((c) => certificateToPem(c)).join(''),
      key: privateKeyToPem(id.privateKey),
      host: '127.0.0.1',
      port: 0,
      maxVersion: version,
      minVersion: version,
    },
  );
  const { port } = await listener.listening;
  const session = connect('127.0.0.1', port, { ca: certificateToPem(id.caDer), servername: 'echo.test' });
  const close = async (): Promise<void> => {
    await session.close();
    await listener.close();
  };
  const { protocol } = await session.opened;
  if (protocol !== version) {
    await close();
    throw new Error(`echo: asked for ${version}, the handshake gave ${protocol}`);
  }
  const echoer = replies(version, () => session.send(PAYLOAD), close);
  session.onmessage = (m) => echoer.reply(m.length);
  return echoer;
}

/** CPU µs per round trip over `n` round trips, one at a time. */
async function cpuPerRoundTrip(e: Echoer, n: number): Promise<number> {
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) await e.echo();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / n;
}

/** The three contenders in alternating rounds, each round printed as it ends. */
export async function echoRoundTrips(options: EchoOptions, log: (line: string) => void): Promise<EchoRun> {
  const echoers: Echoer[] = [];
  try {
    for (const make of [dgramEchoer, () => dtlsEchoer('DTLSv1.3'), () => dtlsEchoer('DTLSv1.2')])
      echoers.push(await make()); // one at a time, so that those made are closed if a later one fails
    for (const e of echoers) for (let i = 0; i < options.warmUp; i++) await e.echo();
    const us = echoers.map((): number[] => []);
    for (let r = 0; r < options.rounds; r++) {
      for (let k = 0; k < echoers.length; k++) {
        const i = (r + k) % echoers.length;
        us[i]!.push(await cpuPerRoundTrip(echoers[i]!, options.roundTrips));
      }
      log(
        `  round ${r + 1}: ${echoers.map((e, i) => `${e.name} ${us[i]![r]!.toFixed(1)} µs`).join(', ')} ` +
          `(${echoers
            .slice(1)
            .map((e, i) => `${e.name} ${(us[i + 1]![r]! / us[0]![r]!).toFixed(2)}×`)
            .join(', ')})`,
      );
    }
    const figures = echoers.map((e, i) => ({
      name: e.name,
      us: us[i]!,
      ratio: us[i]!.map((x, r) => x / us[0]![r]!),
      echoedBytes: e.echoedBytes(),
    }));
    return { ...options, figures };
  } finally {
    for (const e of echoers) await e.close();
  }
}

/** `npm run bench -- echo`: the per-round figures, then each contender's median and range and its ratio to dgram. */
export async function benchEcho(
  log: (line: string) => void,
  options: EchoOptions = {
    rounds: envInt('BENCH_ECHO_ROUNDS', 6),
    roundTrips: envInt('BENCH_ECHO_N', 2000),
    warmUp: envInt('BENCH_ECHO_WARMUP', 500, 0),
  },
): Promise<EchoRun> {
  log(
    `\necho: CPU per round trip of a ${ECHO_PAYLOAD.toLocaleString('en-US')}-byte payload, listen + connect in one process (both sides), default options; ` +
      `${options.rounds} alternating rounds of ${options.roundTrips} round trips after ${options.warmUp}; ` +
      `${cpus()[0]?.model ?? 'unknown CPU'}, ${loadNote()}`,
  );
  const run = await echoRoundTrips(options, log);
  for (const f of run.figures)
    log(
      `  ${f.name.padEnd(8)} ${spread(f.us, 1)} µs per round trip` +
        (f.name === 'dgram' ? '' : `; ${spread(f.ratio)} × dgram's, per round`),
    );
  log(`  (${loadNote()} after)`);
  return run;
}
