import test from 'ava';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { identityFiles } from '../dtls12/openssl12.js';
import { requireCommand } from '../interop/iot-peers.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { dtls13 } from './cli-process.js';

/**
 * `dtls13 learn --server-command` starts a server per session, detached in a process group of its own; a signal to
 * the learner must not leave them running. The peers are Debian's `gnutls-serv --udp` (gnutls-bin), which, unlike
 * `openssl s_server`, does not end when its standard input (a pipe from the learner) closes; each is given the
 * certificate files of a directory made for the test, so every process the learner started (and only those) has
 * that directory in its command line: the test finds them by it in /proc (Linux only).
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });

/** Live processes (not zombies) whose command line contains `marker`, but not `except`. */
function processesWith(marker: string, except: number | undefined): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === except) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      // A zombie's command line is empty; one that ended since the listing cannot be read.
      if (cmdline.includes(marker)) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

/** Waits for `condition`, checking every 50 ms, up to a generous `limitMs`; false if it never held. */
async function eventually(condition: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

const signals: [NodeJS.Signals, number][] = [
  ['SIGTERM', 143],
  ['SIGINT', 130],
];

for (const [signal, code] of signals) {
  test.serial(
    `learn --server-command: ${signal} mid-learning kills every server it started, exits ${code}`,
    async (t) => {
      t.timeout(120_000);
      if (!existsSync('/proc/self/cmdline')) return t.fail('this test reads /proc (Linux)');
      requireCommand('gnutls-serv', 'gnutls-bin');
      const files = identityFiles(id);
      const serverCommand = `gnutls-serv --udp -p {port} --x509certfile '${files.cert}' --x509keyfile '${files.key}' --echo --priority NORMAL:-VERS-ALL:+VERS-DTLS1.2`;
      const live = dtls13(
        [
          'learn',
          '-dtls1_2',
          '--server-command',
          serverCommand,
          '--parallel',
          '2',
          '--inputs',
          'ClientHello,ClientHelloWithCookie,ClientKeyExchange,ChangeCipherSpec,Finished',
        ],
        null,
      );
      const learner = live.child.pid;
      try {
        // Mid-learning: once a server the learner started is running (its `sh -c` or gnutls-serv itself).
        const started = await eventually(() => processesWith(files.dir, learner).length > 0, 60_000);
        t.true(started, `no server started: ${live.out().stderr}`);
        const before = processesWith(files.dir, learner);
        live.child.kill(signal);
        const r = await live.done;
        t.true(
          await eventually(() => processesWith(files.dir, learner).length === 0, 30_000),
          `still running after the learner exited: ${processesWith(files.dir, learner).join(', ')} (before: ${before.join(', ')})`,
        );
        t.is(r.code, code, `exit: ${String(r.code)} ${r.stderr}`);
      } finally {
        live.child.kill('SIGKILL');
        // What an old learner left behind is not left for the next test.
        for (const pid of processesWith(files.dir, learner)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        rmSync(files.dir, { recursive: true, force: true });
      }
    },
  );
}
