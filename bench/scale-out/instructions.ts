/**
 * Instructions per handshake in a server on N workers, counted without the clock:
 * `npx tsx bench/scale-out/instructions.ts [p256|rsa4096] [1,2]` runs, per N, a
 * `listenWorkers` server (bench/scale-out/sink-worker.ts) under valgrind's callgrind,
 * instrumentation off, with the C client (c-client.c) making full handshakes from another
 * process until each worker has served `DTLS13_INSTR_WARM` handshakes (V8 has compiled the
 * path; default 1,500); then turns callgrind on (`callgrind_control -i on`), counts for
 * `DTLS13_INSTR_MS` (default 60,000) and dumps. It prints each thread's instructions and,
 * per handshake, the worker threads' and the whole process's, with the datagrams each
 * worker received, forwarded and took from another, and the messages it posted, per
 * handshake. Callgrind runs one thread at a time, so no core, cache or clock is shared
 * unevenly: a rise with N here is work, not contention.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { listenWorkers } from '../../runtime/workers.js';
import type { KeyPairKind } from '../../runtime/pki/key-pair.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { findCClient } from './c-client.js';
import { SERVER_LIMITS } from '../scale-out.js';
import { callgrindNode, callgrindWindow } from '../callgrind-window.js';

/** The per-worker counters this harness reads (a row of `stats.workers`). */
const COUNTED = ['serverSessions', 'packetsReceived', 'forwardedOut', 'forwardedIn', 'messagesPosted'] as const;
type Row = Record<(typeof COUNTED)[number], number>;

async function serve(workers: number, kind: KeyPairKind): Promise<void> {
  const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'instructions CA', kind });
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-instr-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, certificateToPem(id.caDer));
  const server = listenWorkers(new URL('./sink-worker.ts', import.meta.url), {
    workers,
    cert: id.chain.map((c) => certificateToPem(c)).join(''),
    key: privateKeyToPem(id.privateKey),
    ...SERVER_LIMITS,
  });
  const { port } = await server.listening;
  const rows = (): Row[] =>
    server.stats.workers.map(
      (w) => Object.fromEntries(COUNTED.map((k) => [k, (w as unknown as Record<string, number>)[k] ?? 0])) as Row,
    );
  console.log(JSON.stringify({ port, caFile }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'stats') console.log(JSON.stringify(rows()));
    else break;
  }
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

/** The next JSON line the server prints. */
function nextLine(lines: AsyncIterator<string>): Promise<unknown> {
  return lines.next().then((r) => JSON.parse(r.value as string) as unknown);
}

