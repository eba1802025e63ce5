import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from '../generator/generate.js';
import { staleFiles, writeGenerated } from '../generator/generated-files.js';
import { summaryText } from '../generator/spec-summary.js';
import { CliUsageError } from './usage-error.js';

/** The project root this module belongs to (cli/ in the sources, dist/cli/ once built). */
function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const up = here.includes('/dist/') ? '../..' : '..';
  return resolve(here, up);
}

/** `dtls13 generate [--check] [--root DIR]`. */
export async function runGenerate(args: readonly string[]): Promise<number> {
  let values: { check?: boolean; root?: string; quiet?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { check: { type: 'boolean' }, root: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
      strict: true,
    }));
  } catch (e) {
    throw new CliUsageError((e as Error).message);
  }
  const root = resolve(values.root ?? packageRoot());
  if (!values.check && root.split(sep).includes('node_modules')) {
    throw new CliUsageError(
      `refusing to write generated/ under node_modules (${root}): an installed package is not regenerated in place; run generate in a clone of dtls13, or --root DIR for your own copy of spec/`,
    );
  }
  if (!existsSync(join(root, 'spec', 'wire'))) {
    throw new CliUsageError(
      `no sources under ${root} (no spec/wire/): generate runs in a clone of dtls13 (git clone, npm ci, then 'npm run generate'), or --root DIR for your own copy of spec/`,
    );
  }
  if (values.check && !existsSync(join(root, 'generated', 'wire'))) {
    throw new CliUsageError(
      `nothing to check under ${root} (no generated/wire/; an installed package ships the built code, not generated/): run generate --check in a clone of dtls13`,
    );
  }
  const t0 = performance.now();
  const result = await generate(root);
  const ms = Math.round(performance.now() - t0);
  if (values.check) {
    const stale = staleFiles(root, result);
    if (stale.length > 0) {
      process.stderr.write(
        `generated/ is stale: ${stale.length} file(s) differ from what spec/ produces:\n${stale.map((s) => `  ${s}`).join('\n')}\nrun 'dtls13 generate' and commit the result\n`,
      );
      return 1;
    }
    process.stdout.write(`generated/ is up to date (${result.files.size} files, ${ms} ms)\n`);
    return 0;
  }
  const written = writeGenerated(root, result);
  if (!values.quiet) {
    process.stdout.write(`${summaryText(result.summary)}\n`);
    for (const c of result.charts) {
      process.stdout.write(
        `spec/charts/${c.id}.json: ${c.states.length} states, ${c.events.length} events, ${c.actions.size} actions, ${c.guards.length} guards, ${c.delays.length} delays\n`,
      );
    }
  }
  process.stdout.write(`generated ${result.files.size} files in ${ms} ms; ${written.length} changed\n`);
  return 0;
}
