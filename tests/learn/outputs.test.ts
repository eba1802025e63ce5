import test from 'ava';
import { createActor, createMachine } from 'xstate';
import { diffModels } from '../../learn/learner/diff.js';
import { modelToDot } from '../../learn/learner/dot.js';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import { distinguishingWord, minimize, run, stateAfter } from '../../learn/learner/mealy.js';
import { learnReport, modelFromReport } from '../../learn/learner/report.js';
import { modelToXState } from '../../learn/learner/xstate.js';
import { server13 } from './machines.js';

test('DOT: one node per state, the initial arrow, every input / output on an edge label', (t) => {
  const m = minimize(server13());
  const dot = modelToDot(m, { name: 'wolfSSL "1.3" server' });
  t.true(dot.startsWith('digraph "wolfSSL \\"1.3\\" server" {'));
  t.regex(dot, /__start -> s0;/);
  t.is((dot.match(/^ {2}s\d+ \[label=/gm) ?? []).length, m.next.length);
  for (let s = 0; s < m.next.length; s++) {
    for (let i = 0; i < m.inputs.length; i++) t.true(dot.includes(`${m.inputs[i]!} / ${m.output[s]![i]!}`));
  }
});

test("DOT: a finding's word drawn red along its path from s0, each step marked, the finding named", (t) => {
  const m = minimize(server13());
  const word = ['ClientHello', 'Certificate', 'Finished'];
  const dot = modelToDot(m, { highlight: { word, label: 'skipped-certificate-verify' } });
  const edges = dot.split(/;\n/).filter((e) => e.includes(' -> '));
  const red = edges.filter((e) => e.includes('color="#c53030"'));
  t.is(red.length, word.length, 'one red edge per step (the steps go to different states here)');
  for (const input of word)
    t.true(
      red.some((e) => e.includes(`▶ ${input} /`)),
      input,
    );
  t.regex(dot, /label="skipped-certificate-verify"; labelloc=b;/);
  t.false(modelToDot(m).includes('▶'), 'nothing marked without a highlight');
  t.regex(modelToDot(m), /edge \[fontname="Helvetica", fontsize=11\]/, "labels as large as our charts' largest");
});

test('DOT: a run that did not converge has the last step of each flipping word dashed and marked, and why below', (t) => {
  const m = minimize(server13());
  const word = ['ClientHello', 'Certificate', 'Finished'];
  const dot = modelToDot(m, { flipping: { words: [word], label: 'does not converge: flipping: ClientHello ...' } });
  const edges = dot.split(/;\n/).filter((e) => e.includes(' -> '));
  const dashed = edges.filter((e) => e.includes('style=dashed'));
  t.is(dashed.length, 1, 'only the flipping step');
  t.true(dashed[0]!.includes('≈ Finished /'), dashed[0]);
  t.is(edges.filter((e) => e.includes('≈')).length, 1);
  t.regex(dot, /label="does not converge: flipping: ClientHello \.\.\."; labelloc=b;/);
  t.false(modelToDot(m).includes('≈'), 'nothing marked without flipping words');
});

test('XState: createMachine takes the config, and an actor fed the inputs walks the model', (t) => {
  const m = minimize(server13());
  const machine = createMachine(modelToXState(m, 'learned-server'));
  const actor = createActor(machine).start();
  const word = ['ClientHello', 'Certificate', 'CertificateVerify', 'Finished'];
  const outputs: string[] = [];
  for (const input of word) {
    const before = actor.getSnapshot().value as string;
    const transition = machine.config.states![before]!.on as Record<string, { meta: { output: string } }>;
    outputs.push(transition[input]!.meta.output);
    actor.send({ type: input });
  }
  t.deepEqual(outputs, run(m, word));
  t.is(actor.getSnapshot().value, `s${stateAfter(m, word)}`);
  actor.stop();
});

test('the JSON report carries the figures, the findings and a model that reads back to the same machine', async (t) => {
  const truth = server13([['verify', 'Finished', 'ACK', 'connected']]);
  const result = await learn(machineSul(truth, { parallel: 3 }), { seed: 1, budget: 300 });
  const report = JSON.parse(JSON.stringify(learnReport(result))) as ReturnType<typeof learnReport>;
  t.is(report.version, '1.3');
  t.is(report.role, 'server');
  t.is(report.states, minimize(truth).next.length);
  t.is(report.transitions, report.states * truth.inputs.length);
  t.true(report.queries > 0 && report.seconds >= 0);
  t.deepEqual(report.alphabet, truth.inputs);
  t.deepEqual(report.nondeterministic, []);
  t.deepEqual(
    report.bugPatterns.map((b) => b.pattern),
    ['skipped-certificate-verify'],
  );
  t.true(report.bugPatternsChecked.includes('data-before-finished'));
  t.is(distinguishingWord(modelFromReport(report), truth), undefined);
});

test('the diff against a reference lists the planted difference with a word that shows it', async (t) => {
  const reference = (await learn(machineSul(server13(), { parallel: 2 }), { budget: 300 })).model;
  const peer = (
    await learn(machineSul(server13([['verify', 'Finished', 'ACK', 'connected']]), { parallel: 2 }), { budget: 300 })
  ).model;
  const differences = diffModels(peer, reference);
  t.is(differences.length, 1);
  t.deepEqual(differences[0]!.word, ['ClientHello', 'Certificate', 'Finished']);
  t.deepEqual(differences[0]!.first.at(-1), 'ACK');
  t.deepEqual(differences[0]!.second.at(-1), 'Alert(unexpected_message)');
  t.deepEqual(diffModels(reference, reference), []);
});
