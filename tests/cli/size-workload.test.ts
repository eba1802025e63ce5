/**
 * `dtls13 size` on a workload (cli/size-workload.ts): the `Start` line names every start rule with its figures, as
 * the answer's caveats do. The question is one answered without a run (97 Gbit/s of sealed IMIX on a 100 Gbit/s link
 * at margin 0, outside the device), so the line is read in well under a second of search; `--json` keeps the rules.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ARGS } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dtls13-size-workload-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('the Start line names the public-key lanes and the TX ring rules with their figures', (t) => {
  const json = join(dir, 'overload.json');
  const run = spawnSync(
    process.execPath,
    [
      ...CLI_ARGS,
      'size',
      ...'--gbps 97 --link-gbps 100 --mix imix --handshakes 1000 --sessions 1000 --margin 0 --json'.split(' '),
      json,
    ],
    { encoding: 'utf8' },
  );
  t.is(run.status, 1, run.stderr);
  const start = run.stdout.split('\n').find((l) => l.startsWith('Start ('));
  t.truthy(start, run.stdout);
  const answer = JSON.parse(readFileSync(json, 'utf8')) as {
    readonly bounds: Record<string, number>;
    readonly startRules: readonly { readonly knob: string; readonly start: number; readonly rule: string }[];
    readonly caveats: readonly string[];
  };
  t.deepEqual(
    answer.startRules.map((r) => r.knob),
    ['pkLanes', 'txRingDepth'],
  );
  t.true(start!.startsWith('Start (each unit 100% busy at the load × 1; the public-key lanes at '));
  for (const r of answer.startRules) {
    t.true(start!.includes(r.rule), `the Start line names ${r.knob}`);
    t.is(answer.bounds[r.knob], r.start, `${r.knob} starts at the rule's figure`);
  }
  t.regex(start!, /the TX ring at \d+ through a DRAM refresh \(Little's law at the longest hold: [\d.]+ entries/);
  t.regex(start!, /record_layer\.tx_ring_depth=(\d+)/);
  t.is(answer.bounds['txRingDepth'], Number(/record_layer\.tx_ring_depth=(\d+)/.exec(start!)![1]));
  // The caveats state the same two rules in full.
  t.true(answer.caveats.some((c) => c.startsWith('public-key lanes held below their rate')));
  t.true(answer.caveats.some((c) => c.startsWith('TX ring sized through a DRAM refresh')));
});

test('the protocol events are options: stated in the caveats, none by default, a bad rate a usage error naming its flag', (t) => {
  const size = (extra: string, json?: string): ReturnType<typeof spawnSync> =>
    spawnSync(
      process.execPath,
      [
        ...CLI_ARGS,
        'size',
        ...`--gbps 97 --link-gbps 100 --mix imix --handshakes 1000 --sessions 1000 --margin 0 ${extra}`
          .trim()
          .split(' '),
        ...(json === undefined ? [] : ['--json', json]),
      ],
      { encoding: 'utf8' },
    );
  const caveats = (json: string): readonly string[] =>
    (JSON.parse(readFileSync(json, 'utf8')) as { readonly caveats: readonly string[] }).caveats;
  const plain = join(dir, 'plain.json');
  size('', plain);
  t.true(caveats(plain).some((c) => c.startsWith('Protocol events: none named')));
  const events = join(dir, 'events.json');
  size('--forged-gbps 5 --key-updates 2 --replays 0.01', events);
  const stated = caveats(events).find((c) => c.startsWith('Protocol events run beside the records'));
  t.truthy(stated);
  for (const part of ['2 key updates/s a session', '5 Gbit/s of forged records', 'replays at 0.01 ×'])
    t.true(stated!.includes(part), part);
  const bad = size('--forged-gbps -1');
  t.not(bad.status, 0);
  t.regex(String(bad.stderr), /--forged-gbps: must be a number from 0/);
});
