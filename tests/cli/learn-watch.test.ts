import test from 'ava';
import { LearnWatch } from '../../cli/learn-watch.js';
import { openServerSul } from '../../learn/mapper/server-sul.js';
import { referenceServer } from '../../learn/mapper/reference.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { walk } from '../learn/mapper/steps.js';

/**
 * What `dtls13 learn` prints after learning about time (cli/learn-watch.ts): when the peer's answers began against the
 * wait, and where the sessions' time went. Against dtls13's own 1.3 server over real UDP: the handshake, whose steps
 * are answered, and inputs it ignores, whose steps are answered `timeout` and cost the whole wait.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const WAIT_MS = 150;

test('answer times and time spent: every answered step timed, timeouts cost the wait', async (t) => {
  const server = await referenceServer({
    version: '1.3',
    cert: certificateToPem(id.chain[0]!),
    key: privateKeyToPem(id.privateKey),
  });
  const watch = new LearnWatch(undefined);
  const sul = watch.wrap(
    await openServerSul({
      host: server.host,
      port: server.port,
      version: '1.3',
      parallel: 1,
      waitMs: WAIT_MS,
      onStep: (s) => watch.read(s),
    }),
  );
  t.is(watch.answerTimes(WAIT_MS), undefined, 'nothing before a step');
  t.is(watch.timeSpent(1), undefined);
  const outputs: string[] = [];
  try {
    // ApplicationData before the handshake and a second ClientHelloWithCookie after it: ignored, `timeout`.
    for (let k = 0; k < 2; k++)
      outputs.push(...(await walk(sul, ['ApplicationData', 'ClientHello', 'ClientHelloWithCookie', 'Finished'])));
  } finally {
    await sul.close();
    await server.close();
  }
  const answered = outputs.filter((o) => o !== 'timeout' && o !== 'closed').length;
  const timeouts = outputs.filter((o) => o === 'timeout').length;
  t.true(answered >= 4 && timeouts >= 2, outputs.join(' | '));
  const times = watch.answerTimes(WAIT_MS)!;
  const m =
    /^answer times: the slowest answers began (\d+), (\d+), (\d+) ms after their inputs; (\d+) of (\d+) after half the 150 ms wait$/.exec(
      times,
    );
  t.truthy(m, times);
  t.is(Number(m![5]), answered, 'one time per answered step');
  const slowest = [1, 2, 3].map((k) => Number(m![k]));
  t.deepEqual(
    [...slowest].sort((a, b) => b - a),
    slowest,
    'slowest first',
  );
  t.true(slowest[0]! <= 4 * WAIT_MS + 50, 'within the step clock');
  const spent = watch.timeSpent(1)!;
  const s =
    /^time spent: sessions open (\d+) s, (\d+) % of 1 x (\d+) s; (\d+) steps answered timeout, (\d+) % of it; (\d+) answered steps, (\d+) %; (\d+) ended at the peer's exit$/.exec(
      spent,
    );
  t.truthy(s, spent);
  t.is(Number(s![4]), timeouts);
  t.is(Number(s![6]), answered);
  t.is(Number(s![8]), 0, 'a server on a port of its own never exits under a step');
  // Each timeout waited the whole wait by the mapper's clock: together at least their count times the wait, which is
  // a share of the sessions' time no smaller than what that is of the sessions' real time.
  t.true(Number(s![5]) + Number(s![7]) <= 101, spent);
  t.true(Number(s![5]) > 0, spent);
});
