/**
 * `messageBuffers: 'batch'` on the sans-I/O DtlsConnection, DTLS 1.3 and 1.2 (docs/security/buffers.md): inside a
 * receive batch (as the socket reader starts one) a forged record, a replay and a truncated one leave no byte in the
 * session's shared ArrayBuffer, and the genuine records' plaintexts sit in it one after the other.
 */
import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { beginReceiveBatch, endReceiveBatch } from '../../runtime/wire/message-arena.js';
import { pair12, pump, type Pair12 } from '../dtls12/pair12.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const latin1 = (b: Uint8Array | ArrayBufferLike): string =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('latin1');

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}: in a 'batch' server's receive batch, forged, replayed and cut records leave nothing beside the genuine ones`, (t) => {
    const only = { minVersion: version, maxVersion: version } as const;
    const p: Pair12<DtlsConnection> = pair12(
      DtlsConnection.client({ ...only, trustAnchors: [id.caDer], serverName: 'server.test' }),
      DtlsConnection.server({
        ...only,
        certificate: { chain: id.chain, privateKey: id.privateKey },
        messageBuffers: 'batch',
      }),
    );
    p.client.connect(0);
    pump(p);
    t.is(p.server.state, 'connected');
    const datagram = (text: string): Uint8Array => {
      p.client.send(new TextEncoder().encode(text));
      return p.client.pollTransmit()!;
    };
    const first = datagram('first-genuine');
    const forged = datagram('forged-secret');
    forged[forged.length - 1]! ^= 1;
    const cut = datagram('cut-secret').subarray(0, 20);
    const second = datagram('second-genuine');
    const before = p.events.server.length;
    const outer = beginReceiveBatch({ bytesAhead: () => 4096 });
    try {
      // Each datagram's events are taken before the next is received, as the node driver does: a message still waiting
      // would have the next one's plaintext copied apart from its ArrayBuffer (wire/message-arena.ts, apartFromWaiting).
      for (const d of [first, forged, first, cut, second]) {
        p.server.receive(d, p.now);
        for (let e = p.server.pollEvent(); e !== undefined; e = p.server.pollEvent()) p.events.server.push(e);
      }
    } finally {
      endReceiveBatch(outer);
    }
    pump(p);
    const data = p.events.server.slice(before).flatMap((e) => (e.type === 'data' ? [e.data] : []));
    t.deepEqual(
      data.map((d) => latin1(d)),
      ['first-genuine', 'second-genuine'],
    );
    // The addon opens records into the arena; node:crypto's plaintexts are copied in (record/composed-protection.ts).
    t.is(data[0]!.buffer, data[1]!.buffer, 'one ArrayBuffer for the batch');
    const whole = latin1(data[0]!.buffer).replace(/\0+$/, '');
    // 1.3 records carry their content type (23) after the content.
    t.is(whole, version === 'DTLSv1.3' ? 'first-genuine\x17second-genuine\x17' : 'first-genuinesecond-genuine');
    t.false(whole.includes('secret'));
    p.client.send(new TextEncoder().encode('after'));
    pump(p);
    t.true(
      p.events.server.some((e) => e.type === 'data' && latin1(e.data) === 'after'),
      'the session goes on',
    );
  });
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}: in a 'batch' receive batch, a message received while another still waits has an ArrayBuffer apart from it`, (t) => {
    const only = { minVersion: version, maxVersion: version } as const;
    const p: Pair12<DtlsConnection> = pair12(
      DtlsConnection.client({ ...only, trustAnchors: [id.caDer], serverName: 'server.test' }),
      DtlsConnection.server({
        ...only,
        certificate: { chain: id.chain, privateKey: id.privateKey },
        messageBuffers: 'batch',
      }),
    );
    p.client.connect(0);
    pump(p);
    const datagram = (text: string): Uint8Array => {
      p.client.send(new TextEncoder().encode(text));
      return p.client.pollTransmit()!;
    };
    const sent = [datagram('one'), datagram('two'), datagram('three')];
    const before = p.events.server.length;
    const outer = beginReceiveBatch({ bytesAhead: () => 4096 });
    try {
      for (const d of sent) p.server.receive(d, p.now);
    } finally {
      endReceiveBatch(outer);
    }
    pump(p);
    const data = p.events.server.slice(before).flatMap((e) => (e.type === 'data' ? [e.data] : []));
    t.deepEqual(
      data.map((d) => latin1(d)),
      ['one', 'two', 'three'],
    );
    // The application may transfer the first one's buffer when it is handed over: the others do not go with it.
    t.is(new Set(data.map((d) => d.buffer)).size, 3);
    const moved = data[0]!.buffer as ArrayBuffer;
    structuredClone(moved, { transfer: [moved] });
    t.deepEqual(
      data.slice(1).map((d) => latin1(d)),
      ['two', 'three'],
    );
  });
}
