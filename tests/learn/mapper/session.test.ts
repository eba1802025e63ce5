import test from 'ava';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import type { StepRecord } from '../../../learn/mapper/session.js';
import { walk } from './steps.js';

/**
 * A step's wait ends early on one signal only: the peer process the mapper started has ended, so nothing more can
 * come (what it sent before it ended is read first). Each server here is Debian's python3 on a UDP port; the wait is
 * 20 s, so a step that waited it out would be plain, and a silent server that stays up still costs the whole wait.
 */

const WAIT_MS = 20_000;

/** A python3 UDP server on {port} that reads one datagram, then runs `then` (python statements, `s` the socket). */
const server = (then: string): string =>
  `exec python3 -c 'import socket, sys, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n` +
  `s.bind(("127.0.0.1", {port}))\ndata, peer = s.recvfrom(4096)\n${then}'`;

async function stepsOf(command: string, inputs: readonly string[]): Promise<{ out: string[]; steps: StepRecord[] }> {
  const steps: StepRecord[] = [];
  const sul = await openServerSul({
    host: '127.0.0.1',
    port: 0,
    version: '1.3',
    parallel: 1,
    waitMs: WAIT_MS,
    startMs: WAIT_MS,
    serverCommand: command,
    onStep: (s) => steps.push(s),
  });
  try {
    return { out: await walk(sul, inputs), steps };
  } finally {
    await sul.close();
  }
}

test.serial(
  'a server that exits on our first datagram: the step answers `closed` without waiting out its wait',
  async (t) => {
    const { out, steps } = await stepsOf(server('sys.exit(0)'), ['ClientHello', 'Finished']);
    t.deepEqual(out, ['closed', 'closed']);
    t.is(steps.length, 1, 'the step after `closed` does not touch the network');
    t.true(steps[0]!.clockMs < WAIT_MS / 4, `the step took ${steps[0]!.clockMs} ms of its ${WAIT_MS} ms wait`);
  },
);

test.serial(
  'a server that sends an alert and exits at once: the alert is read, not lost to the early end',
  async (t) => {
    // A plaintext fatal unexpected_message alert: type 21, DTLS 1.2 record version, epoch 0, sequence 0, length 2.
    const alert = 'bytes([21, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 10])';
    const { out } = await stepsOf(server(`s.sendto(${alert}, peer)\nsys.exit(0)`), ['ClientHello', 'Finished']);
    t.deepEqual(out, ['Alert(unexpected_message)', 'closed']);
  },
);

test.serial('a server that stays up and silent: the step waits its whole wait and answers `timeout`', async (t) => {
  // The control: no signal, no early end. A shorter wait keeps the test short; the first input is not a ClientHello,
  // so the started server's first-answer wait does not apply.
  const steps: StepRecord[] = [];
  const sul = await openServerSul({
    host: '127.0.0.1',
    port: 0,
    version: '1.3',
    parallel: 1,
    waitMs: 1000,
    serverCommand: server('time.sleep(60)'),
    onStep: (s) => steps.push(s),
  });
  try {
    t.deepEqual(await walk(sul, ['Finished', 'ACK']), ['timeout', 'timeout']);
    t.true(
      steps.every((s) => s.clockMs >= 1000),
      steps.map((s) => s.clockMs).join(', '),
    );
  } finally {
    await sul.close();
  }
});
