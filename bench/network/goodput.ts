import { createSocket, type Socket } from 'node:dgram';
import { connectUdp } from '../../runtime/node/client.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import type { Identity } from '../../tests/support/pki-fixtures.js';
import type { Peer } from './peer.js';
import { mbit, median } from './stats.js';

/**
 * Application-data goodput on loopback: this process sends 1,200-byte
 * payloads as fast as it can for a fixed time, the peer process counts the
 * payload bytes its application receives (rate = bytes / time from first to
 * last delivery). dtls13 (client here → server there) and plain node:dgram
 * (socket here → socket there) use the same two processes, the same payload,
 * the same burst pacing and the same socket buffer sizes, in alternating
 * trials (ABBA order, so drift hits both alike); the ratio is the median of
 * the per-round ratios.
 */

export interface GoodputOptions {
  readonly payload: number;
  /** How long each trial sends, ms. */
  readonly trialMs: number;
  /** Rounds of one dtls13 and one plain trial each. */
  readonly rounds: number;
  /** Payloads handed to the socket between two turns of the event loop. */
  readonly burst: number;
  /** SO_SNDBUF/SO_RCVBUF on every socket (0: system default). */
  readonly bufferSize: number;
}

interface Trial {
  /** Payload bytes per ms delivered to the receiver's application. */
  readonly delivered: number;
  /** Payload bytes per ms handed to the sender's send call. */
  readonly offered: number;
  /** Fraction of the payloads sent that never reached the receiver's application. */
  readonly lost: number;
  /** CPU time (user + system) per payload: this process per payload sent, the peer per payload delivered, µs. */
  readonly senderCpu: number;
  readonly receiverCpu: number;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function trial(peer: Peer, which: 'dtls' | 'udp', send: (d: Uint8Array) => void, o: GoodputOptions): Promise<Trial> {
  const payload = new Uint8Array(o.payload).fill(0x61);
  const peerCpu0 = await peer.reset();
  const cpu0 = process.cpuUsage();
  let sent = 0;
  const t0 = performance.now();
  let t1 = t0;
  while (t1 - t0 < o.trialMs) {
    for (let k = 0; k < o.burst; k++) send(payload);
    sent += o.burst;
    await turn();
    t1 = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  // Until the receiver stops receiving (its queue drained).
  let c = await peer.count(which);
  for (;;) {
    await sleep(30);
    const again = await peer.count(which);
    if (again.messages === c.messages) break;
    c = again;
  }
  const span = c.lastAt - c.firstAt;
  return {
    delivered: c.messages > 1 && span > 0 ? c.bytes / span : 0,
    offered: (sent * o.payload) / (t1 - t0),
    lost: 1 - c.messages / sent,
    senderCpu: (cpu.user + cpu.system) / sent,
    receiverCpu: c.messages > 0 ? (c.cpuMicros - peerCpu0) / c.messages : Number.NaN,
  };
}

function sizeSocket(s: Socket, bufferSize: number): void {
  if (bufferSize <= 0) return;
  s.setSendBufferSize(bufferSize);
  s.setRecvBufferSize(bufferSize);
}

/** Runs the goodput comparison against the peer's two receivers and prints it. */
export async function goodput(peer: Peer, id: Identity, o: GoodputOptions): Promise<void> {
  const tx = createSocket('udp4');
  await new Promise<void>((r) => tx.bind(0, '127.0.0.1', () => r()));
  sizeSocket(tx, o.bufferSize);
  const plainSend = (d: Uint8Array): void => void tx.send(d, peer.udpPort, '127.0.0.1');
  const client: DtlsEndpoint = connectUdp({ port: peer.dtlsPort, trustAnchors: [id.caDer], serverName: 'localhost' });
  await client.handshake;
  sizeSocket(client.socket, o.bufferSize);
  const dtlsSend = (d: Uint8Array): void => client.send(d);

  const warm = { ...o, trialMs: Math.min(300, o.trialMs) };
  await trial(peer, 'udp', plainSend, warm);
  await trial(peer, 'dtls', dtlsSend, warm);
  const plain: Trial[] = [];
  const ours: Trial[] = [];
  for (let r = 0; r < o.rounds; r++) {
    if (r % 2 === 0) {
      plain.push(await trial(peer, 'udp', plainSend, o));
      ours.push(await trial(peer, 'dtls', dtlsSend, o));
    } else {
      ours.push(await trial(peer, 'dtls', dtlsSend, o));
      plain.push(await trial(peer, 'udp', plainSend, o));
    }
  }
  client.close();
  await client.closed;
  tx.close();

  const ratios = ours.map((t, i) => t.delivered / plain[i]!.delivered);
  const row = (name: string, ts: Trial[]): string => {
    const d = ts.map((t) => t.delivered);
    const us = (xs: number[]): string => `${median(xs).toFixed(1)} µs`;
    return (
      `  ${name.padEnd(36)} ${mbit(median(d))} delivered (trials ${mbit(Math.min(...d)).trim()}–${mbit(Math.max(...d)).trim()}); sender offered ${mbit(median(ts.map((t) => t.offered))).trim()}, ` +
      `${(median(ts.map((t) => t.lost)) * 100).toFixed(0)}% not delivered; CPU per payload: sender ${us(ts.map((t) => t.senderCpu))}, receiver ${us(ts.map((t) => t.receiverCpu))}`
    );
  };
  console.log(row('plain node:dgram', plain));
  console.log(row('dtls13 (AES-128-GCM, node provider)', ours));
  console.log(
    `  ratio dtls13 / plain UDP              ${median(ratios).toFixed(2)} (median of ${o.rounds} rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')})`,
  );
}
