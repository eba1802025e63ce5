import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * valgrind's arguments for a node process under callgrind, instrumentation off until {@link callgrindWindow} turns
 * it on, one dump file per thread in `dir`; then node's own arguments.
 */
export function callgrindNode(dir: string, args: readonly string[]): string[] {
  return [
    '--tool=callgrind',
    '--instr-atstart=no',
    '--separate-threads=yes',
    `--callgrind-out-file=${join(dir, 'cg.%p')}`,
    process.execPath,
    '--import',
    'tsx',
    ...args,
  ];
}

/**
 * The counted window of process `pid`, started under `valgrind --tool=callgrind
 * --instr-atstart=no`: counting turned on (`callgrind_control --instr=on`), `ms`
 * waited, the counts dumped. `read` is called just before and just after each
 * switch, so a figure over the window is the mean of the two reads at its end
 * less the mean of the two at its start.
 */
export async function callgrindWindow<T>(
  pid: number,
  ms: number,
  read: () => Promise<T>,
): Promise<readonly [T, T, T, T]> {
  const control = (arg: string): void =>
    void execFileSync('callgrind_control', [arg, String(pid)], { stdio: 'ignore' });
  const beforeOn = await read();
  control('--instr=on');
  const afterOn = await read();
  await sleep(ms);
  const beforeDump = await read();
  control('--dump');
  return [beforeOn, afterOn, beforeDump, await read()];
}
