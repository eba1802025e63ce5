import test from 'ava';
import { DtlsConnection } from '../../../runtime/connection/connection.js';
import { CryptoOpLog } from '../../../hwmodel/model/crypto-ops.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { CryptoRoute } from '../../../hwmodel/model/routed-crypto.js';
import { connectionOptions, sideConnections, type Workload } from '../../../hwmodel/model/scenario.js';

const identity = makeSimIdentity('ed25519');
const w: Workload = {
  suite: 'tls_aes_128_gcm_sha256',
  group: 'x25519',
  records: 0,
  payloadBytes: 100,
  provider: 'node',
  seed: 7,
  identity,
};

test('a route draws from the connection entered last, and refuses to draw before any', (t) => {
  const route = new CryptoRoute();
  t.throws(() => route.nextUint32(), { message: /outside a connection call/ });
  let a = 0;
  let b = 1000;
  route.enter({ nextUint32: () => a++ }, undefined);
  t.is(route.nextUint32(), 0);
  route.enter({ nextUint32: () => b++ }, undefined);
  t.is(route.nextUint32(), 1000);
  route.enter({ nextUint32: () => a++ }, undefined);
  t.is(route.nextUint32(), 1);
});

test('connections of one side share one options object, yet each ClientHello is the one its own provider makes', (t) => {
  const side = sideConnections(w, 'client');
  const logs = [new CryptoOpLog(), new CryptoOpLog()];
  const enters = logs.map((log, i) => side.enterer(i, log));
  const conns = enters.map((enter) => {
    enter();
    return DtlsConnection.client(side.options);
  });
  // Interleaved: connection 1 first, then 0; each must still draw from its own stream.
  const hellos: Uint8Array[] = [];
  for (const i of [1, 0]) {
    enters[i]!();
    conns[i]!.connect(0);
    hellos[i] = conns[i]!.pollTransmit()!;
  }
  for (const i of [0, 1]) {
    const own = DtlsConnection.client(connectionOptions(w, 'client', i));
    own.connect(0);
    t.deepEqual(
      Buffer.from(hellos[i]!).toString('hex'),
      Buffer.from(own.pollTransmit()!).toString('hex'),
      `connection ${i}`,
    );
  }
  t.true(
    logs.every((log) => log.take().some((op) => op.kind === 'kx_generate')),
    'each key share logged to its own connection',
  );
});
