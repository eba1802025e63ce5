import test from 'ava';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/** KeyUpdate (RFC 8446 §4.6.3, RFC 9147 §8) over the in-memory link. */

const id = makeIdentity('p256', 'server.test');
const epochBitsOfLastData = (datagrams: Uint8Array[]): number | undefined => {
  const last = datagrams.at(-1);
  const [rec] = last ? decodeDatagram(last) : [];
  return rec?.kind === 'ciphertext' ? rec.header.epochLowBits : undefined;
};

test('updateKeys(true): both sides move to epoch 4 and data flows both ways', (t) => {
  const { link } = handshake(id);
  link.client.updateKeys(true);
  link.run(link.now + 10_000);
  const r = roundTrip(link, 'after update');
  t.deepEqual(r, { atServer: ['after update to server'], atClient: ['after update to client'] });
  // The next records carry epoch 4 (low bits 00) both ways.
  link.client.send(Uint8Array.of(1));
  link.server.send(Uint8Array.of(2));
  const c = link.client.pollTransmit()!;
  const s = link.server.pollTransmit()!;
  t.is(epochBitsOfLastData([c]), 0);
  t.is(epochBitsOfLastData([s]), 0);
  t.is(link.client.stats.drops.authentication + link.server.stats.drops.authentication, 0);
});

test('until its KeyUpdate is acknowledged a side keeps writing with the old keys; a lost KeyUpdate is resent', (t) => {
  const { link } = handshake(id);
  const start = link.now;
  link.client.updateKeys(false);
  t.truthy(link.client.pollTransmit(), 'the KeyUpdate went out, and is lost here');
  link.client.send(Uint8Array.of(7));
  t.is(epochBitsOfLastData([link.client.pollTransmit()!]), 3, 'still epoch 3 before the ACK');
  link.run(start + 10_000);
  t.true(
    link.log.some((l) => l.from === 'client' && l.at > start),
    'the KeyUpdate was retransmitted',
  );
  link.client.send(Uint8Array.of(8));
  t.is(epochBitsOfLastData([link.client.pollTransmit()!]), 0, 'epoch 4 once acknowledged');
});
