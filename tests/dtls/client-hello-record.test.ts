import test from 'ava';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { LONGEST_CLIENT_HELLO_12 } from '../../runtime/connection/fall-back12.js';
import { clientHelloRecord } from '../../runtime/dtls/client-hello-record.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { Reader } from '../../runtime/wire/reader.js';

/** A ClientHello the 1.3 state reassembled, made one record for the 1.2 state (runtime/dtls/client-hello-record.ts). */

test('one epoch-0 handshake record: the whole message, its message_seq, the record number given', (t) => {
  for (const length of [0, 1, 255, 256, LONGEST_CLIENT_HELLO_12]) {
    const body = new Uint8Array(length).map((_, i) => i & 0xff);
    const records = decodeDatagram12(clientHelloRecord(body, 258, 2 ** 40 + 3));
    t.is(records.length, 1);
    const w = records[0]!;
    if (w.kind !== 'record') return t.fail('not a record');
    t.like(w.record, { type: 'handshake', epoch: 0, sequenceNumber: 2 ** 40 + 3 });
    const f = readDtlsHandshake(new Reader(w.record.fragment, 'Handshake'));
    t.like(f, { msgType: 'client_hello', length, messageSeq: 258, fragmentOffset: 0 });
    t.deepEqual(f.fragment, body);
  }
});
