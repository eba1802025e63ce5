import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, wolfsslBuild, type PemFiles } from '../../tests/interop/wolfssl.js';
import { onSide } from './placement.js';
import type { GoodputOptions, Trial } from './trial.js';

/**
 * The C side of the goodput bench: wolf-goodput.c compiled against the
 * interop wolfSSL build (no assembly) or the one with assembly
 * (build-wolfssl-asm.sh), cached next to that build under a name that
 * carries the source's hash; a sender and a receiver process per trial.
 */

export type WolfVariant = 'wolfssl' | 'wolfssl-asm';

const SOURCE = fileURLToPath(new URL('./wolf-goodput.c', import.meta.url));

function asmBuild(): string {
  const script = fileURLToPath(new URL('./build-wolfssl-asm.sh', import.meta.url));
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').at(-1) ?? '';
}

/** The compiled tool for a wolfSSL build (built on first use). */
export function wolfGoodputTool(variant: WolfVariant): string {
  const build = variant === 'wolfssl' ? wolfsslBuild() : asmBuild();
  const library = join(build, 'src', '.libs', 'libwolfssl.a');
  if (!existsSync(library)) throw new Error(`${library} is missing`);
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const tool = join(dirname(build), `wolf-goodput-${hash}`);
  if (!existsSync(tool))
    execFileSync('gcc', ['-O2', '-I', build, SOURCE, library, '-lm', '-lpthread', '-o', tool], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  return tool;
}

/** Plain UDP in C needs no wolfSSL; any build of the tool does it. Runs on `side`'s CPUs when BENCH_NET_CPUS pins (placement.ts). */
function run(
  side: 'sender' | 'receiver',
  tool: string,
  args: readonly string[],
  onLine?: (line: string) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(...onSide(side, tool, args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n').slice(0, -1)) onLine?.(line);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(limit);
      if (code === 0) resolve(out.trim().split('\n').at(-1) ?? '');
      else reject(new Error(`${tool} ${args.join(' ')} exited ${code}: ${err.trim()}`));
    });
  });
}

/** One C trial: a receiver, then a sender for `o.trialMs`; DTLS 1.3 (or 1.2 with `dtls12`) with `suite` (wolfSSL's name), or plain UDP when `pem` is undefined. */
export function cTrial(
  tool: string,
  o: GoodputOptions,
  pem: PemFiles | undefined,
  suite: string,
  dtls12 = false,
): Promise<Trial> {
  const mode = pem ? (dtls12 ? 'dtls12' : 'dtls') : 'udp';
  return cToolTrial(
    tool,
    o,
    (port) => ['recv', mode, String(port), String(o.bufferSize), '150', ...(pem ? [pem.cert, pem.key] : [])],
    (port) => [
      'send',
      mode,
      String(port),
      String(o.bufferSize),
      String(o.trialMs),
      String(o.payload),
      String(o.burst),
      ...(pem ? [pem.ca, suite] : []),
    ],
  );
}

/**
 * One trial of a C receiver and sender that speak wolf-goodput.c's lines
 * (the receiver prints "ready", then "bytes messages spanNs cpuUs cpu"; the
 * sender "sent cpuUs cpu"), on a free loopback port.
 */
export async function cToolTrial(
  tool: string,
  o: GoodputOptions,
  receiverArgs: (port: number) => readonly string[],
  senderArgs: (port: number) => readonly string[],
): Promise<Trial> {
  const port = await freePort();
  let ready!: () => void;
  const bound = new Promise<void>((r) => (ready = r));
  const receiver = run('receiver', tool, receiverArgs(port), (l) => l === 'ready' && ready());
  await Promise.race([bound, receiver]);
  const sender = await run('sender', tool, senderArgs(port));
  const [bytes, messages, spanNs, receiverCpu, receiverOn = -1] = (await receiver).split(' ').map(Number) as [
    number,
    number,
    number,
    number,
    number?,
  ];
  const [sent, senderCpu, senderOn = -1] = sender.split(' ').map(Number) as [number, number, number?];
  const spanMs = spanNs / 1e6;
  return {
    delivered: messages > 1 && spanMs > 0 ? bytes / spanMs : 0,
    records: messages > 1 && spanMs > 0 ? (messages * 1000) / spanMs : 0,
    recordBytes: messages > 0 ? bytes / messages : Number.NaN,
    offered: (sent * o.payload) / o.trialMs,
    lost: sent > 0 ? 1 - messages / sent : 1,
    senderCpu: sent > 0 ? senderCpu / sent : Number.NaN,
    receiverCpu: messages > 0 ? receiverCpu / messages : Number.NaN,
    senderOn,
    receiverOn,
    coalesced: Number.NaN,
  };
}
