import test from 'ava';
import { SEND, nextPayload, recordCalls, replayCalls } from '../../../bench/hwmodel-replay.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import type { Workload } from '../../../hwmodel/model/scenario.js';
import { simulate } from '../../../hwmodel/model/simulate.js';

const identity = makeSimIdentity('ed25519');
const w: Workload = {
  suite: 'tls_aes_128_gcm_sha256',
  group: 'x25519',
  records: 3,
  payloadBytes: 500,
  provider: 'node',
  seed: 4,
  identity,
};
const scenario = () =>
  simulate({
    connections: 6,
    records: w.records,
    suite: w.suite,
    group: w.group,
    payloadBytes: w.payloadBytes,
    seed: w.seed,
    identity,
    platform: 'offload',
  });

test('the overhead baseline makes each client record the way the simulation does: the same bytes as the recorded send, in the same order', (t) => {
  const log = recordCalls(scenario);
  const made = new Map<number, { index: number; data?: Uint8Array; sent: number }>();
  let sends = 0;
  for (const call of log.calls) {
    if (call.method !== SEND) continue;
    const { side, index } = log.connections[call.connection]!;
    t.is(side, 'client');
    const conn = made.get(call.connection) ?? { index, sent: 0 };
    made.set(call.connection, conn);
    t.deepEqual(nextPayload(w, conn), call.args[0] as Uint8Array, `connection ${index}, record ${conn.sent - 1}`);
    sends++;
  }
  t.is(sends, 6 * w.records);
  t.true(replayCalls(w, log) >= 0); // every replayed connection ends closed, or it throws
});
