/**
 * Instructions per handshake in the `handshake-servers` dtls13 server, counted without the clock:
 * `npx tsx bench/handshake-servers/instructions.ts [--dtls12] [--no-cookies] [<checkout>]` runs dtls13-server.ts (the
 * given checkout's, else this tree's; the same flags) under valgrind's callgrind, instrumentation off, with the C
 * client (c-client.c on wolfSSL with assembly; compiled with -DDTLS12 for `--dtls12`) making full handshakes with
 * `DTLS13_INSTR_IN_FLIGHT` threads (default 4) until the server has served `DTLS13_INSTR_WARM` (default 2,000); then
 * counts for `DTLS13_INSTR_MS` (default 20,000) and dumps. It prints the instructions per handshake in the busiest
 * thread (the event loop) and in the whole process, the datagrams in and out per handshake, and callgrind's exact call
 * counts per handshake of `malloc`, ArrayBuffers with a backing store (`JSArrayBuffer::EnsureExtension`), OpenSSL's
 * fetches by name (`inner_evp_generic_fetch`) and the addon's N-API callbacks (`v8impl::FunctionCallbackWrapper::Invoke`).
 * Callgrind runs one thread at a time, so the count does not move with the machine's load as CPU time does; trees are
 * compared in alternating runs. DTLS13_INSTR_KEEP=1 keeps the dumps for callgrind_annotate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { callgrindNode, callgrindWindow } from '../callgrind-window.js';
import { envInt } from '../scale-out.js';
import { findCClient } from '../scale-out/c-client.js';
import { identityFiles, wolfClient12 } from './servers.js';

/** The functions whose calls are counted, by the name callgrind gives them (a prefix of it). */
const COUNTED_CALLS: readonly (readonly [string, string])[] = [
  ['malloc', 'malloc'],
  ['ArrayBuffers', 'v8::internal::JSArrayBuffer::EnsureExtension'],
  ['OpenSSL fetches', 'inner_evp_generic_fetch'],
  ['N-API callbacks', 'v8impl::(anonymous namespace)::FunctionCallbackWrapper::Invoke'],
];

/** Calls of each function of a callgrind dump, by name: the `calls=` lines summed per callee. */
export function callsByName(text: string): Map<string, number> {
  const names = new Map<string, string>();
  const calls = new Map<string, number>();
  let callee = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('cfn=')) {
      const m = /^cfn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (m === null) callee = line.slice(4);
      else {
        if (m[2] !== undefined) names.set(m[1]!, m[2]);
        callee = names.get(m[1]!) ?? m[1]!;
      }
    } else if (line.startsWith('fn=')) {
      const m = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (m !== null && m[2] !== undefined) names.set(m[1]!, m[2]);
    } else if (line.startsWith('calls=')) {
      calls.set(callee, (calls.get(callee) ?? 0) + Number(line.slice(6, line.indexOf(' '))));
    }
  }
  return calls;
}

interface Counts {
  readonly handshakes: number;
  readonly datagramsIn: number;
  readonly datagramsOut: number;
}

