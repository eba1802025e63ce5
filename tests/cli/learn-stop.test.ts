import test from 'ava';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEARN_STATUS, stoppable, withWarnings, type LearnRun } from '../../cli/learn-stop.js';
import { LearnWatch } from '../../cli/learn-watch.js';
import { learn, type HypothesisProgress } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import type { Disagreements } from '../../learn/learner/query-runner.js';
import { learnReport, modelFromReport, type LearnReport } from '../../learn/learner/report.js';
import type { SystemUnderLearning } from '../../learn/sul.js';
import { server13 } from '../learn/machines.js';
import { dtls13 } from './cli-process.js';

/**
 * `dtls13 learn` loses nothing: an internal error and SIGINT write the newest hypothesis to --out and --dot
 * (`complete: false`, `stopped` with the reason and the status) and exit with a status of their own; a peer that
 * never answers is learned with a warning; progress is printed after each batch of queries.
 */

const dir = mkdtempSync(join(tmpdir(), 'dtls13-learn-stop-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** A known machine's SUL whose sessions fail (an internal error, as a learner bug would) once `failAfter` says so. */
function failingSul(failAfter: (opened: number) => boolean): SystemUnderLearning {
  const sul = machineSul(server13(), { parallel: 2 });
  let opened = 0;
  return {
    ...sul,
    inputs: sul.inputs,
    open: async () => {
      if (failAfter(++opened)) throw new TypeError("Cannot read properties of undefined (reading 'node')");
      return sul.open();
    },
    close: () => sul.close(),
  };
}

function runIn(name: string, watch: LearnWatch): LearnRun {
  return {
    out: join(dir, `${name}.json`),
    dot: join(dir, `${name}.dot`),
    name: (r) => `DTLS ${r.version} ${r.role} test`,
    watch,
  };
}

test('an internal error after some hypotheses writes the newest one, incomplete, and exits 3', async (t) => {
  const watch = new LearnWatch(undefined);
  const run = runIn('internal', watch);
  // Fails a few sessions after the second hypothesis.
  const sul = watch.wrap(failingSul(() => watch.latest !== undefined && watch.latest.rounds >= 2));
  const done = await stoppable(run, async () => {
    run.peer = { sul, reference: undefined };
    return learnReport(await learn(sul, { budget: 200, onHypothesis: (p) => watch.hypothesis(p) }));
  });
  t.is(done, LEARN_STATUS.internalError);
  t.not(done, LEARN_STATUS.finding);
  const report = JSON.parse(readFileSync(run.out!, 'utf8')) as LearnReport;
  t.false(report.complete);
  t.is(report.stopped?.status, 3);
  t.regex(report.stopped?.reason ?? '', /internal error: TypeError: Cannot read properties of undefined/);
  t.is(report.rounds, watch.latest!.rounds);
  t.is(modelFromReport(report).next.length, report.states);
  t.true(report.states >= 2);
  t.regex(readFileSync(run.dot!, 'utf8'), /digraph/);
});

test("a stopped run's report holds the votes observed up to the stop, not the hypothesis's", async (t) => {
  const watch = new LearnWatch(undefined);
  const run = runIn('votes', watch);
  // After the first hypothesis, one session answers its first input wrongly; two batches later a session fails.
  const inner = machineSul(server13(), { parallel: 2 });
  let glitched = false;
  let batchesSince = -1;
  const sul = watch.wrap({
    ...inner,
    open: async () => {
      if (batchesSince >= 2) throw new TypeError('a learner bug');
      const s = await inner.open();
      const glitch = watch.latest !== undefined && !glitched;
      if (glitch) glitched = true;
      let step = 0;
      return {
        step: async (input) => (glitch && step++ === 0 ? 'glitch' : s.step(input)),
        close: () => s.close(),
      };
    },
  });
  const done = await stoppable(run, async () => {
    run.peer = { sul, reference: undefined };
    const options = {
      budget: 200,
      onHypothesis: (p: HypothesisProgress) => watch.hypothesis(p),
      onBatch: () => (batchesSince += glitched ? 1 : 0),
      onVotes: (read: () => Disagreements) => (run.votes = read),
    };
    return learnReport(await learn(sul, options));
  });
  t.is(done, LEARN_STATUS.internalError);
  const report = JSON.parse(readFileSync(run.out!, 'utf8')) as LearnReport;
  t.false(report.complete);
  const places = [...report.nondeterministic, ...report.outvoted, ...(report.undecided ?? [])];
  t.true(
    places.some((n) => n.word.length === 1 && n.answers['glitch'] === 1),
    `the wrong answer after the hypothesis is in the report: ${JSON.stringify(places)}`,
  );
  t.false(
    watch.latest!.outvoted.some((n) => 'glitch' in n.answers),
    'the hypothesis, made before it, did not have it',
  );
});

test('an internal error before any hypothesis writes nothing and still exits 3', async (t) => {
  const watch = new LearnWatch(undefined);
  const run = runIn('early', watch);
  const sul = watch.wrap(failingSul((n) => n > 3));
  const done = await stoppable(run, async () => {
    run.peer = { sul, reference: undefined };
    return learnReport(await learn(sul, { onHypothesis: (p) => watch.hypothesis(p) }));
  });
  t.is(done, LEARN_STATUS.internalError);
  t.false(existsSync(run.out!));
});

/** A UDP socket on 127.0.0.1 that reads and never answers: a peer that is there and silent (no ICMP either). */
async function silentPeer(): Promise<{ port: number; close: () => void }> {
  const socket = createSocket('udp4');
  socket.on('message', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { port: socket.address().port, close: () => socket.close() };
}

test('with --peer-retransmissions hide, the report counts the repeated flights the mapper hid', async (t) => {
  const report = learnReport(await learn(machineSul(server13(), { parallel: 2 }), { seed: 1, budget: 5 }));
  const step = {
    input: 'Finished',
    output: 'timeout',
    datagrams: 2,
    bytes: 90,
    clockMs: 300,
    firstMs: undefined,
    budgetMs: 1260,
    atExit: false,
  };
  for (const mode of ['show', 'hide'] as const) {
    const watch = new LearnWatch(undefined, mode);
    const session = await watch.wrap(machineSul(server13(), { parallel: 1 })).open();
    for (const hidden of [1, 0, 2]) {
      await session.step('ClientHello');
      watch.read({ ...step, hidden });
    }
    await session.close();
    const counted = withWarnings(report, watch).peerRetransmissions;
    if (mode === 'show') t.is(counted, undefined, 'show: nothing hidden, nothing said');
    else t.deepEqual(counted, { mode: 'hide', hidden: 3, inSteps: 2, steps: 3 });
  }
});

test('a peer that never answers: learned, with a warning in the report and on stderr', async (t) => {
  t.timeout(180_000);
  const peer = await silentPeer();
  const out = join(dir, 'silent.json');
  try {
    const args = ['--connect', `127.0.0.1:${peer.port}`, '--inputs', 'ClientHello,Finished', '--budget', '2'];
    const r = await dtls13(['learn', ...args, '--wait', '30', '--out', out]).done;
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /warning: the peer never answered/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
    t.is(report.states, 1);
    t.regex(report.warnings?.join('\n') ?? '', /never answered/);
  } finally {
    peer.close();
  }
});

test('SIGINT mid-learning writes the newest hypothesis and exits 130', async (t) => {
  t.timeout(180_000);
  const peer = await silentPeer();
  const out = join(dir, 'sigint.json');
  const dot = join(dir, 'sigint.dot');
  try {
    // A silent peer with the whole alphabet and a large budget: the oracle's tests take minutes, the first
    // hypothesis (one state) comes after a round of queries.
    const run = dtls13(['learn', '--connect', `127.0.0.1:${peer.port}`, '--wait', '50', '--out', out, '--dot', dot]);
    const deadline = Date.now() + 150_000;
    while (!/hypothesis 1:/.test(run.out().stderr) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    t.regex(run.out().stderr, /hypothesis 1:/);
    run.child.kill('SIGINT');
    const r = await run.done;
    t.is(r.code, 130, r.stderr);
    t.regex(r.stderr, /stopped by SIGINT; hypothesis 1 \(1 state, incomplete\) written to/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
    t.false(report.complete);
    t.is(report.stopped?.status, 130);
    t.is(report.stopped?.reason, 'stopped by SIGINT');
    t.true(report.stopped!.queries >= report.queries);
    t.regex(report.warnings?.join('\n') ?? '', /never answered/);
    t.regex(readFileSync(dot, 'utf8'), /digraph/);
  } finally {
    peer.close();
  }
});

test('a progress line on stderr per batch: queries, rates, phase, states; none with --quiet', async (t) => {
  t.timeout(120_000);
  const saved = join(dir, 'server13.json');
  const events: number[] = [];
  const result = await learn(machineSul(server13()), { budget: 200, onBatch: (p) => events.push(p.queries) });
  writeFileSync(saved, JSON.stringify(learnReport(result)));
  const r = await dtls13(['learn', '--replay', saved, '--budget', '200']).done;
  t.is(r.code, 0, r.stderr);
  const figures = String.raw`batch: (\d+) queries \(\+(\d+) in [\d.]+ s\), ([\d.]+|-) queries/s in the batch, ([\d.]+|-) overall, \d+ s`;
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('batch: '));
  for (const l of lines)
    t.regex(
      l,
      new RegExp(
        `^${figures}; (learning|random tests|conformance k = [01]: \\d+ of \\d+ tests|within 1 edit of a handshake: \\d+ of \\d+ tests|confirming a finding); \\d+ states?$`,
      ),
    );
  // The replayed model is learned with the same queries as the report's: one line per batch, as learn() reports them.
  t.deepEqual(
    lines.map((l) => Number(new RegExp(figures).exec(l)![1])),
    events,
  );
  t.regex(r.stderr, /; learning; 1 state\n/);
  t.regex(r.stderr, /; random tests; \d+ states\n/);
  t.regex(r.stderr, /; conformance k = 1: (\d+) of \1 tests; 6 states\n/);
  const quiet = await dtls13(['learn', '--replay', saved, '--budget', '200', '--quiet']).done;
  t.is(quiet.code, 0, quiet.stderr);
  t.notRegex(quiet.stderr, /batch:|progress:/);
});
