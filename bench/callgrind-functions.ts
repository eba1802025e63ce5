/**
 * `npx tsx bench/callgrind-functions.ts <callgrind dump> <divisor> [perf map] [rows]`: a callgrind dump's own
 * instructions (exclusive, every thread) summed by function and divided by `divisor` (e.g. the payloads counted), the
 * largest `rows` (default 40) printed. Code V8 compiled at run time has no symbol, so callgrind names it by address;
 * given the process's `/tmp/perf-<pid>.map` (written under `node --perf-basic-prof`), each such address is named by
 * the map's entry that holds it, so a JavaScript function's row holds what the compiler inlined into it in that run.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * valgrind's arguments to run `script` (TypeScript, under tsx) with `args` in callgrind, counting nothing until
 * switched on (callgrind-window.ts), its dump written to `dir`.
 */
export function callgrindArgs(dir: string, script: string, args: readonly string[]): string[] {
  return [
    '--tool=callgrind',
    '--instr-atstart=no',
    `--callgrind-out-file=${join(dir, 'cg.%p')}`,
    process.execPath,
    '--import',
    'tsx',
    script,
    ...args,
  ];
}

/**
 * The first dump in `dir`: its file, and callgrind_annotate's figures divided by `per`: the total, and a function's
 * inclusive cost (NaN if absent).
 */
export function annotated(
  dir: string,
  per: number,
): { file: string; total: number; inclusive: (fn: string) => number } {
  const name = readdirSync(dir).find((f) => /\.1$/.test(f));
  if (name === undefined) throw new Error(`no callgrind dump in ${dir}`);
  const file = join(dir, name);
  const text = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const total = Number(/([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS/.exec(text)?.[1]?.replace(/,/g, '') ?? Number.NaN) / per;
  const inclusive = (fn: string): number => {
    const m = new RegExp(`^\\s*([\\d,]+) \\([^)]*\\)\\s+\\S*:${fn} `, 'm').exec(text);
    return m === null ? Number.NaN : Number(m[1]!.replace(/,/g, '')) / per;
  };
  return { file, total, inclusive };
}

/** Own cost per function name in a callgrind dump (the `fn=` blocks' cost lines, not the inclusive ones of calls). */
export function ownCosts(dump: string): Map<string, number> {
  const names = new Map<string, string>();
  const costs = new Map<string, number>();
  let fn = '';
  let skipNext = false;
  for (const line of dump.split('\n')) {
    if (line.startsWith('fn=')) {
      const m = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (m === null) fn = line.slice(3);
      else {
        if (m[2] !== undefined) names.set(m[1]!, m[2]);
        fn = names.get(m[1]!) ?? m[1]!;
      }
      continue;
    }
    const cfn = /^cfn=\((\d+)\) (.*)$/.exec(line);
    if (cfn !== null) names.set(cfn[1]!, cfn[2]!);
    if (line.startsWith('calls=')) {
      skipNext = true;
      continue;
    }
    if (!/^[-+*\d]/.test(line)) continue;
    if (skipNext) {
      skipNext = false; // the inclusive cost of the call just named
      continue;
    }
    const parts = line.split(' ');
    const cost = Number(parts[1] ?? 0);
    if (fn !== '' && cost > 0) costs.set(fn, (costs.get(fn) ?? 0) + cost);
  }
  return costs;
}

/** Names callgrind's `0x…` functions from a perf map's [start, start + size) ranges. */
export function nameJit(costs: Map<string, number>, map: string): Map<string, number> {
  const entries = map
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [start, size, ...name] = l.split(' ');
      return { start: parseInt(start!, 16), end: parseInt(start!, 16) + parseInt(size!, 16), name: name.join(' ') };
    })
    .sort((a, b) => a.start - b.start);
  const find = (at: number): string | undefined => {
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = entries[mid]!;
      if (at < e.start) hi = mid - 1;
      else if (at >= e.end) lo = mid + 1;
      else return e.name;
    }
    return undefined;
  };
  const named = new Map<string, number>();
  for (const [fn, cost] of costs) {
    const m = /^0x([0-9a-f]+)/.exec(fn);
    const name = ((m === null ? undefined : find(parseInt(m[1]!, 16))) ?? fn).replace(/'\d+$/, '');
    named.set(name, (named.get(name) ?? 0) + cost);
  }
  return named;
}

if (process.argv[1]?.endsWith('callgrind-functions.ts')) {
  const [dumpFile, divisor, mapFile, rows] = process.argv.slice(2);
  if (dumpFile === undefined || divisor === undefined) throw new Error('usage: <callgrind dump> <divisor> [perf map]');
  let costs = ownCosts(readFileSync(dumpFile, 'utf8'));
  if (mapFile !== undefined && mapFile !== '-') costs = nameJit(costs, readFileSync(mapFile, 'utf8'));
  const d = Number(divisor);
  const total = [...costs.values()].reduce((s, c) => s + c, 0);
  console.log(`${(total / d).toFixed(0)} instructions per unit, own costs by function:`);
  for (const [fn, c] of [...costs].sort((a, b) => b[1] - a[1]).slice(0, Number(rows ?? 40)))
    console.log(`${(c / d).toFixed(0).padStart(8)}  ${fn}`);
}
