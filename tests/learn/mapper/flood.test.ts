import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { learn } from '../../../learn/learner/learn.js';
import { learnReport } from '../../../learn/learner/report.js';
import { openClientSul } from '../../../learn/mapper/client-sul.js';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { STEP_CAPS, type StepRecord } from '../../../learn/mapper/session.js';
import { restrictInputs } from '../../../learn/sul.js';
import { FLOOD } from '../../../learn/symbols.js';
import { floodClientScript, startFloodServer } from './flooder.js';

/**
 * A hostile peer answering every datagram with a burst of datagrams packed with new zero-length handshake messages
 * (1,000 a datagram, 300 datagrams: 3.6 MB an input) over real UDP. Without the mapper's caps one answer was
 * megabytes of names and the report megabytes too. With them, each step reads at most its caps, waits no longer than
 * its budget by its own clock (the step's record, not the test machine's wall clock), answers `Flood`, and the
 * session is over; the report stays small.
 */

const SIZE = { messages: 1000, datagrams: 300 };
const dir = mkdtempSync(join(tmpdir(), 'dtls13-flood-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function checkSteps(t: import('ava').ExecutionContext, steps: readonly StepRecord[]): void {
  t.true(steps.length > 0);
  for (const s of steps) {
    t.true(s.clockMs <= s.budgetMs, `a step waited ${s.clockMs} ms by its clock, its budget ${s.budgetMs} ms`);
    t.true(s.datagrams <= STEP_CAPS.datagrams + 1, `${s.datagrams} datagrams read in one step`);
    t.true(s.bytes <= STEP_CAPS.bytes + 65536, `${s.bytes} bytes read in one step`);
    t.true(s.output.length <= 64, `an output of ${s.output.length} characters`);
  }
  t.true(
    steps.some((s) => s.output === FLOOD),
    'the flood is named',
  );
}

test('a flooding server: every step within its caps and its clock, answered Flood, a small report', async (t) => {
  t.timeout(120_000);
  const flooder = await startFloodServer(SIZE);
  const steps: StepRecord[] = [];
  const sul = await openServerSul({
    host: '127.0.0.1',
    port: flooder.port,
    version: '1.3',
    parallel: 2,
    waitMs: 100,
    onStep: (s) => steps.push(s),
  });
  try {
    const result = await learn(restrictInputs(sul, ['ClientHello', 'Finished', 'ApplicationData']), { budget: 10 });
    const report = JSON.stringify(learnReport(result));
    t.true(report.length < 100_000, `a report of ${report.length} bytes`);
    t.true(
      result.model.output[0]!.every((o) => o === FLOOD),
      'every first input floods',
    );
    t.true(flooder.received() > 0);
    checkSteps(t, steps);
    t.log(`${steps.length} steps, ${result.states} states, report ${report.length} bytes`);
  } finally {
    await sul.close();
    await flooder.close();
  }
});

test('a flooding client (--listen mode): the same caps', async (t) => {
  t.timeout(120_000);
  const script = join(dir, 'flood-client.cjs');
  writeFileSync(script, floodClientScript(SIZE));
  const steps: StepRecord[] = [];
  const sul = await openClientSul({
    host: '127.0.0.1',
    port: 0,
    version: '1.3',
    parallel: 2,
    waitMs: 100,
    clientCommand: `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} {port}`,
    onStep: (s) => steps.push(s),
  });
  try {
    const result = await learn(restrictInputs(sul, ['ServerHello', 'Finished']), { budget: 5 });
    const report = JSON.stringify(learnReport(result));
    t.true(report.length < 100_000, `a report of ${report.length} bytes`);
    checkSteps(t, steps);
  } finally {
    await sul.close();
  }
});
