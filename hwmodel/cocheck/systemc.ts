import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { treePath } from './source-tree.js';

/** The SystemC side's source (handwritten; reads a scenario on stdin), in the tree's hwmodel/cocheck/ (tsc does not copy it into dist/). */
export const RUNNER_SOURCE = treePath('hwmodel', 'cocheck', 'sc-runner.cpp');
const FLAGS = ['-std=c++17', '-O1', '-Wall'];

/** Where compiled SystemC programs are kept: `$DTLS13_CACHE` or ~/.cache/dtls13, under systemc/. */
export function systemcCacheDir(): string {
  return join(process.env['DTLS13_CACHE'] ?? join(homedir(), '.cache', 'dtls13'), 'systemc');
}

/** libsystemc is not installed (or g++ is missing): says what to install. */
export class SystemCMissingError extends Error {
  override readonly name = 'SystemCMissingError';
}

/**
 * Compiles a C++ file against libsystemc with g++ and returns the binary's
 * path. The binary is cached, named by a hash of the source, the `headers`
 * it includes, the flags and the compiler version, so it is rebuilt only
 * when one of them changes.
 */
export function buildSystemC(
  source: string,
  name: string,
  extraFlags: readonly string[] = [],
  headers: readonly string[] = [],
): string {
  if (!existsSync('/usr/include/systemc')) {
    throw new SystemCMissingError(
      'SystemC headers not found (/usr/include/systemc): apt-get install -y libsystemc-dev',
    );
  }
  let compiler: string;
  try {
    compiler = execFileSync('g++', ['--version'], { encoding: 'utf8' });
  } catch {
    throw new SystemCMissingError('g++ not found: apt-get install -y g++');
  }
  const flags = [...FLAGS, ...extraFlags];
  const h = createHash('sha256').update(readFileSync(source)).update(flags.join(' ')).update(compiler);
  for (const f of headers) h.update(readFileSync(f));
  const hash = h.digest('hex').slice(0, 16);
  const dir = systemcCacheDir();
  const binary = join(dir, `${name}-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  const r = spawnSync('g++', [...flags, '-o', partial, source, '-lsystemc'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`g++ failed on ${source}:\n${r.stderr}`);
  renameSync(partial, binary);
  return binary;
}

/** Builds (or finds) the co-check runner. */
export function buildRunner(): string {
  return buildSystemC(RUNNER_SOURCE, 'sc-runner');
}

/** Runs a scenario's text on the SystemC runner; returns its trace lines. */
export function runScenarioSystemC(binary: string, name: string, text: string): string[] {
  const r = spawnSync(binary, [], { input: text, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`SystemC runner failed on ${name} (status ${String(r.status)}):\n${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}
