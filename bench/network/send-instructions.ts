/**
 * Instructions per payload in a sending dtls13 client, counted without the clock: `npm run bench -- send-instructions`
 * (or `npx tsx bench/network/send-instructions.ts [1.3|1.2]` for one) runs a `connect()` session on the native provider
 * under valgrind's callgrind (instrumentation off) against a `listen()` server of this process. The client sends
 * 1,200-byte AES-128-GCM payloads (BENCH_NET_PAYLOAD sets another size) in bursts of 32, one burst a turn of its event
 * loop, as the network bench's sender does: `DTLS13_INSTR_WARM` payloads (default 20,000) uncounted, then exactly
 * `DTLS13_INSTR_PAYLOADS` (default 20,000) counted, then the dump. Prints the instructions per payload sent and, from
 * callgrind_annotate, the addon's sealing calls and its send call per payload. callgrind counts what runs in user space
 * only: the kernel's side of the send (GSO `sendmsg`, the copy, loopback delivery) is not in these figures (`npx tsx
 * bench/network/send-kernel.ts` measures it). DTLS13_INSTR_KEEP=1 keeps the dump.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { listen } from '../../runtime/api/listener.js';
import { makeIdentity, type Identity } from '../../tests/support/pki-fixtures.js';
import { openSession, type Version } from './dtls12.js';
import { payloadFromEnv } from './payload.js';
import { annotated, callgrindArgs, ownCosts } from '../callgrind-functions.js';
import { readFileSync } from 'node:fs';

const BURST = 32;
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The client, in the process callgrind runs: the server's port and CA from stdin's first line, then `go` twice. */
async function sendSide(version: Version): Promise<void> {
  if (!nativeProvider) throw new Error('the native addon is not built (or DTLS13_NATIVE=0)');
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const given = JSON.parse((await lines.next()).value as string) as { port: number; ca: string };
  const id = { caDer: new Uint8Array(Buffer.from(given.ca, 'base64')) } as Identity;
  const session = await openSession(given.port, id, version, {
    provider: nativeProvider,
    suite: 'tls_aes_128_gcm_sha256',
    mtu: 1400,
  });
  const payload = new Uint8Array(payloadFromEnv(process.env.BENCH_NET_PAYLOAD)).fill(0x61);
  const burst = async (n: number): Promise<void> => {
    for (let sent = 0; sent < n; sent += BURST) {
      for (let k = 0; k < BURST; k++) void session.send(payload);
      await turn();
    }
  };
  await burst(Number(process.env.DTLS13_INSTR_WARM ?? 20_000));
  console.log('"warm"');
  await lines.next(); // counting is on
  await burst(Number(process.env.DTLS13_INSTR_PAYLOADS ?? 20_000));
  console.log('"sent"');
  await lines.next(); // dumped
  process.exit(0);
}

/** The addon calls of a send, by what they do, with the record's own work (AEAD and mask) inside the sealing calls. */
const CALLS = {
  seal: ['record_seal_batch', 'record_seal_js', 'record12_seal_batch', 'record12_seal_js'],
  send: ['udp_send_laid_js', 'udp_send_batch_js'],
  aead: ['record_seal', 'record12_seal'],
};

/** V8's optimising compiler's functions, and the collector's (marking, sweeping, scavenges and their bookkeeping). */
const COMPILER = /v8::internal::compiler::|v8::internal::maglev::|v8::internal::Zone/;
const COLLECTOR =
  /Scaveng|v8::internal::Heap::|MarkCompact|Marking|Sweeper|Evacuat|v8::internal::GC|heap::base::|cppgc::|BodyDescriptor|MemoryChunk|SizeFromMap|IterateObjectCache|__popcountdi2|RememberedSet|RelocIterator|RecordMigratedSlot|FreeList|StringTableCleaner|PointersUpdating|WeakReferences|PretenuringHandler/;

