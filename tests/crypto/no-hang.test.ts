/**
 * Long-loop watchdog for the node provider's X25519/X448 key shares: node
 * 20's `generateKeyPairSync` could deadlock in `~KeyGenJob` (uv_mutex_lock)
 * when the GC collected the job during a JWK export of the key it made. The
 * loop runs in a child process (a deadlocked isolate cannot time itself out);
 * the child prints `progress <ops>` every 200 operations and this test kills
 * it and fails when no line comes for STALL_MS, or when it does not finish.
 *
 * `DTLS13_NO_HANG_LEGACY=1 npx ava tests/crypto/no-hang.test.ts` runs the
 * child with the old share code instead, to see the watchdog fail the test.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./no-hang-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** No progress line for this long is a hang (a progress step takes ~20 ms alone, a few hundred under a loaded test run). */
const STALL_MS = 20_000;
/** The whole run, well inside ava's timeout. */
const TOTAL_MS = 240_000;
const OPS = 60_000;
const HANDSHAKES = 30;

type Outcome =
  | { readonly kind: 'done'; readonly ops: number; readonly handshakes: number }
  | { readonly kind: 'stalled'; readonly lastProgress: number; readonly forMs: number }
  | { readonly kind: 'overran'; readonly lastProgress: number }
  | {
      readonly kind: 'failed';
      readonly code: number | null;
      readonly signal: string | null;
      readonly lastLine: string;
      readonly stderr: string;
    };

/** Runs the child and watches its progress lines. */
function watch(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    // A 1 MB young generation: collections start often, inside whatever allocates (the JWK export among them).
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--max-semi-space-size=1', '--import', 'tsx', CHILD, ...args],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let lastProgress = 0;
    let lastAt = Date.now();
    let lastLine = '';
    let stderr = '';
    let outcome: Outcome | undefined;
    const settle = (o: Outcome): void => {
      if (outcome === undefined) outcome = o;
    };
    const stop = (o: Outcome): void => {
      settle(o);
      child.kill('SIGKILL');
    };
    const ticker = setInterval(() => {
      const quiet = Date.now() - lastAt;
      if (quiet > STALL_MS) stop({ kind: 'stalled', lastProgress, forMs: quiet });
    }, 500);
    const overall = setTimeout(() => stop({ kind: 'overran', lastProgress }), TOTAL_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      lastLine = line;
      lastAt = Date.now();
      const [word, a, b] = line.split(' ');
      if (word === 'progress') lastProgress = Number(a);
      else if (word === 'done') settle({ kind: 'done', ops: Number(a), handshakes: Number(b) });
    });
    child.on('close', (code, signal) => {
      clearInterval(ticker);
      clearTimeout(overall);
      if (outcome === undefined || (outcome.kind === 'done' && code !== 0)) {
        outcome = { kind: 'failed', code, signal, lastLine, stderr };
      }
      resolve(outcome);
    });
  });
}

test(`${OPS} X25519/X448 shares and ${HANDSHAKES} handshakes under frequent GC finish without a stall`, async (t) => {
  const legacy = process.env['DTLS13_NO_HANG_LEGACY'] === '1' ? ['legacy'] : [];
  const started = Date.now();
  const outcome = await watch([String(OPS), String(HANDSHAKES), ...legacy]);
  t.log(`${JSON.stringify(outcome)} in ${Date.now() - started} ms`);
  t.deepEqual(outcome, { kind: 'done', ops: OPS, handshakes: HANDSHAKES });
});
