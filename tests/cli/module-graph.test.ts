/**
 * Layering: what `import('dtls13')` loads. A child process imports the
 * library's entry with a module resolve hook that records every module it
 * loads; none may come from the CLI, the generator or the hardware model,
 * and the packages it loads must be exactly the package's `dependencies`
 * (what `npm install dtls13` installs, and what `npm ls` in a user's project
 * lists).
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every module URL loaded by importing `entry` (a file URL or a package name), in a fresh process. */
function loadedModules(entry: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-graph-'));
  const out = join(dir, 'loaded.txt');
  try {
    const hook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(out)}, r.url + '\\n');
  return r;
}`;
    const main = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
await import(${JSON.stringify(entry)});`;
    execFileSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', main], { cwd: ROOT, stdio: 'pipe' });
    return [...new Set(readFileSync(out, 'utf8').trim().split('\n'))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The package a node_modules URL belongs to. */
function packageOf(url: string): string | undefined {
  const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return m?.[1];
}

test("import of the library's entry loads no CLI, generator or hardware-model module, and only the packages in dependencies", (t) => {
  const urls = loadedModules(new URL('runtime/index.ts', `file://${ROOT}`).href);
  const own = urls
    .filter((u) => u.startsWith(`file://${ROOT}`) && !u.includes('/node_modules/'))
    .map((u) => u.slice(`file://${ROOT}`.length));
  t.true(
    own.some((p) => p.startsWith('runtime/')),
    'the runtime itself was loaded',
  );
  t.deepEqual(
    own.filter((p) => /^(cli|generator|hwmodel|tests|bench)\//.test(p)),
    [],
    'modules above the runtime',
  );
  const used = new Set(
    urls
      .filter((u) => !u.startsWith('node:'))
      .map(packageOf)
      .filter((p): p is string => p !== undefined),
  );
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  t.deepEqual([...used].sort(), Object.keys(pkg.dependencies ?? {}).sort(), 'packages loaded = dependencies');
});

test('dtls13 --help and --version load no command module', (t) => {
  const urls = loadedModules(new URL('cli/commands.ts', `file://${ROOT}`).href);
  const own = urls.filter((u) => u.startsWith(`file://${ROOT}`)).map((u) => u.slice(`file://${ROOT}`.length));
  // generator/optional-peers.ts: the one place naming the optional packages and the install line (no import of its own).
  const expected = [
    'cli/commands.ts',
    'cli/learn-options.ts',
    'cli/net-options.ts',
    'cli/option-table.ts',
    'cli/optional-packages.ts',
    'cli/usage-error.ts',
    'generator/optional-peers.ts',
  ];
  t.deepEqual(own.sort(), expected.sort());
});
