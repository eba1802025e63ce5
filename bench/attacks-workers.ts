import { loadavg } from 'node:os';
import { createSocket, type Socket } from 'node:dgram';
import { randomFillSync } from 'node:crypto';
import { connect, type DtlsSession } from '../runtime/index.js';
import { listenWorkers } from '../runtime/workers.js';
import type { DtlsWorkerListener } from '../runtime/api/workers/worker-listener.js';
import { pemIdentity } from '../tests/api/fixtures.js';

/**
 * `npm run bench -- attacks` (workers): records with forged CIDs aimed at
 * worker 0 of a 2-worker server (worker byte 0, the rest random), over
 * loopback UDP, while a client of worker 0 makes round trips one after
 * another. Rounds alternate: quiet, then the same round trips with the
 * flood running, in the same run. Measured with the steering program (the
 * kernel puts the forged records on worker 0's socket) and without it
 * (DTLS13_REUSEPORT_STEERING=0: the attacker's port hashes to worker 1,
 * which used to hand every forged record to worker 0).
 *
 * The flood sends chunks of 100 back to back (a turn of the event loop
 * between chunks) until the round trips are done or 10,000 are sent.
 *
 * Printed per mode: the genuine round trip in the flood against quiet
 * (median ratio, with its spread), round trips that got no answer within
 * 1 s, and worker 0's thread CPU per forged datagram sent (the flood
 * round's CPU less the quiet round's, per forged datagram).
 */
const ROUNDS = 5;
const TRIPS = 40;
const CHUNK = 100;
/** Forged records per flood round at most (the flood stops earlier when the round trips are done). */
const FLOOD_CAP = 10_000;
const LOST_AFTER_MS = 1000;
const ECHO_WORKER = new URL('../tests/api/workers/fixtures/echo-worker.ts', import.meta.url);

interface Round {
  readonly rttMs: number;
  readonly lost: number;
  readonly cpuMs: number;
  readonly forged: number;
}

export async function benchWorkerFlood(log: (line: string) => void): Promise<void> {
  for (const steered of [true, false]) await mode(steered, log);
}

async function mode(steered: boolean, log: (line: string) => void): Promise<void> {
  const saved = process.env.DTLS13_REUSEPORT_STEERING;
  if (steered) delete process.env.DTLS13_REUSEPORT_STEERING;
  else process.env.DTLS13_REUSEPORT_STEERING = '0';
  const id = pemIdentity('localhost');
  const server = listenWorkers(ECHO_WORKER, { workers: 2, cert: id.cert, key: id.key, host: '127.0.0.1', cid: 8 });
  if (saved === undefined) delete process.env.DTLS13_REUSEPORT_STEERING;
  else process.env.DTLS13_REUSEPORT_STEERING = saved;
  try {
    const { port } = await server.listening;
    if (server.stats.steered !== steered) {
      log(
        `attacks (workers): ${steered ? 'no steering program here (native addon)' : 'steering could not be turned off'}: skipped`,
      );
      return;
    }
    const client = await clientOnWorker0(port, id.ca);
    const attacker = await attackerOn(server, 1);
    const quiet: Round[] = [];
    const flood: Round[] = [];
    await round(server, client, undefined, port); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      quiet.push(await round(server, client, undefined, port));
      flood.push(await round(server, client, attacker, port));
    }
    attacker.close();
    await client.close();
    const ratios = flood.map((f, i) => f.rttMs / quiet[i]!.rttMs).sort((a, b) => a - b);
    const perForged = flood.map((f, i) => ((f.cpuMs - quiet[i]!.cpuMs) * 1000) / f.forged).sort((a, b) => a - b);
    const median = (xs: number[]): number => xs[xs.length >> 1]!;
    const forged = flood.reduce((n, f) => n + f.forged, 0);
    const w = server.stats.workers;
    log(
      `attacks (workers, ${steered ? 'steered' : 'not steered'}): forged-CID flood at worker 0, ${forged} forged records over ${ROUNDS} rounds: ` +
        `genuine round trip ${median(ratios).toFixed(2)}× quiet (spread ${ratios[0]!.toFixed(2)}..${ratios.at(-1)!.toFixed(2)}; ` +
        `median ${median(flood.map((f) => f.rttMs)).toFixed(2)} ms against ${median(quiet.map((q) => q.rttMs)).toFixed(2)} ms), ` +
        `${flood.reduce((n, f) => n + f.lost, 0)} of ${ROUNDS * TRIPS} round trips lost (quiet: ${quiet.reduce((n, q) => n + q.lost, 0)}); ` +
        `worker 0 CPU ${median(perForged).toFixed(2)} µs per forged record sent (spread ${perForged[0]!.toFixed(2)}..${perForged.at(-1)!.toFixed(2)}); ` +
        `handed to worker 0: ${w[1]!.forwardedOut}; dropped as unknown CIDs: worker 0 ${w[0]!.unknownConnectionId}, worker 1 ${w[1]!.unknownConnectionId}` +
        ` (load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')})`,
    );
  } finally {
    await server.close();
  }
}

