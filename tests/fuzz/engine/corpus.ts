import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A short content hash, used as file name. */
export const inputId = (input: Uint8Array): string => createHash('sha1').update(input).digest('hex').slice(0, 16);

/** The inputs in `dir` (sorted by name), empty when it does not exist. */
export function loadDir(dir: string): { name: string; input: Uint8Array }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && !n.endsWith('.txt') && statSync(join(dir, n)).isFile())
    .sort()
    .map((name) => ({ name, input: new Uint8Array(readFileSync(join(dir, name))) }));
}

/** Writes `input` into `dir` under its hash (prefixed), unless already there; returns the path. */
export function saveInput(dir: string, input: Uint8Array, prefix = ''): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${prefix}${inputId(input)}`);
  if (!existsSync(path)) writeFileSync(path, input);
  return path;
}
