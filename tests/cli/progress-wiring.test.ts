import test from 'ava';
import { makeSimIdentity } from '../../hwmodel/model/identity.js';
import { simulate, type SimulationProgressState } from '../../hwmodel/model/simulate.js';
import { SimulationProgress } from '../../cli/progress.js';

// simulate()'s onProgress drives the CLI's display by simulated time (what `dtls13 simulate` wires on a terminal).

test('onProgress reports simulated time moving forward and ends with every connection closed; the display prints it', (t) => {
  const states: SimulationProgressState[] = [];
  const lines: string[] = [];
  let wall = 0;
  const display = new SimulationProgress({ write: (c: string) => lines.push(c), isTTY: false }, () => (wall += 5));
  simulate({
    connections: 20,
    records: 1,
    identity: makeSimIdentity(),
    seed: 4,
    onProgress: (s) => {
      states.push(s);
      display.update(s);
    },
  });
  display.finish(states.at(-1)!);
  t.true(states.length >= 2);
  for (let i = 1; i < states.length; i++) t.true(states[i]!.now >= states[i - 1]!.now);
  t.like(states.at(-1), { closed: 20, total: 20 });
  t.regex(lines.at(-1) ?? '', /100%.*simulated .*elapsed .*done.*20\/20 connections closed/);
});
