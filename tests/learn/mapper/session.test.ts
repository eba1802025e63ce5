import test from 'ava';
import { PYTHON_ALERT, pythonUdpServer, startedServerSteps } from './steps.js';

/**
 * A step's wait ends early on one signal only: the peer process the mapper started has ended, so nothing more can
 * come (what it sent before it ended is read first). Each server here is Debian's python3 on a UDP port; each step
 * records whether it ended at the exit (`atExit`), which a silent server that stays up never gives.
 */

const WAIT_MS = 20_000;

/** A python3 server that reads one datagram, then runs `then`. */
const server = (then: string): string => pythonUdpServer(`data, peer = s.recvfrom(4096)\n${then}`);

test.serial(
  'a server that exits on our first datagram: the step answers `closed` without waiting out its wait',
  async (t) => {
    const { out, steps } = await startedServerSteps(server('sys.exit(0)'), ['ClientHello', 'Finished'], {
      waitMs: WAIT_MS,
      startMs: WAIT_MS,
    });
    t.deepEqual(out, ['closed', 'closed']);
    t.is(steps.length, 1, 'the step after `closed` does not touch the network');
    t.true(steps[0]!.atExit, 'the step ended at the exit, not at the end of its wait');
  },
);

test.serial(
  'a server that sends an alert and exits at once: the alert is read, not lost to the early end',
  async (t) => {
    const command = server(`s.sendto(${PYTHON_ALERT}, peer)\nsys.exit(0)`);
    const { out } = await startedServerSteps(command, ['ClientHello', 'Finished'], {
      waitMs: WAIT_MS,
      startMs: WAIT_MS,
    });
    t.deepEqual(out, ['Alert(unexpected_message)', 'closed']);
  },
);

test.serial('a server that stays up and silent: the step waits its whole wait and answers `timeout`', async (t) => {
  // The control: no signal, no early end. A shorter wait keeps the test short; the first input is not a ClientHello,
  // so the started server's first-answer wait does not apply.
  const { out, steps } = await startedServerSteps(server('time.sleep(60)'), ['Finished', 'ACK'], { waitMs: 1000 });
  t.deepEqual(out, ['timeout', 'timeout']);
  t.deepEqual(
    steps.map((s) => s.atExit),
    [false, false],
    'no step ended early',
  );
  // A lower bound only, by construction: the wait's deadline is on the same clock.
  t.true(
    steps.every((s) => s.clockMs >= 1000),
    steps.map((s) => s.clockMs).join(', '),
  );
});
