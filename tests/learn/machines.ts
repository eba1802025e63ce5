/** Mealy machines for the learner's tests: random ones of a given size, and small hand-made DTLS-like ones. */
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { SeededRandom } from '../../learn/learner/random.js';

/**
 * A random machine with every state reachable: state s > 0 is first reached from an earlier state (a spanning tree),
 * every other transition goes anywhere; outputs are drawn from `outputs` symbols, and with `closing`, one output is
 * `closed` into a sink that answers `closed` to everything (as a peer that ended the session).
 */
export function randomMachine(
  seed: number,
  states: number,
  inputs: number,
  outputs = 3,
  closing = false,
): MealyMachine {
  const r = new SeededRandom(seed);
  const names = Array.from({ length: inputs }, (_, i) => `i${i}`);
  const outs = Array.from({ length: outputs }, (_, o) => `o${o}`);
  const live = closing ? states - 1 : states;
  const next = Array.from({ length: states }, () => Array.from({ length: inputs }, () => r.below(live)));
  const output = Array.from({ length: states }, () => Array.from({ length: inputs }, () => r.pick(outs)));
  const spanning = new Set<string>();
  for (let s = 1; s < live; s++) {
    const [from, i] = [r.below(s), r.below(inputs)];
    next[from]![i] = s;
    spanning.add(`${from},${i}`);
  }
  if (closing) {
    const sink = states - 1;
    next[sink] = names.map(() => sink);
    output[sink] = names.map(() => 'closed');
    // A fifth of the other live transitions close the session.
    for (let s = 0; s < live; s++) {
      for (let i = 0; i < inputs; i++)
        if (!spanning.has(`${s},${i}`) && r.next() < 0.2) [next[s]![i], output[s]![i]] = [sink, 'closed'];
    }
  }
  return { inputs: names, next, output };
}

/** A machine from its transitions `[from, input, output, to]`; every transition not listed loops with `timeout`, state `closed` answers `closed`. */
export function machineOf(
  inputs: readonly string[],
  transitions: readonly (readonly [string, string, string, string])[],
): MealyMachine {
  const names = ['s0', ...new Set(transitions.flatMap(([from, , , to]) => [from, to]).filter((n) => n !== 's0'))];
  const index = new Map(names.map((n, k) => [n, k]));
  const next = names.map((_, s) => inputs.map(() => s));
  const output = names.map((n) => inputs.map((): string => (n === 'closed' ? 'closed' : 'timeout')));
  for (const [from, input, out, to] of transitions) {
    next[index.get(from)!]![inputs.indexOf(input)] = index.get(to)!;
    output[index.get(from)!]![inputs.indexOf(input)] = out;
  }
  return { inputs: [...inputs], next, output };
}

const SERVER_FLIGHT = 'ServerHello+EncryptedExtensions+CertificateRequest+Certificate+CertificateVerify+Finished';
export const SERVER13_INPUTS = [
  'ClientHello',
  'Certificate',
  'CertificateVerify',
  'Finished',
  'ApplicationData',
  'Alert(unexpected_message)',
];

/**
 * A DTLS 1.3 server asking for a client certificate, as a learned model would show it, with `changes` replacing
 * its transitions (the same `[from, input]`): `start` → `cert` (wants Certificate) → `verify` → `finished` →
 * `connected` (echoes data); a wrong message gets `Alert(unexpected_message)` and closes.
 */
export function server13(changes: readonly (readonly [string, string, string, string])[] = []): MealyMachine {
  const alert = 'Alert(unexpected_message)';
  const base: [string, string, string, string][] = [
    ['s0', 'ClientHello', SERVER_FLIGHT, 'cert'],
    ['s0', alert, 'closed', 'closed'],
    ['cert', 'Certificate', 'timeout', 'verify'],
    ['cert', 'CertificateVerify', alert, 'closed'],
    ['cert', 'Finished', alert, 'closed'],
    ['cert', alert, 'closed', 'closed'],
    ['verify', 'CertificateVerify', 'timeout', 'finished'],
    ['verify', 'Certificate', alert, 'closed'],
    ['verify', 'Finished', alert, 'closed'],
    ['verify', alert, 'closed', 'closed'],
    ['finished', 'Finished', 'ACK', 'connected'],
    ['finished', 'Certificate', alert, 'closed'],
    ['finished', 'CertificateVerify', alert, 'closed'],
    ['finished', alert, 'closed', 'closed'],
    ['connected', 'ApplicationData', 'ApplicationData', 'connected'],
    ['connected', alert, 'closed', 'closed'],
  ];
  const kept = base.filter(([f, i]) => !changes.some(([cf, ci]) => cf === f && ci === i));
  return machineOf(SERVER13_INPUTS, [...kept, ...changes]);
}
