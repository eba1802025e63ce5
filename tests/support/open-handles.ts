// Loaded into every test process (ava's `require`). A test file whose tests have all ended but which leaves a socket,
// a timer or a child process holding its event loop keeps its process alive, and ava waits for that process to exit
// before it prints its summary: CI then hangs until its time limit instead of failing. After the tests of a file end,
// this waits a grace period for the process to exit; if it has not, it prints what still holds the event loop and
// exits with code 1, which ava reports as a failure naming the file.
//
// A test that never ends is the same hang one step earlier, and ava's own inactivity timeout does not catch it for
// sure: a test that calls t.timeout(P) makes ava ignore that timeout for P (the learning and package files ask up to
// 30 minutes), and a test that hung after such a window was never reported (a test waiting for an echo from a wolfSSL
// server that had been killed ran until CI's own limit). So a test file's process also ends, the same way, once it
// has run for FILE_LIMIT_MS, longer than any file takes on a loaded 2-core machine; ava then names its pending tests.
import { readdirSync, readFileSync } from 'node:fs';
import process from 'node:process';

import { registerCompletionHandler } from 'ava';

const GRACE_MS = Number(process.env.DTLS13_OPEN_HANDLES_GRACE_MS ?? 30_000);
const FILE_LIMIT_MS = Number(process.env.DTLS13_TEST_FILE_LIMIT_MS ?? 40 * 60_000);

/** The process's own child processes (Linux: /proc/self/task/TID/children), killed so that none outlives it. */
function killChildren(): void {
  try {
    for (const task of readdirSync('/proc/self/task')) {
      for (const pid of readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ')) {
        if (pid.trim() === '') continue;
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
  } catch {
    // no /proc here: the children outlive it
  }
}

/** Says what holds the process, kills its children (peers it started) and ends it with code 1. */
function endHeld(why: string): void {
  const held = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout');
  process.stderr.write(`open-handles: ${why}, its process is still held by: ${held.join(', ') || 'timers'}\n`);
  killChildren();
  process.exit(1);
}

setTimeout(() => endHeld(`${FILE_LIMIT_MS} ms after this file started`), FILE_LIMIT_MS).unref();

registerCompletionHandler(() => {
  setTimeout(() => endHeld(`${GRACE_MS} ms after this file's last test`), GRACE_MS).unref();
});
