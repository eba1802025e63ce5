import test from 'ava';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { identityFiles } from '../dtls12/openssl12.js';
import { requireCommand } from '../interop/iot-peers.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { dtls13 } from './cli-process.js';

/**
 * `dtls13 learn --server-command` starts a server per session, detached in a process group of its own; a signal to
 * the learner must not leave them running. The peers are Debian's `gnutls-serv --udp` (gnutls-bin), which, unlike
 * `openssl s_server`, does not end when its standard input (a pipe from the learner) closes. Each server first writes
 * its process id to a file in a directory made for the test, then becomes gnutls-serv (`exec`, same id): the first
 * line there proves the learner is learning, hence past installing its signal handlers (cli/learn-command.ts installs
 * them before it starts any server), and the lines name exactly the servers it started. The directory's name is also
 * in every server's command line; once the learner has exited, no process at all may carry it (Linux /proc).
 *
 * Not "any process whose command line has the directory" while the learner runs: a child the learner forks (tsx's
 * esbuild service on a cold cache, strace showed) carries the learner's own command line, directory included, until
 * it execs; signalled then, before its handlers were installed, the learner died by the signal's default action
 * (exit null, no servers killed).
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });

/** Live processes (not zombies) whose command line contains `marker`, but not `except`. */
function processesWith(marker: string, except: number | undefined): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === except) continue;
    if (commandLine(Number(name))?.includes(marker) === true) found.push(Number(name));
  }
  return found;
}

/** A process's command line; undefined once it has ended (a zombie's is empty; an ended one cannot be read). */
function commandLine(pid: number): string | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline === '' ? undefined : cmdline;
  } catch {
    return undefined;
  }
}

/** The process ids the started servers wrote to `file` (one a line), none before the first has started. */
function startedServers(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
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
      const pids = join(files.dir, 'servers');
      // `exec`: the id written is gnutls-serv's own.
      const serverCommand = `echo $$ >> '${pids}'; exec gnutls-serv --udp -p {port} --x509certfile '${files.cert}' --x509keyfile '${files.key}' --echo --priority NORMAL:-VERS-ALL:+VERS-DTLS1.2`;
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
        // Mid-learning: once a server the learner started has written its id.
        t.true(
          await eventually(() => startedServers(pids).length > 0, 60_000),
          `no server started: ${live.out().stderr}`,
        );
        live.child.kill(signal);
        const r = await live.done;
        const started = startedServers(pids);
        t.true(
          await eventually(() => processesWith(files.dir, learner).length === 0, 30_000),
          `still running after the learner exited: ${processesWith(files.dir, learner).join(', ')} (started: ${started.join(', ')})`,
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