/** One client under callgrind: the instructions per payload sent, and the addon's calls' share. */
async function measure(log: (line: string) => void, version: Version): Promise<void> {
  if (!nativeProvider) throw new Error('the native addon is not built (or DTLS13_NATIVE=0)');
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  let messages = 0;
  const server = listen((session) => (session.onmessage = () => void messages++), {
    cert: id.chain,
    key: id.privateKey,
    host: '127.0.0.1',
    provider: nativeProvider,
    udpReceiveBufferSize: 4 * 1024 * 1024,
  });
  const { port } = await server.listening;
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-tx-callgrind-'));
  const client = spawn('valgrind', callgrindArgs(dir, fileURLToPath(import.meta.url), ['--send', version]), {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const lines = createInterface({ input: client.stdout! })[Symbol.asyncIterator]();
  client.stdin!.write(`${JSON.stringify({ port, ca: Buffer.from(id.caDer).toString('base64') })}\n`);
  const control = (arg: string): void =>
    void execFileSync('callgrind_control', [arg, String(client.pid)], { stdio: 'ignore' });
  const payloads = Number(process.env.DTLS13_INSTR_PAYLOADS ?? 20_000);
  const expect = async (what: string): Promise<void> => {
    const line = await lines.next();
    if (line.done || JSON.parse(line.value) !== what) throw new Error(`the client said ${line.value}, not ${what}`);
  };
  try {
    await expect('warm');
    control('--instr=on');
    client.stdin!.write('go\n');
    await expect('sent');
    control('--dump');
    client.stdin!.write('done\n');
    await new Promise((r) => client.once('exit', r));
  } finally {
    client.kill('SIGKILL');
    await server.close();
  }
  const { file, total, inclusive: cost } = annotated(dir, payloads);
  const sum = (fns: readonly string[]): number => fns.reduce((s, fn) => s + (cost(fn) || 0), 0);
  const seal = sum(CALLS.seal);
  const aead = sum(CALLS.aead);
  const send = sum(CALLS.send);
  const share = (x: number): string => `${((x / total) * 100).toFixed(1)} %`;
  log(
    `send-instructions: ${version}, ${payloadFromEnv(process.env.BENCH_NET_PAYLOAD)} B payloads: ${payloads} counted (${messages} delivered)`,
  );
  log(
    `send-instructions:   ${total.toFixed(0)} instructions per payload in the client (user space); the addon's sealing calls ${seal.toFixed(0)} (${share(seal)}): the record's mask and AEAD ${aead.toFixed(0)}, the rest of the calls ${(seal - aead).toFixed(0)}; the send call ${send.toFixed(0)} (${share(send)}); the rest ${(total - seal - send).toFixed(0)} (${share(total - seal - send)})`,
  );
  // What moves between runs of one tree: V8's optimising compiler and the collector, when they run inside the window.
  let compiler = 0;
  let collector = 0;
  for (const [fn, c] of ownCosts(readFileSync(file, 'utf8'))) {
    if (COMPILER.test(fn)) compiler += c / payloads;
    else if (COLLECTOR.test(fn)) collector += c / payloads;
  }
  log(
    `send-instructions:   of them V8's optimising compiler ${compiler.toFixed(0)}, the collector ${collector.toFixed(0)}; the rest ${(total - compiler - collector).toFixed(0)}`,
  );
  if (process.env.DTLS13_INSTR_KEEP === '1') log(`send-instructions:   callgrind's files in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** `npm run bench -- send-instructions`: DTLS 1.3 then 1.2. */
export async function benchSendInstructions(log: (line: string) => void): Promise<void> {
  for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) await measure(log, version);
}

if (process.argv[2] === '--send') await sendSide(process.argv[3] as Version);
else if (process.argv[1] === fileURLToPath(import.meta.url))
  await measure(console.log, process.argv[2] === '1.2' ? 'DTLSv1.2' : 'DTLSv1.3');
