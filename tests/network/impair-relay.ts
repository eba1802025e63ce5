/**
 * The impairing relay of {@link LossyBed} (lossy-bed.ts), run in the
 * router namespace: `node --import=tsx impair-relay.ts SERVER_ADDRESS SEED`.
 * The router's nftables turn every UDP datagram from the client to
 * SERVER_ADDRESS into one to the router itself, same port (DNAT); this
 * process takes it on a socket bound to that port, decides its fate
 * (impairment.ts), and sends it on to SERVER_ADDRESS:PORT from a socket of
 * its own per client flow; replies come back the same way, impaired too,
 * and leave from the port the client sent to, which conntrack rewrites to
 * the server's address. The server sees the router as its client, as
 * behind a NAT.
 *
 * Commands on stdin, one per line, each answered on stdout:
 * `forward PORT` → `forwarding PORT`; `impair SPEC` (netem syntax) →
 * `impaired`; `counts` → `counts JSON` (per direction: dropped, now, delayed).
 */
import { createSocket, type Socket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { Impairment, parseImpairment } from './impairment.js';

const [server, seedArg] = process.argv.slice(2);
if (server === undefined) throw new Error('usage: impair-relay.ts SERVER_ADDRESS [SEED]');
let seed = Number(seedArg ?? Date.now()) >>> 0;
let up = new Impairment(parseImpairment(''), seed++);
let down = new Impairment(parseImpairment(''), seed++);
const say = (line: string): boolean => process.stdout.write(`${line}\n`);

/** Sends `datagram` with `send` now, later or never, as `impairment` decides. */
function impaired(impairment: Impairment, datagram: Buffer, send: (d: Buffer) => void): void {
  const fate = impairment.fate();
  if (fate === 'now') send(datagram);
  else if (fate === 'delay') setTimeout(() => send(datagram), impairment.spec.delayMs);
}

const listening = new Map<number, Socket>();

function forward(port: number): Promise<void> {
  if (listening.has(port)) return Promise.resolve();
  const front = createSocket('udp4');
  listening.set(port, front);
  /** One upstream socket per client address and port. */
  const flows = new Map<string, Socket>();
  front.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let back = flows.get(key);
    if (back === undefined) {
      const socket = createSocket('udp4');
      flows.set(key, (back = socket));
      socket.on('message', (reply) => impaired(down, reply, (d) => front.send(d, from.port, from.address)));
      socket.on('error', () => {}); // ICMP from the server side: the relay is the network, it does not report
      socket.bind(0);
    }
    const socket = back;
    impaired(up, msg, (d) => socket.send(d, port, server));
  });
  front.on('error', () => {});
  return new Promise((resolve) => front.bind(port, () => resolve()));
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...rest] = line.trim().split(' ');
  if (command === 'forward') {
    await forward(Number(rest[0]));
    say(`forwarding ${rest[0]}`);
  } else if (command === 'impair') {
    const spec = parseImpairment(rest.join(' '));
    up = new Impairment(spec, seed++);
    down = new Impairment(spec, seed++);
    say('impaired');
  } else if (command === 'counts') say(`counts ${JSON.stringify({ up: up.counts, down: down.counts })}`);
}
process.exit(0);