/** One server under callgrind: its instructions per handshake (the busiest thread, the process) and calls. */
export async function serverInstructions(
  log: (line: string) => void,
  options: { readonly dtls12: boolean; readonly noCookies: boolean; readonly checkout?: string },
): Promise<{ readonly thread: number; readonly process: number }> {
  const warm = envInt('DTLS13_INSTR_WARM', 2000);
  const ms = envInt('DTLS13_INSTR_MS', 20_000);
  const inFlight = envInt('DTLS13_INSTR_IN_FLIGHT', 4);
  const built = findCClient(log);
  if (built === undefined) throw new Error('the C client could not be built');
  const client = options.dtls12 ? wolfClient12(built.build, log) : built;
  const identity = identityFiles('instructions CA');
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-hs-callgrind-'));
  const root = options.checkout === undefined ? fileURLToPath(new URL('../..', import.meta.url)) : options.checkout;
  const module = join(resolve(root), 'bench', 'handshake-servers', 'dtls13-server.ts');
  const flags = [...(options.dtls12 ? ['--dtls12'] : []), ...(options.noCookies ? ['--no-cookies'] : [])];
  const server = spawn('valgrind', callgrindNode(dir, [module, identity.files.chain, identity.files.key, ...flags]), {
    stdio: ['pipe', 'pipe', 'ignore'],
    cwd: resolve(root),
  });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: server.stdout! }).on('line', (line) => waiting.shift()?.(line));
  const next = (): Promise<string> => new Promise((r) => waiting.push(r));
  const ask = async (): Promise<Counts> => {
    const answer = next();
    server.stdin!.write('counts\n');
    const m = /^handshakes=(\d+) in=(\d+) out=(\d+)/.exec(await answer);
    if (m === null) throw new Error('the server answered no counts');
    return { handshakes: Number(m[1]), datagramsIn: Number(m[2]), datagramsOut: Number(m[3]) };
  };
  const port = Number(/port=(\d+)/.exec(await next())?.[1]);
  const load: ChildProcess = spawn(
    client.tool,
    ['127.0.0.1', String(port), identity.files.ca, 'localhost', String(inFlight), String(24 * 3600 * 1000)],
    { stdio: 'ignore' },
  );
  const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));
  for (;;) {
    await sleep(2000);
    if ((await ask()).handshakes >= warm) break;
  }
  const [s0, s1, s2, s3] = await callgrindWindow(server.pid!, ms, ask);
  load.kill('SIGKILL');
  server.kill('SIGKILL');
  await new Promise((r) => server.once('exit', r));
  const delta = (k: keyof Counts): number => (s2[k] + s3[k]) / 2 - (s0[k] + s1[k]) / 2;
  const handshakes = delta('handshakes');
  const dumps = readdirSync(dir)
    .filter((f) => /\.1-\d+$/.test(f))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  const totals = dumps.map((text) => Number(/^(?:totals|summary): (\d+)/m.exec(text)?.[1] ?? 0)).sort((a, b) => b - a);
  const calls = new Map<string, number>();
  for (const text of dumps) for (const [name, n] of callsByName(text)) calls.set(name, (calls.get(name) ?? 0) + n);
  if (process.env.DTLS13_INSTR_KEEP === '1') log(`instructions: callgrind's files in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  rmSync(identity.dir, { recursive: true, force: true });
  const all = totals.reduce((a, b) => a + b, 0);
  const busiest = totals[0] ?? 0;
  const counted = COUNTED_CALLS.map(([label, prefix]) => {
    let n = 0;
    for (const [name, c] of calls) if (name === prefix || name.startsWith(`${prefix}(`)) n += c;
    return `${label} ${(n / handshakes).toFixed(1)}`;
  });
  log(
    `instructions: ${options.checkout ?? 'this tree'}, ${options.dtls12 ? 'DTLS 1.2' : 'DTLS 1.3'}${options.noCookies ? ', cookies: false' : ''}, ${inFlight} C client threads, ${ms} ms counted, ${handshakes.toFixed(0)} handshakes`,
  );
  log(
    `instructions: per handshake ${(busiest / handshakes / 1e6).toFixed(3)}M in the event loop's thread, ${(all / handshakes / 1e6).toFixed(3)}M in the process; datagrams in / out ${(delta('datagramsIn') / handshakes).toFixed(2)} / ${(delta('datagramsOut') / handshakes).toFixed(2)}`,
  );
  log(`instructions: calls per handshake, the process: ${counted.join(', ')}`);
  return { thread: busiest / handshakes, process: all / handshakes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const checkout = args.find((a) => !a.startsWith('--'));
  await serverInstructions(console.log, {
    dtls12: args.includes('--dtls12'),
    noCookies: args.includes('--no-cookies'),
    ...(checkout === undefined ? {} : { checkout }),
  });
}
