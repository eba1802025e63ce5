import { concatBytes } from '../runtime/wire/bytes.js';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import type { HandshakeTypeName } from '../generated/wire/enums.js';
import { handshakeFragment, plaintextRecord } from '../tests/support/attacker.js';
import { DtlsConnection, type ConnectionOptions } from '../runtime/connection/connection.js';
import { HelloRetryResponder } from '../runtime/dtls13/hello-retry-responder.js';
import {
  DEFAULT_MAX_CLIENT_HELLO_LENGTH,
  DEFAULT_MAX_PENDING_CLIENT_HELLOS,
} from '../runtime/dtls13/hello-retry-reassembly.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { benchMemoryAttacks } from './memory-attacks.js';

/**
 * Retained memory per connection, measured as heap growth (V8 heap plus
 * array buffers, after full collections) across N connections held at
 * once, against baselines measured in the same run and in alternating
 * order: N bare objects and N bound node:dgram sockets.
 *
 * Subjects, all sans-I/O server connections made the way the UDP server
 * makes them (a stateless cookie exchange through HelloRetryResponder, then
 * DtlsConnection.server with the accepted retry):
 * - an idle connected session (handshake done, one message each way, every
 *   timer run out);
 * - a half-open handshake (second ClientHello accepted, server flight sent,
 *   the client gone quiet);
 * - the same under the worst datagrams a peer can send before it
 *   authenticates: one-byte fragments claiming the longest message for
 *   every message_seq the reassembler buffers (next..next+8), zero-length
 *   fragments, 40 forged ciphertext records of a future epoch, and
 *   thousands of out-of-order one-byte fragments. Target: ≤ 64 KiB each.
 * And the stateless responder's reassembly cache under a flood of
 * ClientHello first fragments (bounded in total, not per peer); then, over
 * loopback UDP, what the server holds under a 0-RTT flood from forged
 * addresses and under an anti-replay store that never answers
 * (memory-attacks.ts).
 *
 * Needs `global.gc`: without it, the bench re-runs itself in a child
 * process started with --expose-gc.
 */

const NOW = Date.UTC(2026, 10, 21);
const TARGET_ATTACKED = 64 * 1024;
const KiB = 1024;

type Gc = () => void;

function gcOf(): Gc | undefined {
  const g = (globalThis as { gc?: unknown }).gc;
  return typeof g === 'function' ? (g as Gc) : undefined;
}

/** Heap in use now: V8's heap and the array buffers outside it (record and key bytes live there). */
function used(gc: Gc): number {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Subject {
  readonly name: string;
  /** Makes `n` items and returns them (kept alive until measured), and how to release them. */
  make(n: number): Promise<{ keep: unknown[]; release: () => Promise<void> }>;
}

function identity() {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  const server: ConnectionOptions = {
    certificate: { chain: id.chain, privateKey: id.privateKey },
    wallClock: () => NOW,
  };
  const client: ConnectionOptions = { trustAnchors: [id.caDer], serverName: 'bench.test', wallClock: () => NOW };
  return { server, client };
}

function drain(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d; d = c.pollTransmit()) out.push(d);
  return out;
}

/** A client and the server connection the UDP server would make for it after the cookie exchange; the server has sent its flight. */
function acceptedPair(
  responder: HelloRetryResponder,
  opts: ReturnType<typeof identity>,
  address: string,
): { client: DtlsConnection; server: DtlsConnection } {
  const client = DtlsConnection.client(opts.client);
  client.connect(0);
  const hrr = responder.handle(drain(client)[0]!, address, 0);
  if (hrr.kind !== 'reply') throw new Error(`expected a HelloRetryRequest, got ${hrr.kind}`);
  client.receive(hrr.datagram, 1);
  const accepted = responder.handle(drain(client)[0]!, address, 1);
  if (accepted.kind !== 'accept') throw new Error(`expected the cookie accepted, got ${accepted.kind}`);
  const server = DtlsConnection.server({ ...opts.server, statelessRetry: accepted.retry });
  server.receive(accepted.datagram, 1);
  return { client, server };
}

let recordSeq = 1000;
function record(
  msgType: HandshakeTypeName,
  messageSeq: number,
  length: number,
  offset: number,
  body: Uint8Array,
): Uint8Array {
  return plaintextRecord(
    'handshake',
    handshakeFragment({ msgType, length, messageSeq, fragmentOffset: offset, fragment: body }),
    recordSeq++,
  );
}

