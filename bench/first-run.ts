/**
 * `npm run bench -- first-run`: a newcomer's first run, timed. A fresh
 * `git clone` of this repository, `npm ci --prefer-offline` (its `prepare` build
 * of dist/; the native addon skipped, DTLS13_NATIVE=0), then the README's
 * main command (the `$ npm ci && COMMAND` line) run three times: the first
 * run is what a newcomer waits for, the later ones show what is left once
 * the V8 code cache exists. tests/package/first-run.test.ts checks that the
 * command builds nothing; this prints how long it takes, with the load.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = 3;

export function benchFirstRun(log: (line: string) => void): void {
  const line = /^\$ npm ci && (.+?)\s+#/m.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  if (!line) throw new Error("README.md has no '$ npm ci && COMMAND  # ...' line");
  const command = line[1]!;
  const base = mkdtempSync(join(tmpdir(), 'dtls13-bench-first-run-'));
  try {
    const clone = join(base, 'dtls13');
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    const env = {
      ...process.env,
      DTLS13_NATIVE: '0',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
    };
    const t0 = performance.now();
    execFileSync('npm', ['ci', '--prefer-offline'], { cwd: clone, env, stdio: 'ignore' });
    log(
      `first-run: npm ci --prefer-offline (with its build) ${((performance.now() - t0) / 1000).toFixed(1)} s; load ${loadavg()[0]!.toFixed(1)}`,
    );
    for (let i = 1; i <= RUNS; i++) {
      const t = performance.now();
      const run = spawnSync('sh', ['-c', command], { cwd: clone, env, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`'${command}' exited ${String(run.status)}: ${run.stderr}`);
      log(
        `first-run: '${command}' run ${i}: ${((performance.now() - t) / 1000).toFixed(2)} s wall; load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchFirstRun(console.log);
