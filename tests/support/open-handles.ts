// Loaded into every test process (ava's `require`). A test file whose tests have all ended but which leaves a socket,
// a timer or a child process holding its event loop keeps its process alive, and ava waits for that process to exit
// before it prints its summary: CI then hangs until its time limit instead of failing. After the tests of a file end,
// this waits a grace period for the process to exit; if it has not, it prints what still holds the event loop and
// exits with code 1, which ava reports as a failure naming the file.
import process from 'node:process';

import { registerCompletionHandler } from 'ava';

const GRACE_MS = Number(process.env.DTLS13_OPEN_HANDLES_GRACE_MS ?? 30_000);

registerCompletionHandler(() => {
  const timer = setTimeout(() => {
    const held = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout');
    process.stderr.write(
      `open-handles: ${GRACE_MS} ms after this file's last test, its process is still held by: ` +
        `${held.join(', ') || 'timers'}\n`,
    );
    process.exit(1);
  }, GRACE_MS);
  timer.unref();
});
