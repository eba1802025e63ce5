import test from 'ava';
import { accessWords, minimize, stateAfter, type MealyMachine } from '../../learn/learner/mealy.js';
import { matchStates } from '../../learn/learner/state-matching.js';
import { randomMachine, server13 } from './machines.js';

/** The learned model's states matched to the reference's through the product of the two machines. */

/** The machine with its states renumbered by `order` (new state k is old state order[k]; order[0] = 0). */
function renumbered(m: MealyMachine, order: readonly number[]): MealyMachine {
  const to = new Map(order.map((old, k) => [old, k]));
  return {
    inputs: m.inputs,
    next: order.map((old) => m.next[old]!.map((t) => to.get(t)!)),
    output: order.map((old) => [...m.output[old]!]),
  };
}

test('a model equal to the reference matches it one to one, whatever the numbering', (t) => {
  const reference = minimize(server13());
  const n = reference.next.length;
  const order = [0, ...Array.from({ length: n - 1 }, (_, k) => n - 1 - k)];
  const learned = renumbered(reference, order);
  const m = matchStates(learned, reference);
  t.deepEqual(
    m.learned.map((s) => [s.state, s.reference, s.agreement]),
    order.map((old, k) => [`s${k}`, `s${old}`, 'all']),
  );
  t.deepEqual(m.unmatchedReference, []);
  const random = minimize(randomMachine(5, 15, 4));
  t.true(matchStates(random, random).learned.every((s, k) => s.reference === `s${k}` && s.agreement === 'all'));
});

test('a model with an extra state reached through a difference shows it unmatched', (t) => {
  const reference = minimize(server13());
  // The learned peer has a state the reference does not: a second Certificate in `verify` leads to a copy of
  // `verify` that answers Finished differently.
  const ins = reference.inputs;
  const cert = ins.indexOf('Certificate');
  const fin = ins.indexOf('Finished');
  const verify = reference.next[reference.next[0]![ins.indexOf('ClientHello')]!]![cert]!;
  const extra = reference.next.length;
  const next = reference.next.map((row) => [...row]);
  const output = reference.output.map((row) => [...row]);
  // From verify, another Certificate goes to the extra state (instead of closing); it is verify but for Finished.
  next.push([...next[verify]!]);
  output.push([...output[verify]!]);
  output[extra]![fin] = 'Alert(decrypt_error)';
  const closedBy = output[verify]![cert];
  next[verify]![cert] = extra;
  output[verify]![cert] = 'timeout';
  const learned: MealyMachine = { inputs: ins, next, output };
  const m = matchStates(learned, reference);
  const row = m.learned[extra]!;
  t.is(row.reference, undefined);
  // The extra state is reached only by verify's Certificate, which the reference answers otherwise (`closedBy`):
  t.not(closedBy, 'timeout');
  t.deepEqual(row.votes, {}, 'reached only through a difference: no vote');
  t.true(m.learned.filter((_, s) => s !== extra).every((s, k) => s.reference === `s${k}` && s.agreement === 'all'));
  t.deepEqual(m.unmatchedReference, []);
});

test('an extra state reached by the same answers splits the reference state and stays unmatched', (t) => {
  const reference = minimize(randomMachine(9, 8, 3));
  // Copy state q: the copy answers as q except on one input, and one transition into q (not on q's access word)
  // now goes to the copy with the same answer.
  const q = 3;
  const copy = reference.next.length;
  const next = reference.next.map((row) => [...row]);
  const output = reference.output.map((row) => [...row]);
  next.push([...next[q]!]);
  output.push([...output[q]!]);
  output[copy]![0] = 'other';
  const word = accessWords(reference)[q]!;
  const last = [stateAfter(reference, word.slice(0, -1)), reference.inputs.indexOf(word.at(-1)!)];
  let moved = false;
  for (let s = 0; s < copy && !moved; s++)
    for (let i = 0; i < reference.inputs.length && !moved; i++)
      if (next[s]![i] === q && !(s === last[0] && i === last[1])) {
        next[s]![i] = copy;
        moved = true;
      }
  t.true(moved);
  const learned: MealyMachine = { inputs: reference.inputs, next, output };
  const m = matchStates(learned, reference);
  t.is(m.learned[q]!.reference, `s${q}`, "q's access word reaches q in the learned model: q is the match");
  t.is(m.learned[copy]!.reference, undefined);
  t.is(m.learned[copy]!.splits, `s${q}`);
  t.true(m.learned[copy]!.votes[`s${q}`]! > 0);
});

test('a learned model that merges two reference states leaves one unmatched', (t) => {
  const reference = minimize(server13());
  const merged = minimize(
    server13([
      ['verify', 'CertificateVerify', 'timeout', 'verify'],
      ['verify', 'Finished', 'ACK', 'connected'],
    ]),
  );
  const m = matchStates(merged, reference);
  t.true(merged.next.length < reference.next.length);
  t.true(m.unmatchedReference.length > 0);
  t.throws(() => matchStates(merged, { ...reference, inputs: [...reference.inputs.slice(1), 'Other'] }), {
    message: /different inputs/,
  });
});

test('a state some words past a hidden difference lead elsewhere is matched by most words, or by its shortest', (t) => {
  // server13's states: s0 start, s1 cert, s2 closed, s3 verify, s4 finished, s5 connected.
  const learned = server13();
  // Our connected server ends the session on a Certificate, silently (timeout); the learned one ignores it.
  const reference = server13([['connected', 'Certificate', 'timeout', 'closed']]);
  const connected = matchStates(learned, reference).learned[5]!;
  t.deepEqual([connected.reference, connected.agreement], ['s5', 'majority']);
  t.is(connected.votes.s2, 1, 'the Certificate ours answers by closing, answered alike, but ours is closed after it');
  // Where most words after it lead to the reference's closed state, the shortest word still says which it is.
  const closesOften = server13(
    ['ClientHello', 'Certificate', 'CertificateVerify', 'Finished'].map(
      (i) => ['connected', i, 'timeout', 'closed'] as const,
    ),
  );
  const often = matchStates(learned, closesOften).learned[5]!;
  t.deepEqual([often.reference, often.agreement], ['s5', 'shortest']);
  t.true(often.votes.s2! > often.votes.s5!);
});
