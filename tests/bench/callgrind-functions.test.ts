/**
 * bench/callgrind-functions.ts: a real callgrind dump (of `node -e`, a JavaScript loop, so calls nest deep and JIT code
 * runs) summed by function: the own costs add up to the dump's total, no inclusive call cost counted twice; and
 * callgrind's address names are named by the perf map's entry that holds them.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nameJit, ownCosts } from '../../bench/callgrind-functions.js';

test('own costs by function add up to the dump total: inclusive call costs are not counted again', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-cg-test-'));
  try {
    const out = join(dir, 'cg.out');
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        process.execPath,
        '-e',
        'let s = 0; for (let i = 0; i < 1e4; i++) s += Math.sqrt(i); console.log(s > 0)',
      ],
      { stdio: 'ignore' },
    );
    const dump = readFileSync(out, 'utf8');
    const total = Number(/^totals: (\d+)/m.exec(dump)?.[1]);
    const costs = ownCosts(dump);
    const sum = [...costs.values()].reduce((s, c) => s + c, 0);
    t.true(total > 0);
    t.is(sum, total);
    t.true(costs.size > 100, `${costs.size} functions`);
    t.true([...costs.keys()].some((fn) => fn.includes('v8::')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a callgrind address is named by the perf map's entry that holds it; others keep their name", (t) => {
  const costs = new Map([
    ['0x0000000000001010', 5],
    ['0x0000000000001020', 7],
    ['0x0000000000002000', 3],
    ['memcpy', 11],
  ]);
  const map = '1000 40 JS:*send file:///a.ts:1:1\n2000 10 Builtins_LoadIC\n';
  const named = nameJit(costs, map);
  t.deepEqual([...named].sort(), [
    ['Builtins_LoadIC', 3],
    ['JS:*send file:///a.ts:1:1', 12],
    ['memcpy', 11],
  ]);
  t.is(nameJit(new Map([['0x0000000000003000', 1]]), map).get('0x0000000000003000'), 1);
});
