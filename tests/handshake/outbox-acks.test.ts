import test from 'ava';
import { FLIGHT13, HandshakeOutbox, type OutMessage } from '../../runtime/shared/handshake-outbox.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { recordPair } from '../support/record-pair.js';
import { DatagramLimit } from '../../runtime/shared/datagram-limit.js';

/**
 * HandshakeOutbox's ACK bookkeeping in 1.3's form (RFC 9147 §7): each record it sent names
 * the fragment it carried, an ACK of some records acknowledges exactly the
 * messages whose every fragment was named, in epochs below 32 (record
 * numbers kept as one number) and from 32 on (kept as text), and record
 * numbers it never sent, or sent in another epoch, acknowledge nothing.
 */

const body = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

for (const epoch of [2, 31, 32, 40_000]) {
  test(`epoch ${epoch}: an ACK acknowledges the messages all of whose fragments it names, and nothing it never sent`, (t) => {
    const { tx } = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_gcm_sha256', epoch });
    const outgoing: Uint8Array[] = [];
    const outbox = new HandshakeOutbox(tx.writer, FLIGHT13, new DatagramLimit(600), outgoing, {
      handshakeMessagesSent: 0,
    });
    // Message 0 in three fragments (at 600-byte datagrams), message 1 in one.
    const messages: OutMessage[] = [
      { index: 0, epoch, msgType: 'certificate', messageSeq: 1, body: body(1200, 1) },
      { index: 1, epoch, msgType: 'finished', messageSeq: 2, body: body(32, 2) },
    ];
    outbox.transmit(messages);
    const sent = outgoing.flatMap((d) => decodeDatagram(d));
    t.is(sent.length, 4);
    t.deepEqual(outbox.allIndexes(), [0, 1]);
    const rn = (i: number): { epoch: bigint; sequenceNumber: bigint } => ({
      epoch: BigInt(epoch),
      sequenceNumber: BigInt(i),
    });
    // The Finished's record (the last sent), a record never sent, one of another epoch: message 1 only.
    t.deepEqual(
      outbox.acknowledge([
        rn(3),
        rn(99),
        { epoch: BigInt(epoch) + 1n, sequenceNumber: 0n },
        { epoch: 2n ** 63n, sequenceNumber: 2n ** 60n },
      ]),
      [1],
    );
    // Two of message 0's three fragments: still not whole; the third completes it.
    t.deepEqual(outbox.acknowledge([rn(0), rn(1)]), [1]);
    t.deepEqual(outbox.acknowledge([rn(2)]), [0, 1]);
    // A retransmission sends only what is not acknowledged: nothing here.
    outgoing.length = 0;
    outbox.transmit(messages);
    t.is(outgoing.length, 0);
  });
}

for (const suite of ['tls_aes_128_gcm_sha256', 'tls_aes_128_ccm_8_sha256'] as const) {
  test(`${suite}, with a CID on our records: every record of a flight fits the datagram limit, and fills it`, (t) => {
    const cid = body(20, 7);
    const { tx, rx, epoch } = recordPair({ sender: nodeProvider, suite, cid });
    const outgoing: Uint8Array[] = [];
    const outbox = new HandshakeOutbox(tx.writer, FLIGHT13, new DatagramLimit(600), outgoing, {
      handshakeMessagesSent: 0,
    });
    outbox.transmit([{ index: 0, epoch, msgType: 'certificate', messageSeq: 1, body: body(3000, 1) }]);
    t.true(outgoing.length > 1);
    for (const d of outgoing) t.true(d.length <= 600, `a ${d.length}-byte datagram over the 600-byte limit`);
    // Cut by what a record really adds (the CID included; CCM_8's tag is 8 bytes): the first datagram is full.
    t.is(outgoing[0]!.length, 600);
    // The records open at the peer: the CID and the lengths are what the writer wrote.
    const opened = outgoing.flatMap((d) => rx.reader.receive(d, 0));
    t.is(opened.length, outgoing.length);
    t.true(opened.every((r) => r.kind === 'record' && r.contentType === 'handshake'));
  });
}