/** `TRIPS` round trips one after another (each given up after 1 s), with the flood running from `attacker` when given. */
async function round(
  server: DtlsWorkerListener,
  client: DtlsSession,
  attacker: Socket | undefined,
  port: number,
): Promise<Round> {
  await settle();
  const cpu0 = server.stats.workers[0]!.threadCpuMs;
  let running = attacker !== undefined;
  let forged = 0;
  const record = Buffer.alloc(64);
  const sending = (async () => {
    while (running && forged < FLOOD_CAP) {
      for (let i = 0; i < CHUNK; i++) {
        randomFillSync(record, 3);
        record[0] = 0x3c;
        record[1] = 0;
        record[2] = 0;
        attacker!.send(record, port, '127.0.0.1');
      }
      forged += CHUNK;
      await new Promise((r) => setImmediate(r));
    }
  })();
  let lost = 0;
  const rtts: number[] = [];
  for (let i = 0; i < TRIPS; i++) {
    const t0 = performance.now();
    const ok = await trip(client, `t${i}`);
    if (ok) rtts.push(performance.now() - t0);
    else lost++;
  }
  running = false;
  await sending;
  await settle();
  rtts.sort((a, b) => a - b);
  return {
    rttMs: rtts[rtts.length >> 1] ?? LOST_AFTER_MS,
    lost,
    cpuMs: server.stats.workers[0]!.threadCpuMs - cpu0,
    forged,
  };
}

/** Lets the workers' rows catch up (their CPU time is written every 100 ms). */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 250));
}

function trip(client: DtlsSession, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.onmessage = null;
      resolve(false);
    }, LOST_AFTER_MS);
    client.onmessage = (data) => {
      if (data.toString() !== `0: ${text}`) return; // a late answer to a trip given up
      clearTimeout(timer);
      client.onmessage = null;
      resolve(true);
    };
    client.send(text);
  });
}

async function clientOnWorker0(port: number, ca: string): Promise<DtlsSession> {
  for (let tries = 0; tries < 40; tries++) {
    const client = connect('127.0.0.1', port, { ca, servername: 'localhost', cid: 4 });
    await client.opened;
    if (await trip(client, 'where')) return client;
    await client.close();
  }
  throw new Error('no client landed on worker 0 in 40 tries');
}

/** A socket whose datagrams the kernel's hash gives `worker` (probed with junk datagrams, seen in the workers' counts). */
async function attackerOn(server: DtlsWorkerListener, worker: number): Promise<Socket> {
  for (let tries = 0; tries < 64; tries++) {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
    const before = server.stats.workers.map((w) => w.packetsReceived);
    s.send(Uint8Array.of(0), server.address!.port, '127.0.0.1');
    let landed = -1;
    for (let waited = 0; landed < 0 && waited < 2000; waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
      landed = server.stats.workers.findIndex((w, i) => w.packetsReceived > before[i]!);
    }
    if (landed === worker) return s;
    s.close();
  }
  throw new Error(`no local port hashed to worker ${worker} in 64 tries`);
}
