/**
 * A newcomer's first run: a fresh `git clone` of this repository, `npm ci`,
 * then the README's main command, which must run at once from what `npm ci`
 * built. The test fails if that command builds anything: a file of dist/
 * (what the `prepare` script writes) or of native/build/ (the install
 * script's addon) written, added or removed, or a lifecycle script run
 * (npm prints `> dtls13@VERSION prepare` for each). It does not measure a
 * time. The same clone then runs the built CLI's `generate --check`.
 *
 * `npx dtls13 ...` in a clone does rebuild: npm exec sees that the current
 * package's own package.json has a `dtls13` bin, installs that directory
 * into its npx cache (libnpmexec's "local bin" case) and so runs its
 * `install` and `prepare` scripts again, 37-102 s on two cores. Hence the
 * README's `npm run demo`.
 *
 * Cost: a clone of HEAD, an offline `npm ci` from the local npm cache
 * (every development dependency: what CI's own `npm ci` put there) with its
 * `prepare` build of dist/, about 1-2 minutes on two loaded cores; the
 * native addon is skipped (DTLS13_NATIVE=0: tests/crypto/native.test.ts
 * covers it).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
/** A bound for the clone, `npm ci` and its build on a loaded two-core machine (a bound on a hang, not a figure). */
const TEST_TIMEOUT_MS = 30 * 60_000;

/** Runs a command to its end: exit status and output, never throwing on a non-zero exit. */
async function run(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, [...args], {
      cwd,
      env,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return { status: 0, stdout, stderr };
  } catch (e) {
    const r = e as { code?: number | string; stdout?: string; stderr?: string };
    return {
      status: typeof r.code === 'number' ? r.code : -1,
      stdout: r.stdout ?? '',
      stderr: `${r.stderr ?? ''}${String(e)}`,
    };
  }
}

/** The README's quick start: the `$ npm ci && COMMAND` line of its first console block. */
export function readmeMainCommand(readme: string): string {
  const line = /^\$ npm ci && (.+?)\s+#/m.exec(readme);
  if (!line) throw new Error("README.md has no '$ npm ci && COMMAND  # ...' line");
  return line[1]!;
}

/** Every file under `dir` with its size and modification time (a missing dir is empty). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out.set(p, `${s.size} ${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) out.push(before.has(p) ? `written: ${p}` : `added: ${p}`);
  for (const p of before.keys()) if (!after.has(p)) out.push(`removed: ${p}`);
  return out;
}

test("after npm ci in a fresh clone, the README's main command runs without building anything", async (t) => {
  t.timeout(TEST_TIMEOUT_MS);
  const command = readmeMainCommand(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const base = mkdtempSync(join(tmpdir(), 'dtls13-first-run-'));
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  const clone = join(base, 'dtls13');
  const cloned = await run('git', ['clone', '--quiet', ROOT, clone], base, process.env);
  t.is(cloned.status, 0, cloned.stderr);
  const env = {
    ...process.env,
    DTLS13_NATIVE: '0',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  const ci = await run('nice', ['npm', 'ci', '--offline'], clone, env);
  t.is(ci.status, 0, `npm ci --offline:\n${ci.stdout}\n${ci.stderr}`);
  const built = [join(clone, 'dist'), join(clone, 'native', 'build')];
  const before = built.map(snapshot);
  t.true(before[0]!.size > 0, 'npm ci built dist/');

  const main = await run('sh', ['-c', command], clone, env);
  const output = `${main.stdout}\n${main.stderr}`;
  t.is(main.status, 0, `'${command}' exited ${String(main.status)}:\n${output}`);
  t.regex(main.stdout, /closed with close_notify/, 'the demo ran to its end');
  t.notRegex(
    output,
    /> dtls13@\S+ (prepare|build|install|preinstall|postinstall)\b/,
    `'${command}' ran a lifecycle script:\n${output}`,
  );
  const written = built.flatMap((dir, i) => changes(before[i]!, snapshot(dir)));
  t.deepEqual(written, [], `'${command}' built files`);

  // The built CLI, as `npx dtls13 generate --check` runs it: it finds the clone's spec/ and generated/ (not dist/spec).
  const check = await run(process.execPath, ['dist/cli/main.js', 'generate', '--check'], clone, env);
  t.is(
    check.status,
    0,
    `dist/cli/main.js generate --check exited ${String(check.status)}:\n${check.stdout}\n${check.stderr}`,
  );
  t.regex(check.stdout, /generated\/ is up to date/);
});
