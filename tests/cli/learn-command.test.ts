import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import { learnReport, type LearnReport } from '../../learn/learner/report.js';
import { server13 } from '../learn/machines.js';
import { dtls13 } from './cli-process.js';

/**
 * `dtls13 learn`'s summary says why a finding is unconfirmed: a run stopped before its findings were replayed says
 * so, and does not claim replays that were never made.
 */

const dir = mkdtempSync(join(tmpdir(), 'dtls13-learn-command-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** A 1.3 server that takes Finished without CertificateVerify: its model shows `skipped-certificate-verify`. */
const BROKEN = server13([['verify', 'Finished', 'ACK', 'connected']]);

test('a run stopped before its findings were replayed says they were not replayed, not that replays disagreed', async (t) => {
  t.timeout(120_000);
  const saved = join(dir, 'broken.json');
  writeFileSync(saved, JSON.stringify(learnReport(await learn(machineSul(BROKEN), { budget: 200 }))));
  const args = ['learn', '--replay', saved, '--budget', '200'];
  // The whole run: the finding confirmed by its replays, the last queries asked.
  const whole = join(dir, 'whole.json');
  const full = await dtls13([...args, '--out', whole]).done;
  t.is(full.code, 1, full.stderr);
  const confirmed = JSON.parse(readFileSync(whole, 'utf8')) as LearnReport;
  t.deepEqual(
    confirmed.bugPatterns.map((b) => b.pattern),
    ['skipped-certificate-verify'],
  );
  // One query fewer: the budget is spent at the latest during the replays, so none is counted.
  const out = join(dir, 'stopped.json');
  const stopped = await dtls13([...args, '--max-queries', String(confirmed.queries - 1), '--out', out]).done;
  t.is(stopped.code, 0, stopped.stderr);
  const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
  t.false(report.complete);
  t.deepEqual(report.bugPatterns, []);
  t.deepEqual(
    report.unconfirmed.map((f) => [f.pattern, f.replayed.length]),
    [['skipped-certificate-verify', 0]],
  );
  t.regex(
    stopped.stdout,
    /unconfirmed \(not replayed: the run stopped before its findings were replayed\): skipped-certificate-verify: /,
  );
  t.notRegex(stopped.stdout, /replays did not repeat it/);
});
