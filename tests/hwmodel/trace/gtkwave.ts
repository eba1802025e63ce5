import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const haveTool = (name: string): boolean => spawnSync(name, ['--help'], { encoding: 'utf8' }).error === undefined;
let ready: string | undefined;

/**
 * Makes sure GTKWave's vcd2fst/fst2vcd are installed (install-gtkwave.sh:
 * Debian's `gtkwave`, needs root or password-less sudo), like the interop
 * tests build wolfSSL. Returns undefined when they run, else why not: a test
 * then FAILS with that reason, it does not skip.
 */
export function gtkwaveTools(): string | undefined {
  if (ready !== undefined) return ready === '' ? undefined : ready;
  if (!(haveTool('vcd2fst') && haveTool('fst2vcd'))) {
    try {
      execFileSync('bash', [fileURLToPath(new URL('./install-gtkwave.sh', import.meta.url))], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (e) {
      ready = `GTKWave's vcd2fst/fst2vcd are missing and tests/hwmodel/trace/install-gtkwave.sh could not install them (Debian package gtkwave; needs root or sudo): ${e instanceof Error ? e.message : String(e)}`;
      return ready;
    }
  }
  ready = haveTool('vcd2fst') && haveTool('fst2vcd') ? '' : 'GTKWave installed but vcd2fst/fst2vcd still do not run';
  return ready === '' ? undefined : ready;
}