/** Records packed into datagrams of at most ~1,400 bytes. */
function datagrams(records: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let batch: Uint8Array[] = [];
  let size = 0;
  for (const r of records) {
    if (size + r.length > 1400 && batch.length > 0) {
      out.push(concatBytes(batch));
      batch = [];
      size = 0;
    }
    batch.push(r);
    size += r.length;
  }
  if (batch.length > 0) out.push(concatBytes(batch));
  return out;
}

/** The worst a peer can send a half-open server connection (message_seq 2 is next after the second ClientHello). */
function worstDatagrams(): Uint8Array[] {
  const LONGEST = 0x20000; // the longest message a reassembler buffers by default
  const one = new Uint8Array(1);
  const out: Uint8Array[] = [];
  // One-byte fragments claiming the longest message, for next..next+8.
  out.push(...datagrams(Array.from({ length: 9 }, (_, k) => record('certificate', 2 + k, LONGEST, LONGEST - 1, one))));
  // Zero-length fragments, old and new.
  out.push(
    ...datagrams(
      Array.from({ length: 56 }, (_, k) =>
        record('client_hello', k % 12, k % 12 < 2 ? 0 : LONGEST, 0, new Uint8Array(0)),
      ),
    ),
  );
  // 40 forged ciphertext records of a future epoch (3: unified header 001 0 1 1 11), 1,200 bytes each.
  for (let i = 0; i < 40; i++) {
    const d = new Uint8Array(1200);
    d.set([0x2f, i >> 8, i & 0xff, (1195 >> 8) & 0xff, 1195 & 0xff]);
    d.fill(0xa5, 5);
    out.push(d);
  }
  // Out-of-order one-byte fragments: every other byte, 300 per message, for every buffered message_seq.
  const scattered: Uint8Array[] = [];
  for (let k = 0; k < 9; k++)
    for (let j = 0; j < 300; j++) scattered.push(record('certificate', 2 + k, LONGEST, 2 * j + 1, one));
  out.push(...datagrams(scattered));
  return out;
}

function subjects(opts: ReturnType<typeof identity>): Subject[] {
  const responder = new HelloRetryResponder(opts.server);
  const worst = worstDatagrams();
  let peer = 0;
  return [
    {
      name: 'bare object',
      make: async (n) => ({ keep: Array.from({ length: n }, (_, i) => ({ i })), release: async () => {} }),
    },
    {
      name: 'node:dgram socket (bound)',
      make: async (n) => {
        const sockets: Socket[] = [];
        for (let i = 0; i < n; i++) {
          const s = createSocket('udp4');
          await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
          sockets.push(s);
        }
        return {
          keep: sockets,
          release: async () =>
            void (await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))))),
        };
      },
    },
    {
      name: 'idle connected session',
      make: async (n) => {
        const keep: DtlsConnection[] = [];
        for (let i = 0; i < n; i++) {
          const { client, server } = acceptedPair(responder, opts, `peer ${peer++}`);
          for (let round = 2; round < 10; round++) {
            for (const d of drain(server)) client.receive(d, round);
            for (const d of drain(client)) server.receive(d, round);
          }
          if (server.state !== 'connected')
            throw new Error(`handshake failed: ${server.failure?.message ?? server.state}`);
          client.send(Uint8Array.of(1));
          for (const d of drain(client)) server.receive(d, 11);
          server.send(Uint8Array.of(2));
          for (const d of drain(server)) client.receive(d, 11);
          server.handleTimeout(600_000); // every retransmission, ACK and key-retention timer has run
          drain(server);
          while (server.pollEvent());
          keep.push(server);
        }
        return { keep, release: async () => {} };
      },
    },
    {
      name: 'half-open handshake',
      make: async (n) => ({
        keep: Array.from({ length: n }, () => acceptedPair(responder, opts, `peer ${peer++}`).server),
        release: async () => {},
      }),
    },
    {
      name: 'attacked half-open handshake',
      make: async (n) => {
        const keep: DtlsConnection[] = [];
        for (let i = 0; i < n; i++) {
          const { server } = acceptedPair(responder, opts, `peer ${peer++}`);
          drain(server);
          for (const d of worst) server.receive(d, 2);
          drain(server);
          keep.push(server);
        }
        return { keep, release: async () => {} };
      },
    },
  ];
}

