/**
 * The child of kept-df.test.ts, run in a network namespace whose link to the receiver has a small MTU: a socket (the
 * library's, `madeByLibrary`, or the application's) sends three bursts of eight equal datagrams through DatagramIo (one
 * UDP GSO send each), each burst in a turn of its own, then what `then` says, each datagram of it longer than the link's
 * MTU (so it leaves as IP fragments under the socket's default mode, and is refused under IP_PMTUDISC_DO):
 *
 * - `nothing`: no more;
 * - `sendmmsg`: one through DatagramIo as well (the addon's sendmmsg);
 * - `dgram`: one through DatagramIo with batching off (node:dgram);
 * - `dgram-then-gso`: one through node:dgram as `dgram`, and in the same turn (node:dgram writes it a tick later) a
 *   fourth burst through GSO;
 * - `application`: one by the socket's own `send`, as an application sends on its socket.
 *
 * Prints one JSON line: what every send's callback heard (`null` or an error code) and the socket's errors.
 *
 *     node --import=tsx kept-df-sender.ts '{"from":"10.1.2.2","to":"10.1.2.1","port":9,"socket":"library","then":"dgram"}'
 */
import { createSocket } from 'node:dgram';
import { setImmediate as turn } from 'node:timers/promises';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import { madeByLibrary } from '../../runtime/node/kept-df.js';

interface Config {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly socket: 'library' | 'application';
  readonly then: 'nothing' | 'sendmmsg' | 'dgram' | 'dgram-then-gso' | 'application';
  /** Each burst's datagrams' length (default 900). */
  readonly segment?: number;
  /** The length of what `then` sends (default 1,400). */
  readonly big?: number;
}

const config = JSON.parse(process.argv[2]!) as Config;
const segment = config.segment ?? 900;
const big = new Uint8Array(config.big ?? 1400).fill(0xbb);
const made = createSocket('udp4');
const socket = config.socket === 'library' ? madeByLibrary(made) : made;
const errors: string[] = [];
socket.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
await new Promise<void>((resolve) => socket.bind(0, config.from, resolve));
const io = DatagramIo.of(socket);
if (!io.batched) throw new Error('no batched datagram I/O here (the addon, Linux, IPv4)');

const heard: string[] = [];
const pending: Promise<void>[] = [];
const callback = (): ((error?: Error | null) => void) => {
  let settle = (): void => {};
  pending.push(new Promise<void>((resolve) => (settle = resolve)));
  return (error) => {
    heard.push(error ? ((error as NodeJS.ErrnoException).code ?? error.message) : 'null');
    settle();
  };
};
const burst = (n: number): void => {
  const datagrams = Array.from({ length: 8 }, (_, i) => new Uint8Array(segment).fill(16 * n + i));
  const done = callback();
  let left = 8;
  io.send(datagrams, 8, config.port, config.to, false, (e) => {
    if (e || --left === 0) done(e);
  });
};

for (let n = 0; n < 3; n++) {
  burst(n);
  await turn();
}
const bigDone = callback();
if (config.then === 'sendmmsg') io.send([big], 1, config.port, config.to, false, bigDone);
else if (config.then === 'dgram' || config.then === 'dgram-then-gso') {
  io.setBatching(false);
  io.send([big], 1, config.port, config.to, false, bigDone);
  io.setBatching(true);
  if (config.then === 'dgram-then-gso') burst(3);
} else if (config.then === 'application') socket.send(big, config.port, config.to, bigDone);
else bigDone();
await Promise.all(pending);
await turn();
process.stdout.write(`${JSON.stringify({ heard, errors })}\n`);
socket.close();
