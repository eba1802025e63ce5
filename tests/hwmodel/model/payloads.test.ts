import test from 'ava';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { payload, payloads, type Workload } from '../../../hwmodel/model/scenario.js';

const w = (payloadBytes: number): Workload => ({
  suite: 'tls_aes_128_gcm_sha256',
  group: 'x25519',
  records: 3,
  payloadBytes,
  provider: 'node',
  seed: 1,
  identity: makeSimIdentity('ed25519'),
});

test("a connection's payloads in one buffer are the payloads one by one, byte for byte (lengths not a multiple of 4 too)", (t) => {
  for (const bytes of [1200, 37, 1]) {
    const all = payloads(w(bytes), 7, 3);
    t.is(all.length, 3 * bytes);
    for (let n = 0; n < 3; n++)
      t.deepEqual(all.subarray(n * bytes, (n + 1) * bytes), payload(w(bytes), 7, n), `${bytes} bytes, record ${n}`);
  }
  t.notDeepEqual(payload(w(64), 7, 0), payload(w(64), 7, 1), 'records differ');
  t.notDeepEqual(payload(w(64), 7, 0), payload(w(64), 8, 0), 'connections differ');
});
