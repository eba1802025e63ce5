/**
 * The dissector's tls12_cid records (RFC 9146): two DtlsConnections
 * negotiate CIDs of different lengths (4 bytes for the client, 6 for the
 * server), and the dissector learns each direction's CID length from the
 * hellos' connection_id extensions, decodes the records carrying them and
 * opens them with the client's key log (the real content type from the
 * DTLSInnerPlaintext).
 */
import test from 'ava';
import { Conversation12 } from '../../cli/dissect/conversation12.js';
import { parseKeyLog } from '../../cli/dissect/key-log.js';
import type { RecordView } from '../../cli/dissect/record-view.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump } from '../dtls12/pair12.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

test('tls12_cid records both ways: the CID lengths from the hellos, the records opened with the key log', (t) => {
  const lines: string[] = [];
  const p = pair12(
    DtlsConnection.client({
      ...ONLY_12,
      trustAnchors: [id.caDer],
      serverName: 'localhost',
      cid: { length: 4 },
      keyLog: (l) => lines.push(l),
    }),
    DtlsConnection.server({
      ...ONLY_12,
      certificate: { chain: id.chain, privateKey: id.privateKey },
      peer: '192.0.2.1:5000',
      cid: { length: 6 },
    }),
  );
  const datagrams: ['client' | 'server', Uint8Array][] = [];
  const tap = (from: 'client' | 'server', d: Uint8Array): Uint8Array => {
    datagrams.push([from, d.slice()]);
    return d;
  };
  p.client.connect(0);
  pump(p, tap);
  p.client.send(new TextEncoder().encode('over a CID'));
  p.server.send(new TextEncoder().encode('and back'));
  pump(p, tap);
  const cids = p.client.connectionIds;
  if (cids === undefined) return void t.fail('no CIDs negotiated');
  t.is(cids.local?.length, 4);
  t.is(cids.peer?.length, 6);

  const dissect = (keyLog: string): RecordView[] => {
    const c = new Conversation12(parseKeyLog(keyLog), nodeProvider, { showData: true });
    return datagrams.flatMap(([from, d]) => c.dissect(from, d));
  };
  const records = dissect(lines.join('\n'));
  const protectedRecords = records.filter((r) => r.protected);
  t.true(protectedRecords.length >= 4);
  for (const r of protectedRecords) {
    // Records to the server carry the server's CID, records to the client the client's.
    t.is(r.connectionId, hex(r.from === 'client' ? cids.peer : cids.local));
    t.true(r.decrypted, r.error);
    t.is(r.epoch, 1);
  }
  t.deepEqual(
    protectedRecords.map((r) => [
      r.from,
      r.contentType,
      r.messages.map((m) => m.type).join(),
      new TextDecoder().decode(r.data),
    ]),
    [
      ['client', 'handshake', 'finished', ''],
      ['server', 'handshake', 'finished', ''],
      ['client', 'application_data', '', 'over a CID'],
      ['server', 'application_data', '', 'and back'],
    ],
  );

  // No key log: the CID records are still framed (CID shown), their content not.
  const bare = dissect('').filter((r) => r.protected);
  t.deepEqual(
    bare.map((r) => [r.contentType, r.connectionId]),
    protectedRecords.map((r) => ['encrypted', r.connectionId]),
  );
});
