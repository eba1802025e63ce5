/**
 * One fuzz target in this process (started by main.ts, which watches it).
 * Prints `status …` lines about once a second, `crash <path> <signature>`
 * for each new crash, and `result <json>` at the end.
 *
 * `node --import tsx tests/fuzz/worker.ts <target> <seconds> <seed> <save:0|1> <currentFile>`
 */
import './engine/start-coverage.js';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fuzz } from './engine/fuzz.js';
import { TARGETS } from './targets/index.js';

const [name = '', seconds = '60', seed = '1', save = '0', currentFile = ''] = process.argv.slice(2);
const make = TARGETS[name];
if (!make) {
  process.stdout.write(`error unknown target ${name}\n`);
  process.exit(2);
}
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const crashDir = here('./crashes');
mkdirSync(crashDir, { recursive: true });
const result = await fuzz(make(), {
  seconds: Number(seconds),
  seed: Number(seed),
  save: save === '1',
  corpusDir: here(`./corpus/${name}`),
  crashDir,
  ...(currentFile ? { currentFile } : {}),
  status: (line) => process.stdout.write(`status ${line}\n`),
  crash: (path, signature) => process.stdout.write(`crash ${path} ${signature}\n`),
});
process.stdout.write(`result ${JSON.stringify(result)}\n`);