/** One server of `workers` workers under callgrind, `inFlight` C client threads: the workers' instructions per handshake. */
async function measure(
  log: (line: string) => void,
  workers: number,
  kind: string,
  warm: number,
  ms: number,
  inFlight: number,
): Promise<number> {
  const c = findCClient(log);
  if (c === undefined) throw new Error('the C client could not be built');
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-callgrind-'));
  const self = fileURLToPath(import.meta.url);
  const server = spawn('valgrind', callgrindNode(dir, [self, '--serve', String(workers), kind]), {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
  const ask = async (): Promise<Row[]> => {
    server.stdin!.write('stats\n');
    return (await nextLine(lines)) as Row[];
  };
  const { port, caFile } = (await nextLine(lines)) as { port: number; caFile: string };
  const client: ChildProcess = spawn(
    c.tool,
    ['127.0.0.1', String(port), caFile, 'localhost', String(inFlight), String(24 * 3600 * 1000)],
    {
      stdio: 'ignore',
    },
  );
  const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));
  for (;;) {
    await sleep(2000);
    const rows = await ask();
    if (rows.every((r) => r.serverSessions >= warm)) break;
  }
  const [s0, s1, s2, s3] = await callgrindWindow(server.pid!, ms, ask);
  client.kill('SIGKILL');
  server.kill('SIGKILL');
  // Each worker's counts over the window: the mean of the reads before and after each switch.
  const delta = (k: keyof Row, i: number): number => (s2[i]![k] + s3[i]![k]) / 2 - (s0[i]![k] + s1[i]![k]) / 2;
  const threads = readdirSync(dir)
    .filter((f) => /\.1-\d+$/.test(f))
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const total = Number(/^(?:totals|summary): (\d+)/m.exec(text)?.[1] ?? 0);
      return { thread: f.replace(/^.*-/, ''), total };
    })
    .sort((a, b) => b.total - a.total);
  // DTLS13_INSTR_KEEP=1 keeps the dumps for callgrind_annotate (their directory is printed).
  if (process.env.DTLS13_INSTR_KEEP === '1') log(`instructions: callgrind's files in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  const handshakes = s0.reduce((a, _, i) => a + delta('serverSessions', i), 0);
  const all = threads.reduce((a, t) => a + t.total, 0);
  const top = threads.slice(0, workers).reduce((a, t) => a + t.total, 0);
  log(
    `instructions: ${kind}, ${workers} worker(s), ${inFlight} C client threads, ${ms} ms counted, ${handshakes.toFixed(0)} handshakes`,
  );
  log(
    `instructions: threads (callgrind's numbering) ${threads
      .filter((t) => t.total > 0.001 * all)
      .map((t) => `${t.thread}: ${(t.total / 1e6).toFixed(0)}M`)
      .join(', ')}`,
  );
  log(
    `instructions: per handshake ${(top / handshakes / 1e6).toFixed(3)}M in the ${workers} busiest thread(s) (the workers), ${(all / handshakes / 1e6).toFixed(3)}M in the process`,
  );
  for (let i = 0; i < workers; i++) {
    const h = Math.max(1, delta('serverSessions', i));
    const per = (k: keyof Row): string => (delta(k, i) / h).toFixed(3);
    log(
      `instructions: worker ${i}: ${h.toFixed(0)} handshakes; per handshake ${per('packetsReceived')} datagrams received, ${per('forwardedOut')} forwarded out, ${per('forwardedIn')} forwarded in, ${per('messagesPosted')} messages posted`,
    );
  }
  return top / handshakes;
}

/**
 * `npm run bench -- scale-out-instructions`: per workload (`DTLS13_SCALE_OUT_KEYS`, default p256,rsa4096) and N
 * (1..`DTLS13_SCALE_OUT_WORKERS`, default 2), the workers' instructions per handshake with
 * `DTLS13_INSTR_IN_FLIGHT` C client threads per worker (default 4; the same load per worker for every N),
 * and each N's against one worker's.
 */
export async function benchScaleOutInstructions(log: (line: string) => void): Promise<void> {
  const keys = (process.env.DTLS13_SCALE_OUT_KEYS ?? 'p256,rsa4096').split(',');
  const most = Number(process.env.DTLS13_SCALE_OUT_WORKERS ?? 2);
  const ms = Number(process.env.DTLS13_INSTR_MS ?? 60_000);
  const perWorker = Number(process.env.DTLS13_INSTR_IN_FLIGHT ?? 4);
  for (const kind of keys) {
    // RSA-4096 handshakes cost ten times P-256's: fewer suffice to warm V8 up.
    const warm = Number(process.env.DTLS13_INSTR_WARM ?? (kind === 'rsa4096' ? 300 : 1500));
    const per = new Map<number, number>();
    for (let n = 1; n <= most; n++) per.set(n, await measure(log, n, kind, warm, ms, n * perWorker));
    for (let n = 2; n <= most; n++)
      log(
        `instructions: ${kind}: ${n} workers ${(per.get(n)! / 1e6).toFixed(3)}M per handshake = ${(per.get(n)! / per.get(1)!).toFixed(3)}× one worker's (${perWorker} handshakes in flight per worker)`,
      );
  }
}

if (process.argv[2] === '--serve') await serve(Number(process.argv[3]), process.argv[4] as KeyPairKind);
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kind = process.argv[2] ?? 'p256';
  const ns = (process.argv[3] ?? '1,2').split(',').map(Number);
  const warm = Number(process.env.DTLS13_INSTR_WARM ?? 1500);
  const ms = Number(process.env.DTLS13_INSTR_MS ?? 60_000);
  const inFlight = Number(process.env.DTLS13_INSTR_IN_FLIGHT ?? 8);
  for (const n of ns) await measure(console.log, n, kind, warm, ms, inFlight);
}
