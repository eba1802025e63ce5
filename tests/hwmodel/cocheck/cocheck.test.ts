import test from 'ava';
import { join } from 'node:path';
import { buildRunner, cocheck, parseScenario, runScenarioTs, scenarioFiles } from '../../../hwmodel/cocheck/index.js';
import { readScenario } from '../../../hwmodel/cocheck/compare.js';

const DIR = join(import.meta.dirname, '../../../spec/hw/cocheck');
const files = scenarioFiles(DIR);
// Built once (cached under ~/.cache/dtls13/systemc by a hash of its source); CI installs libsystemc-dev.
const binary = buildRunner();

test('there are kernel and TLM scenarios to check', (t) => {
  t.true(files.length >= 12);
});

for (const file of files) {
  const name = file.slice(DIR.length + 1);
  test(`${name}: hwmodel and SystemC 2.3.4 agree line for line`, (t) => {
    const r = cocheck(binary, name, readScenario(file));
    t.true(r.systemc.length > 1, 'SystemC produced a trace');
    t.deepEqual(r.hwmodel, r.systemc, r.difference === undefined ? '' : `first difference at line ${r.difference.line}`);
  });
}

test('test of the test: a scenario changed on one side only is caught, at the line that differs', (t) => {
  const text = readScenario(join(DIR, 'run-boundary.scn'));
  const broken = text.replace('notify e 10', 'notify e 11');
  t.not(broken, text);
  const r = cocheck(binary, 'run-boundary.scn (broken)', text, broken);
  t.not(r.difference, undefined);
  t.is(r.difference?.left, '10 1 waiter got-e', 'SystemC wakes the waiter at 10 ns; the changed side does not');
});

test('test of the test: a kernel that fired pre-run delta notifications a delta late would be caught', (t) => {
  // The old behaviour, emulated on the scenario's text: the delta
  // notification moved to the first delta cycle instead of initialization.
  const text = readScenario(join(DIR, 'init-phase.scn'));
  const late = text
    .replace('  notify e 0\n', '')
    .replace('thread early sensitive e dont_initialize', 'thread kick\n  wait 0\n  notify e 0\nend\nthread early sensitive e dont_initialize');
  const r = cocheck(binary, 'init-phase.scn (late)', text, late);
  t.not(r.difference, undefined);
  t.regex(runScenarioTs(parseScenario('late', late)).join('\n'), /0 [12] early woken/);
});
