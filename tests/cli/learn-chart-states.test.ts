import test from 'ava';
import { chartStates, withChartStates } from '../../cli/learn-chart-states.js';
import { matchingNotes } from '../../cli/learn-inspect.js';
import { modelToDot } from '../../learn/learner/dot.js';
import { accessWords, minimize, run, type MealyMachine } from '../../learn/learner/mealy.js';
import { matchStates } from '../../learn/learner/state-matching.js';
import { server13 } from '../learn/machines.js';

/**
 * Learned states named by our chart's states: the reference state each is matched to, its access word run through our
 * chart (generated/charts/) with the reference's answers deciding the guards; and how the inspector draws them.
 */

const stateAfterWord = (m: MealyMachine, word: string[]): number =>
  accessWords(m).findIndex((w) => w?.join(' ') === word.join(' '));

test("a 1.3 server asking for a certificate: each state's access word reaches the chart state of its name", (t) => {
  const m = minimize(server13());
  const at = (word: string[]): string[] => chartStates('dtls13-server', word, run(m, word));
  t.deepEqual(at([]), ['waitClientHello']);
  // The server flight carries a CertificateRequest: clientAuthentication holds.
  t.deepEqual(at(['ClientHello']), ['waitClientCertificate']);
  t.deepEqual(at(['ClientHello', 'Certificate']), ['waitClientCertificateVerify']);
  t.deepEqual(at(['ClientHello', 'Certificate', 'CertificateVerify']), ['waitClientFinished']);
  t.deepEqual(at(['ClientHello', 'Certificate', 'CertificateVerify', 'Finished']), ['connected']);
  t.deepEqual(at(['ClientHello', 'Certificate', 'CertificateVerify', 'Finished', 'ApplicationData']), ['connected']);
  // A message the state does not take, answered with a fatal alert: failed; an alert from us: failed.
  t.deepEqual(at(['ClientHello', 'Finished']), ['failed']);
  t.deepEqual(at(['Alert(unexpected_message)']), ['failed']);
  // Answered with silence, it was dropped: the state stays.
  t.deepEqual(chartStates('dtls13-server', ['Finished'], ['timeout']), ['waitClientHello']);
  // A guard the answers do not tell goes both ways.
  t.deepEqual(chartStates('dtls13-server', ['ClientHello'], ['timeout']), [
    'waitClientCertificate',
    'waitClientFinished',
  ]);
  t.deepEqual(chartStates('dtls13-server', ['ClientHelloNoKeyShare'], ['HelloRetryRequest']), [
    'waitSecondClientHello',
  ]);
  t.deepEqual(chartStates('dtls12-client', [], []), ['waitServerHello'], 'a client chart starts connected');
});

test('the matching names each matched learned state by our chart, and the drawing fills the unmatched', (t) => {
  const reference = minimize(server13());
  // The learned peer: a second Certificate in `verify` leads to a state the reference does not have.
  const ins = reference.inputs;
  const verify = stateAfterWord(reference, ['ClientHello', 'Certificate']);
  const extra = reference.next.length;
  const next = reference.next.map((row) => [...row]);
  const output = reference.output.map((row) => [...row]);
  next.push([...next[verify]!]);
  output.push([...output[verify]!]);
  next[verify]![ins.indexOf('Certificate')] = extra;
  output[verify]![ins.indexOf('Certificate')] = 'timeout';
  const learned: MealyMachine = { inputs: ins, next, output };
  const m = withChartStates(matchStates(learned, reference), reference, '1.3', 'server');
  t.is(m.chartId, 'dtls13-server');
  t.deepEqual(m.learned[verify]!.chart, ['waitClientCertificateVerify']);
  t.deepEqual(m.learned[0]!.chart, ['waitClientHello']);
  t.is(m.learned[extra]!.chart, undefined);
  const notes = matchingNotes(m);
  t.is(notes.states[verify]!.note, `= ref s${verify}: waitClientCertificateVerify`);
  t.deepEqual(notes.states[extra], { note: 'unmatched: after a difference', unmatched: true });
  t.is(
    notes.header,
    `learned states matched to the reference (our dtls13-server)'s: ${extra} of ${extra + 1}; unmatched (orange): s${extra}`,
  );
  const dot = modelToDot(learned, { states: notes.states });
  t.regex(dot, new RegExp(`s${extra} \\[label="s${extra}\\nunmatched: after a difference", style="rounded,filled"`));
  t.regex(dot, new RegExp(`s${verify} \\[label="s${verify}\\n= ref s${verify}: waitClientCertificateVerify"\\];`));
});
