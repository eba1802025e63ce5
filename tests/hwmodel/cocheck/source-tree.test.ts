/**
 * The co-checks find the files tsc does not copy into dist/ (the generated
 * SystemC engine, sc-runner.cpp) in the tree, whether the module runs from
 * the sources (hwmodel/cocheck/) or from the build (dist/hwmodel/cocheck/,
 * what `node dist/cli/main.js` and an installed package run). Before, the
 * built copy looked for dist/generated/systemc, which no build makes.
 */
import test from 'ava';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../../..');

interface Cocheck {
  readonly GENERATED_SYSTEMC: string;
  readonly RUNNER_SOURCE: string;
  readonly buildEngineBench: (dir?: string) => string;
}

const copies = [
  ['the sources', join(ROOT, 'hwmodel/cocheck/index.ts')],
  ['dist/ (npm run build)', join(ROOT, 'dist/hwmodel/cocheck/index.js')],
] as const;

for (const [name, file] of copies) {
  test(`from ${name}, generated/systemc and sc-runner.cpp are the tree's`, async (t) => {
    t.true(existsSync(file), `${file} exists (npm ci builds dist/)`);
    const m = (await import(pathToFileURL(file).href)) as Cocheck;
    t.is(m.GENERATED_SYSTEMC, join(ROOT, 'generated', 'systemc'));
    t.true(existsSync(join(m.GENERATED_SYSTEMC, 'engine', 'main.cpp')), 'the generated engine is there');
    t.is(m.RUNNER_SOURCE, join(ROOT, 'hwmodel', 'cocheck', 'sc-runner.cpp'));
    t.true(existsSync(m.RUNNER_SOURCE));
  });
}

test('without a generated engine, buildEngineBench says where it comes from', async (t) => {
  const m = (await import(pathToFileURL(copies[0][1]).href)) as Cocheck;
  const empty = mkdtempSync(join(tmpdir(), 'dtls13-no-systemc-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  t.throws(() => m.buildEngineBench(empty), { message: /no generated SystemC engine in .*npm run generate/ });
});
