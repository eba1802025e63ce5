/**
 * The splicing relay of {@link GroBed} (gro-bed.ts), run in the router
 * namespace: `node --import=tsx splice-relay.ts SERVER_ADDRESS PORT SEED`.
 * The router's nftables turn the client's datagrams to SERVER_ADDRESS:PORT
 * into ones to this process (DNAT); it sends datagrams shorter than
 * gro-bed.ts's DATA_LENGTH on at once, and holds application data until it
 * has a run, which it sends on in one batched send (UDP GSO: the server's
 * socket reads it as one GRO buffer), after it:
 *
 * - drops each datagram with probability LOSS/1000,
 * - swaps each with the one after it with probability SWAP/1000 (reordering inside the run),
 * - puts before each a forged copy with probability FORGE/1000: the same
 *   header and length, its last byte (the AEAD tag's) changed, so it cannot
 *   authenticate; before the genuine one, so that the copy is opened first
 *   and not taken for a replay.
 *
 * A run is RUN datagrams, or what was held once none came for 20 ms. Runs
 * follow the datagrams, not the client's sends, so a run can hold the end
 * of one send and the start of the next (a key update between them: two
 * epochs in one run). Replies go back to the client as they come.
 *
 * Commands on stdin, one per line, answered on stdout: `mode LOSS SWAP
 * FORGE RUN` → `moded`; `counts` → `counts JSON` (datagrams held, dropped,
 * swapped, forged; runs sent, and runs whose DTLS 1.3 headers name two
 * epochs).
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { createInterface } from 'node:readline';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import { Prng } from '../support/prng.js';
import { DATA_LENGTH } from './gro-bed.js';

const [server, portArg, seedArg] = process.argv.slice(2);
if (server === undefined || portArg === undefined) throw new Error('usage: splice-relay.ts SERVER_ADDRESS PORT [SEED]');
const port = Number(portArg);
const prng = new Prng(Number(seedArg ?? Date.now()));
const say = (line: string): boolean => process.stdout.write(`${line}\n`);

const mode = { loss: 0, swap: 0, forge: 0, run: 32 };
const counts = { held: 0, dropped: 0, swapped: 0, forged: 0, runs: 0, mixedEpochRuns: 0 };
const chance = (perMille: number): boolean => perMille > 0 && prng.below(1000) < perMille;

const front = createSocket('udp4');
const back = createSocket('udp4');
let client: RemoteInfo | undefined;
let held: Buffer[] = [];
let idle: NodeJS.Timeout | undefined;

/** Sends the held run on, impaired as {@link mode} says. */
function flush(): void {
  clearTimeout(idle);
  if (held.length === 0) return;
  const run = held.filter(() => !(chance(mode.loss) && ++counts.dropped));
  held = [];
  for (let i = 0; i + 1 < run.length; i++) {
    if (!chance(mode.swap)) continue;
    [run[i], run[i + 1]] = [run[i + 1]!, run[i]!];
    counts.swapped++;
    i++; // a swapped pair stays as it is
  }
  const out: Uint8Array[] = [];
  for (const d of run) {
    if (chance(mode.forge)) {
      const forged = Uint8Array.from(d);
      forged[forged.length - 1]! ^= 0x80;
      out.push(forged);
      counts.forged++;
    }
    out.push(d);
  }
  // A DTLS 1.3 unified header (0b001xxxxx) carries the epoch's low two bits.
  const epochs = new Set(out.filter((d) => (d[0]! & 0xe0) === 0x20).map((d) => d[0]! & 3));
  if (epochs.size > 1) counts.mixedEpochRuns++;
  counts.runs++;
  if (out.length > 0) DatagramIo.of(back).send(out, out.length, port, server!, false, () => {});
}

front.on('message', (d, from) => {
  client = from;
  if (d.length <= DATA_LENGTH) {
    flush(); // what came before it first
    back.send(d, port, server);
    return;
  }
  counts.held++;
  held.push(d);
  if (held.length >= mode.run) flush();
  else {
    clearTimeout(idle);
    idle = setTimeout(flush, 20);
  }
});
back.on('message', (d) => {
  if (client !== undefined) front.send(d, client.port, client.address);
});
front.on('error', () => {});
back.on('error', () => {}); // ICMP from the server's side: the relay is the network, it does not report
await Promise.all([
  new Promise<void>((resolve) => front.bind(port, () => resolve())),
  new Promise<void>((resolve) => back.bind(0, () => resolve())),
]);
// Room for a whole test's datagrams: the relay, not its socket, decides what is lost.
front.setRecvBufferSize(4 << 20);
say('relaying');

for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...rest] = line.trim().split(' ');
  if (command === 'mode') {
    [mode.loss, mode.swap, mode.forge, mode.run] = rest.map(Number) as [number, number, number, number];
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] = 0;
    say('moded');
  } else if (command === 'counts') say(`counts ${JSON.stringify(counts)}`);
}
process.exit(0);
