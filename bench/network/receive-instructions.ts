/**
 * Instructions per payload in a receiving dtls13 server, counted without the clock:
 * `npm run bench -- receive-instructions` (or `npx tsx bench/network/receive-instructions.ts
 * [1.3|1.2] [own|batch]` for one) runs a `listen()` server on the native provider under
 * valgrind's callgrind (instrumentation off), a `connect()` session of this process sending
 * 1,200-byte AES-128-GCM payloads (BENCH_NET_PAYLOAD sets another size) in bursts of 32 until the server has delivered
 * `DTLS13_INSTR_WARM` (default 20,000), then counts for `DTLS13_INSTR_MS` (default 20,000) ms
 * and dumps. Under callgrind the server is far slower than the sender, so its socket stays
 * full and every receive batch is full: the bulk case. Prints the instructions per payload
 * delivered and, from callgrind_annotate, the addon's record-opening call per payload: all
 * of it, the record's own work (mask, AEAD) and the rest (the call's arguments and N-API).
 * callgrind counts `rep stosb` (glibc's memset of large blocks) once per byte, so the
 * arenas' zeroing is over-weighted in the totals. DTLS13_INSTR_KEEP=1 keeps the dump;
 * DTLS13_OPEN_RUN=0 has the server open each record alone (runtime/record/opened-ahead.ts). DTLS13_INSTR_CID=N has
 * both sides ask for N-byte connection IDs (`cid`: 1.3 records with a CID, 1.2 tls12_cid records).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { listen } from '../../runtime/api/listener.js';
import type { MessageBuffers } from '../../runtime/wire/message-arena.js';
import { makeIdentity } from '../../tests/support/pki-fixtures.js';
import { openSession, type Version } from './dtls12.js';
import { callgrindWindow } from '../callgrind-window.js';
import { annotated, callgrindArgs } from '../callgrind-functions.js';
import { payloadFromEnv } from './payload.js';

/** DTLS13_INSTR_CID: the connection IDs' length both sides ask for (0: none). */
const CID = Number(process.env.DTLS13_INSTR_CID ?? 0);

/** The server, in the process callgrind runs: its certificate from the first line of stdin, then `stats` lines. */
async function serve(messageBuffers: MessageBuffers): Promise<void> {
  if (!nativeProvider) throw new Error('the native addon is not built (or DTLS13_NATIVE=0)');
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const given = JSON.parse((await lines.next()).value as string) as { chain: string[]; key: string };
  const cert = given.chain.map((c) => new Uint8Array(Buffer.from(c, 'base64')));
  const key = new Uint8Array(Buffer.from(given.key, 'base64'));
  let messages = 0;
  // Each message counted as it is delivered, kept nowhere.
  const server = listen((session) => (session.onmessage = () => void messages++), {
    cert,
    key,
    host: '127.0.0.1',
    provider: nativeProvider,
    messageBuffers,
    udpReceiveBufferSize: 4 * 1024 * 1024,
    ...(CID === 0 ? {} : { cid: CID }),
  });
  const { port } = await server.listening;
  console.log(JSON.stringify(port));
  for (let line = await lines.next(); !line.done && line.value === 'stats'; line = await lines.next())
    console.log(JSON.stringify(messages));
  await server.close();
  process.exit(0);
}

/** The addon functions that open records, by version and mode ('batch': a run of records per call, or one), and the record's own work inside them. */
const OPEN_CALL: Record<Version, Record<MessageBuffers, readonly string[]>> = {
  'DTLSv1.3': { own: ['record_open_run', 'record_open_owned_js'], batch: ['record_open_run', 'record_open_js'] },
  'DTLSv1.2': {
    own: ['record12_open_run', 'record12_open_owned_js'],
    // A tls12_cid record opened alone in 'batch' mode opens into an array of its own (its real type is inside).
    batch: ['record12_open_run', 'record12_open_js', 'record12_open_owned_js'],
  },
};
const OPEN_WORK: Record<Version, string> = { 'DTLSv1.3': 'record_open', 'DTLSv1.2': 'record12_open' };

/** One server under callgrind: the instructions per payload delivered, and the addon's opening call's share. */
async function measure(
  log: (line: string) => void,
  version: Version,
  buffers: MessageBuffers,
  runs = true,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-rx-callgrind-'));
  const self = fileURLToPath(import.meta.url);
  const server = spawn('valgrind', callgrindArgs(dir, self, ['--serve', buffers]), {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: runs ? process.env : { ...process.env, DTLS13_OPEN_RUN: '0' },
  });
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  server.stdin!.write(
    `${JSON.stringify({ chain: id.chain.map((c) => Buffer.from(c).toString('base64')), key: Buffer.from(id.privateKey).toString('base64') })}\n`,
  );
  const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<number> => JSON.parse((await lines.next()).value as string) as number;
  const delivered = async (): Promise<number> => {
    server.stdin!.write('stats\n');
    return next();
  };
  const port = await next();
  const session = await openSession(port, id, version, {
    provider: nativeProvider!,
    suite: 'tls_aes_128_gcm_sha256',
    mtu: 1400,
    cid: CID,
  });
  const payload = new Uint8Array(payloadFromEnv(process.env.BENCH_NET_PAYLOAD)).fill(0x61);
  const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));
  let sending = true;
  const sender = (async () => {
    while (sending) {
      for (let k = 0; k < 32; k++) void session.send(payload);
      await sleep(4);
    }
  })();
  const warm = Number(process.env.DTLS13_INSTR_WARM ?? 20_000);
  const ms = Number(process.env.DTLS13_INSTR_MS ?? 20_000);
  while ((await delivered()) < warm) await sleep(1000);
  const [m0, m1, m2, m3] = await callgrindWindow(server.pid!, ms, delivered);
  sending = false;
  await sender;
  server.kill('SIGKILL');
  await session.close();
  // The payloads over the window: the mean of the counts read before and after each switch.
  const payloads = (m2 + m3) / 2 - (m0 + m1) / 2;
  const { total, inclusive: cost } = annotated(dir, payloads);
  const call = OPEN_CALL[version][buffers].reduce((sum, fn) => sum + (cost(fn) || 0), 0);
  const work = cost(OPEN_WORK[version]);
  const how = (runs ? '' : ', each record opened alone (DTLS13_OPEN_RUN=0)') + (CID === 0 ? '' : `, ${CID}-byte CIDs`);
  log(
    `receive-instructions: ${version}, messageBuffers '${buffers}'${how}: ${payloads.toFixed(0)} payloads counted in ${ms} ms`,
  );
  log(
    `receive-instructions:   ${total.toFixed(0)} instructions per payload in the server; the addon's opening call ${call.toFixed(0)} (${((call / total) * 100).toFixed(1)} %): the record's mask and AEAD ${work.toFixed(0)}, the rest of the call ${(call - work).toFixed(0)} (${(((call - work) / total) * 100).toFixed(1)} %)`,
  );
  if (process.env.DTLS13_INSTR_KEEP === '1') log(`receive-instructions:   callgrind's files in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** `npm run bench -- receive-instructions`: DTLS 1.3 and 1.2, each in 'own' and 'batch' mode, and 'batch' with each record opened alone. */
export async function benchReceiveInstructions(log: (line: string) => void): Promise<void> {
  for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const)
    for (const buffers of ['own', 'batch'] as const) await measure(log, version, buffers);
  for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) await measure(log, version, 'batch', false);
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as MessageBuffers);
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version: Version = process.argv[2] === '1.2' ? 'DTLSv1.2' : 'DTLSv1.3';
  await measure(console.log, version, (process.argv[3] ?? 'batch') as MessageBuffers);
}