/** The responder's reassembly cache after first fragments (claiming the longest ClientHello) from twice as many peers as it holds. */
function reassemblyFlood(
  opts: ReturnType<typeof identity>,
  gc: Gc,
): { bytes: number; held: number; evicted: number; retained: number } {
  const before = used(gc);
  const responder = new HelloRetryResponder(opts.server);
  const length = DEFAULT_MAX_CLIENT_HELLO_LENGTH;
  for (let i = 0; i < 2 * DEFAULT_MAX_PENDING_CLIENT_HELLOS; i++)
    responder.handle(record('client_hello', 0, length, length - 1, new Uint8Array(1)), `flood ${i}`, 0);
  const retained = used(gc) - before;
  const p = responder.pendingClientHellos;
  return { bytes: p.bytes, held: p.count, evicted: p.evicted, retained };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function kib(bytes: number): string {
  return `${(bytes / KiB).toFixed(bytes < 10 * KiB ? 2 : 1)} KiB`;
}

async function run(log: (line: string) => void, gc: Gc): Promise<void> {
  const n = Number(process.env.DTLS13_BENCH_MEMORY_N ?? 200);
  const rounds = Number(process.env.DTLS13_BENCH_MEMORY_ROUNDS ?? 3);
  const opts = identity();
  const list = subjects(opts);
  const figures = new Map<string, number[]>(list.map((s) => [s.name, []]));
  // Warm-up: module state, caches and pools first touched by each subject are not per connection, nor is the
  // optimized code V8 compiles while the first few hundred handshakes run (with 20 it was ~3 KiB "per session").
  for (const s of list) {
    const { keep, release } = await s.make(n);
    await release();
    keep.length = 0;
  }
  for (let r = 0; r < rounds; r++) {
    // Alternate the order from round to round, so drift hits every subject alike.
    const order = r % 2 === 0 ? list : [...list].reverse();
    for (const s of order) {
      const before = used(gc);
      const { keep, release } = await s.make(n);
      const after = used(gc);
      figures.get(s.name)!.push((after - before) / keep.length);
      await release();
      keep.length = 0;
    }
  }
  const per = (name: string): number => median(figures.get(name)!);
  const socket = per('node:dgram socket (bound)');
  log(
    `memory: retained bytes per item, heap growth across N = ${n} held at once (V8 heap + array buffers, after gc), median of ${rounds} alternating rounds`,
  );
  for (const s of list) {
    const v = per(s.name);
    const ratio =
      s.name === 'bare object' || s.name.startsWith('node:dgram')
        ? ''
        : `  (${(v / socket).toFixed(1)}× a bound dgram socket)`;
    log(`  ${s.name.padEnd(30)} ${kib(v).padStart(12)}${ratio}`);
  }
  const attacked = per('attacked half-open handshake');
  log(
    `  target: an attacked half-open handshake retains ≤ ${kib(TARGET_ATTACKED)}: ${attacked <= TARGET_ATTACKED ? 'met' : `NOT met (${(attacked / TARGET_ATTACKED).toFixed(1)}× the target)`}`,
  );
  const flood = reassemblyFlood(opts, gc);
  log(
    `  stateless responder, ${2 * DEFAULT_MAX_PENDING_CLIENT_HELLOS} peers' first fragments: ${flood.held} partial ClientHellos held (${flood.evicted} evicted), ` +
      `${kib(flood.bytes)} of bodies and bitmaps, ${kib(flood.retained)} retained in all (bound: ${DEFAULT_MAX_PENDING_CLIENT_HELLOS} × ${kib(DEFAULT_MAX_CLIENT_HELLO_LENGTH)} + 1/8)`,
  );
  await benchMemoryAttacks(log, gc);
}

/** `npm run bench -- memory`. */
export async function benchMemory(log: (line: string) => void): Promise<void> {
  const gc = gcOf();
  if (gc) return run(log, gc);
  // Re-run in a child that has global.gc.
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8');
  let buffered = '';
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const l of lines) log(l);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (buffered) log(buffered);
  if (code !== 0) throw new Error(`the memory bench child exited with ${String(code)}`);
}

if (process.argv.includes('--child')) {
  const gc = gcOf();
  if (!gc) throw new Error('run with --expose-gc');
  await run((l) => process.stdout.write(`${l}\n`), gc);
}
