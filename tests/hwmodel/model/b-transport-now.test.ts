import { createHash } from 'node:crypto';
import test from 'ava';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate, type SimulationOptions } from '../../../hwmodel/model/simulate.js';
import { US } from '../../../hwmodel/kernel/index.js';
import { InitiatorSocket } from '../../../hwmodel/tlm/index.js';

const identity = makeSimIdentity('ed25519');

/** A run's results, its VCD and its transaction trace, as one text (the wall time left out). */
function run(options: Partial<SimulationOptions>): string {
  const chunks: string[] = [];
  const sink = { write: (s: string) => void chunks.push(s), close: () => undefined };
  const r = simulate({ connections: 12, records: 3, payloadBytes: 600, seed: 5, identity, vcd: sink, trace: sink, ...options });
  return JSON.stringify({ ...r, wallMs: 0, transcripts: undefined }) + chunks.join('');
}

/** The same run with every target's path without a generator declined: each call goes through its b_transport generator. */
function generatorsOnly(options: Partial<SimulationOptions>): string {
  const now = Object.getOwnPropertyDescriptor(InitiatorSocket.prototype, 'bTransportNow')!;
  Object.defineProperty(InitiatorSocket.prototype, 'bTransportNow', { ...now, value: () => false });
  try {
    return run(options);
  } finally {
    Object.defineProperty(InitiatorSocket.prototype, 'bTransportNow', now);
  }
}

const cases: [string, Partial<SimulationOptions>][] = [
  ['offload', { platform: 'offload' }],
  ['offload with the accelerator and back-pressure', { platform: 'offload', hwAccel: true, device: { cryptoEngine: { lanes: 1, pkLanes: 1, queueDepth: 1 } } }],
  ['offload on a lossy link', { platform: 'offload', loss: 0.05, latency: 40 * US }],
  ['software with sockets', { platform: 'software', sockets: true }],
];
for (const [name, options] of cases) {
  test(`${name}: the targets' paths without a generator give the run the generators give, byte for byte`, (t) => {
    const fast = run(options);
    const slow = generatorsOnly(options);
    const digest = (s: string): string => createHash('sha256').update(s).digest('hex');
    t.is(digest(fast), digest(slow), `first difference at character ${[...fast].findIndex((c, i) => c !== slow[i])}`);
    t.regex(fast, /"completed":12/);
  });
}
