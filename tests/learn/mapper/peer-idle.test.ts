import test from 'ava';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { PYTHON_ALERT as ALERT, pythonUdpServer as python, startedServerSteps } from './steps.js';

/**
 * `endWhenIdle`: a step's wait ends early only when the started server has read everything sent to it and sleeps.
 * Each server is Debian's python3 on a UDP port, so what it does is plain: it sleeps after reading (idle: the step
 * ends early), it computes before it answers (running: the answer is waited for and read), it never reads (our
 * datagram queued: the whole wait). The first input is `Finished`, so the started server's first-answer wait (for a
 * ClientHello) does not apply.
 */

const stepsOf = (command: string, inputs: readonly string[], waitMs: number, endWhenIdle = true) =>
  startedServerSteps(command, inputs, { waitMs, endWhenIdle });

test.serial('a server that reads our input and sleeps: each step answers `timeout` long before its wait', async (t) => {
  const { out, steps } = await stepsOf(
    python('while True:\n    s.recvfrom(4096)'),
    ['Finished', 'ACK', 'Finished'],
    20_000,
  );
  t.deepEqual(out, ['timeout', 'timeout', 'timeout']);
  for (const s of steps) t.true(s.clockMs < 5000, `a step took ${s.clockMs} ms of its 20000 ms wait`);
});

test.serial('a server that computes before it answers is not idle: its answer is read', async (t) => {
  // Busy for 600 ms (running, not asleep) after reading, then the alert: the step must wait for it.
  const busy = `data, peer = s.recvfrom(4096)\nt = time.time()\nwhile time.time() - t < 0.6:\n    pass\ns.sendto(${ALERT}, peer)\ntime.sleep(60)`;
  const { out } = await stepsOf(python(busy), ['Finished', 'ACK'], 3000);
  t.deepEqual(out, ['Alert(unexpected_message)', 'closed']);
});

test.serial('a server that has not read our datagram is not idle: the step waits its whole wait', async (t) => {
  const { out, steps } = await stepsOf(python('time.sleep(60)'), ['Finished'], 1500);
  t.deepEqual(out, ['timeout']);
  t.true(steps[0]!.clockMs >= 1500, `the step took ${steps[0]!.clockMs} ms of its 1500 ms wait`);
});

test.serial(
  'what the option gives up: an answer on a timer within the wait is lost to it, read without it',
  async (t) => {
    // Asleep for 500 ms after reading (idle), then the alert: the 3 s wait covers it, the idle end does not.
    const timer = `data, peer = s.recvfrom(4096)\ntime.sleep(0.5)\ns.sendto(${ALERT}, peer)\ntime.sleep(60)`;
    t.deepEqual((await stepsOf(python(timer), ['Finished'], 3000, false)).out, ['Alert(unexpected_message)']);
    t.deepEqual((await stepsOf(python(timer), ['Finished'], 3000, true)).out, ['timeout']);
  },
);

test('endWhenIdle needs serverCommand', async (t) => {
  await t.throwsAsync(
    openServerSul({ host: '127.0.0.1', port: 4433, version: '1.3', parallel: 1, endWhenIdle: true }),
    { instanceOf: RangeError, message: /endWhenIdle needs serverCommand/ },
  );
});
