import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** The peak resident set of a running process (Linux: VmHWM), in MB; undefined once it has ended. */
function peakRssMb(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

test('dtls13 learn (dist/cli/main.js) against a flooding server: peak RSS under 150 MB, report under 100 KB, a warning', async (t) => {
  t.timeout(180_000);
  const main = join(import.meta.dirname, '../../../dist/cli/main.js');
  if (!existsSync(main)) return t.fail('dist/cli/main.js is missing: npm run build first');
  if (!existsSync('/proc/self/status')) return t.fail('this test reads /proc (Linux)');
  const flooder = await startFloodServer(SIZE);
  const out = join(dir, 'flood.json');
  try {
    const args = [
      'learn',
      '--connect',
      `127.0.0.1:${flooder.port}`,
      '--inputs',
      'ClientHello,Finished,ApplicationData',
    ];
    const child = spawn(process.execPath, [main, ...args, '--budget', '20', '--wait', '2000', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    let peak = 0;
    const poll = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!) ?? peak)), 50);
    // 'close', not 'exit': 'exit' may come before the last of stderr is read, and the warning is its last lines.
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearInterval(poll);
    t.is(code, 0, stderr);
    t.true(peak > 0, 'the peak was read');
    t.true(peak < 150, `peak RSS ${peak.toFixed(0)} MB`);
    const report = readFileSync(out, 'utf8');
    t.true(report.length < 100_000, `a report of ${report.length} bytes`);
    // When no step was a flood, the report's answers say what the steps read instead.
    t.true(
      /warning: the peer went over the mapper's caps/.test(stderr),
      `no flood warning; stderr:\n${stderr}\nthe report:\n${report.slice(0, 4000)}`,
    );
    t.true(flooder.received() > 0);
    t.log(`peak RSS ${peak.toFixed(0)} MB, report ${report.length} bytes`);
  } finally {
    await flooder.close();
  }
});
