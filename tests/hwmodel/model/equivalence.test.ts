import test from 'ava';
import { DtlsConnection } from '../../../runtime/connection/connection.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { connectionOptions, payload, type Workload } from '../../../hwmodel/model/scenario.js';
import { simulate, type ConnectionTranscript } from '../../../hwmodel/model/simulate.js';
import { US } from '../../../hwmodel/kernel/index.js';
import { Link } from '../../support/link.js';

/** Ed25519 signatures are deterministic, so a whole connection is a function of the seed. */
const identity = makeSimIdentity('ed25519');
const hex = (ds: readonly Uint8Array[]): string[] => ds.map((d) => Buffer.from(d).toString('hex'));

/** Connection `index` of the workload in the in-memory harness (tests/support/link.ts): handshake, the payloads, close_notify. */
function inMemory(w: Workload, index: number): ConnectionTranscript {
  const client = DtlsConnection.client(connectionOptions(w, 'client', index));
  const server = DtlsConnection.server(connectionOptions(w, 'server', index));
  const t: ConnectionTranscript = { clientSent: [], serverSent: [], serverReceived: [], clientReceived: [] };
  for (const [conn, sent] of [
    [client, t.clientSent],
    [server, t.serverSent],
  ] as const) {
    const poll = conn.pollTransmit.bind(conn);
    conn.pollTransmit = () => {
      const d = poll();
      if (d !== undefined) sent.push(d.slice());
      return d;
    };
  }
  const link = new Link(client, server, { latency: 1 });
  client.connect(0);
  link.run();
  for (let n = 0; n < w.records; n++) client.send(payload(w, index, n));
  client.close();
  link.run(link.now + 60_000);
  for (const e of link.events.server) if (e.type === 'data') t.serverReceived.push(e.data);
  for (const e of link.events.client) if (e.type === 'data') t.clientReceived.push(e.data);
  return t;
}

for (const suite of ['tls_aes_128_gcm_sha256', 'tls_chacha20_poly1305_sha256'] as const) {
  test(`${suite}: the model and the in-memory harness produce identical transcripts and application data`, (t) => {
    const seed = 42;
    const w: Workload = { suite, group: 'x25519', records: 3, payloadBytes: 700, provider: 'node', seed, identity };
    const model = simulate({
      connections: 3,
      suite,
      group: 'x25519',
      records: 3,
      payloadBytes: 700,
      provider: 'node',
      seed,
      identity,
      transcripts: true,
      latency: 30 * US,
      arrivalRate: 1000,
    });
    t.is(model.report.handshakes.completed, 3);
    t.is(model.report.throughput.records, 9);
    for (let i = 0; i < 3; i++) {
      const m = model.transcripts![i]!;
      const h = inMemory(w, i);
      t.true(h.clientSent.length >= 4, 'ClientHello, Finished, data, close_notify at least');
      t.deepEqual(hex(m.clientSent), hex(h.clientSent), `connection ${i}: every datagram the client sent`);
      t.deepEqual(hex(m.serverSent), hex(h.serverSent), `connection ${i}: every datagram the server sent`);
      t.deepEqual(hex(m.serverReceived), hex(h.serverReceived));
      t.deepEqual(hex(m.serverReceived), hex([0, 1, 2].map((n) => payload(w, i, n))), 'the payloads arrived, in order');
    }
    // And the two connections differ from each other (the seed is per connection).
    t.notDeepEqual(hex(model.transcripts![0]!.clientSent), hex(model.transcripts![1]!.clientSent));
  });
}

test('the same seed gives the same run; another seed another one', (t) => {
  const run = (seed: number) =>
    simulate({
      connections: 4,
      records: 2,
      seed,
      identity,
      transcripts: true,
      latency: 20 * US,
      loss: 0.05,
      arrivalRate: 2000,
    });
  const a = run(7);
  const b = run(7);
  const c = run(8);
  t.deepEqual(a.run, b.run);
  t.deepEqual(
    a.transcripts!.map((x) => hex(x.clientSent)),
    b.transcripts!.map((x) => hex(x.clientSent)),
  );
  t.notDeepEqual(
    a.transcripts!.map((x) => hex(x.clientSent)),
    c.transcripts!.map((x) => hex(x.clientSent)),
  );
});

test('with ECDSA P-256 certificates too (signatures made deterministic), a seed fixes the whole run', (t) => {
  const p256 = makeSimIdentity('p256');
  const run = () =>
    simulate({ connections: 6, records: 1, seed: 9, identity: p256, transcripts: true, latency: 20 * US });
  const [a, b] = [run(), run()];
  t.deepEqual(a.run, b.run);
  t.deepEqual(
    a.transcripts!.map((x) => hex(x.serverSent)),
    b.transcripts!.map((x) => hex(x.serverSent)),
  );
});
