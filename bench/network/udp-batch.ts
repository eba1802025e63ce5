import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECEIVE_BATCH } from '../../runtime/node/datagram-io.js';
import type { GoodputOptions, Trial } from './trial.js';
import { cToolTrial } from './wolf-goodput.js';

/**
 * The batched plain-UDP anchors of the goodput bench (udp-batch.c): plain
 * UDP in C with sendmmsg/recvmmsg batching, and with UDP GSO on send and GRO
 * on receive. Compiled with `cc -O2` on first use and cached under
 * $DTLS13_CACHE (default ~/.cache/dtls13)/bench/ by the source's hash.
 */

const SOURCE = fileURLToPath(new URL('./udp-batch.c', import.meta.url));

/** What this kernel takes, from the tool's probe. */
export interface UdpOffload {
  readonly gso: boolean;
  readonly gro: boolean;
}

/** The compiled tool (built on first use). */
export function udpBatchTool(): string {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const dir = join(process.env.DTLS13_CACHE ?? join(homedir(), '.cache', 'dtls13'), 'bench');
  const tool = join(dir, `udp-batch-${hash}`);
  if (!existsSync(tool)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(process.env.CC ?? 'cc', ['-O2', SOURCE, '-o', `${tool}.tmp`], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    renameSync(`${tool}.tmp`, tool);
  }
  return tool;
}

/** Whether the kernel takes UDP_SEGMENT and UDP_GRO. */
export function probeOffload(tool: string): UdpOffload {
  const [, gso, , gro] = execFileSync(tool, ['probe'], { encoding: 'utf8' }).trim().split(' ');
  return { gso: gso === '1', gro: gro === '1' };
}

/** One trial: `mmsg` (sendmmsg of each burst, recvmmsg of up to RECEIVE_BATCH) or `gso` (each burst one GSO send, GRO on receive). */
export function udpBatchTrial(tool: string, mode: 'mmsg' | 'gso', o: GoodputOptions): Promise<Trial> {
  return cToolTrial(
    tool,
    o,
    // recvmmsg takes as many per call as dtls13's own reading does.
    (port) => ['recv', mode, String(port), String(o.bufferSize), '150', String(RECEIVE_BATCH)],
    (port) => ['send', mode, String(port), String(o.bufferSize), String(o.trialMs), String(o.payload), String(o.burst)],
  );
}
