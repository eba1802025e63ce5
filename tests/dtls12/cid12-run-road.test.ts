import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import { beginReceiveBatch, endReceiveBatch } from '../../runtime/wire/message-arena.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { Batch } from '../support/receive-batch.js';
import { pair12, pump } from './pair12.js';

/**
 * DTLS 1.2 tls12_cid records on the run road (runtime/dtls12/connection.ts `receiveNext`), in memory: a server with
 * CIDs reads a receive batch of its client's records from a new path, the first on the one loop (it opens the run and
 * moves the server to the path, RFC 9146 §6), the rest on the run road. The run road keeps the newest authenticated
 * tls12_cid record as the one loop does: a record older than the run's last, arriving afterwards from the old path,
 * authenticates and is delivered but moves nothing.
 */

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const fixed = (byte: number) => (length: number) => new Uint8Array(length).fill(byte);

for (const messageBuffers of ['batch', 'own'] as const) {
  const title =
    `'${messageBuffers}': a run of tls12_cid records on the run road keeps the newest record; an older one ` +
    'from the old path moves nothing';
  (nativeProvider !== undefined && OPEN_RUNS ? test : test.skip)(title, (t) => {
    const p = pair12(
      DtlsConnection.client({
        maxVersion: 'DTLSv1.2',
        trustAnchors: [id.caDer],
        serverName: 'server.test',
        cid: { length: 4, generate: fixed(0xc1) },
      }),
      DtlsConnection.server({
        maxVersion: 'DTLSv1.2',
        certificate: { chain: id.chain, privateKey: id.privateKey },
        cid: { length: 4, generate: fixed(0x5e) },
        messageBuffers,
      }),
    );
    p.client.connect(0);
    pump(p);
    t.is(p.server.state, 'connected');
    p.events.server.length = 0;
    const { recordsReceived, datagramsReceived } = p.server.stats;
    // One record a datagram: each message sent alone.
    const sent = (s: string): Uint8Array => {
      p.client.send(text(s));
      const d = p.client.pollTransmit()!;
      t.is(p.client.pollTransmit(), undefined);
      t.is(d[0], 25, 'a tls12_cid record');
      return d;
    };
    p.server.receive(sent('over A'), p.now, 'A');
    const d = [0, 1, 2, 3, 4, 5].map((i) => sent(`message ${i}`));
    // Over B, the sender's new path, in one receive batch: 3 held back (it comes later, over A).
    const datagrams = [d[0]!, d[1]!, d[2]!, d[4]!, d[5]!];
    const batch = new Batch(datagrams);
    const before = OPENED_AHEAD.next;
    const outer = beginReceiveBatch(batch);
    try {
      p.server.receive(batch.deliver(0), p.now, 'B');
      for (let i = 1; i < datagrams.length; i++) {
        batch.reach(i);
        t.true(p.server.receiveNext(batch.buffer, batch.start(i), datagrams[i]!.length, p.now, 'B'), `${i}`);
      }
    } finally {
      endReceiveBatch(outer);
    }
    t.is(OPENED_AHEAD.next - before, datagrams.length - 1, 'all but the run’s first on the run road');
    p.server.receive(d[3]!, p.now, 'A');
    const events = p.events.server;
    let e;
    while ((e = p.server.pollEvent()) !== undefined) events.push(e);
    t.deepEqual(
      events.flatMap((x) => (x.type === 'data' ? [Buffer.from(x.data).toString()] : [])),
      ['over A', 'message 0', 'message 1', 'message 2', 'message 4', 'message 5', 'message 3'],
    );
    t.deepEqual(
      events.flatMap((x) => (x.type === 'pathMigrated' ? [`${x.from} -> ${x.to}`] : [])),
      ['A -> B'],
      'moved once, by the run’s first record; the older record over A moves nothing',
    );
    t.is(p.server.path, 'B');
    const after = p.server.stats;
    t.deepEqual([after.recordsReceived - recordsReceived, after.datagramsReceived - datagramsReceived], [7, 7]);
  });
}
