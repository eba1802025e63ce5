import test from 'ava';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/** connection_id negotiation (RFC 9146 §3, RFC 9147 §9) over the in-memory link. */

const id = makeIdentity('p256', 'server.test');

const cidOf = (datagram: Uint8Array, cidLength: number): Uint8Array | undefined => {
  const [rec] = decodeDatagram(datagram, { cidLength });
  return rec?.kind === 'ciphertext' ? rec.header.connectionId : undefined;
};

test('both sides with cid: each record carries the CID its receiver chose, from the handshake epoch on', (t) => {
  const { link, parameters } = handshake(id, { client: { cid: 4 }, server: { cid: 6 } });
  t.truthy(parameters);
  const c = link.client.connectionIds;
  const s = link.server.connectionIds;
  t.truthy(c && s);
  t.is(c?.local?.length, 4);
  t.is(s?.local?.length, 6);
  t.deepEqual(c?.peer, s?.local);
  t.deepEqual(s?.peer, c?.local);
  t.true(c?.rrc === true && s?.rrc === true, 'rrc offered and answered by default with a CID');
  link.client.send(Uint8Array.of(1, 2, 3));
  const toServer = link.client.pollTransmit();
  t.truthy(toServer);
  t.deepEqual(cidOf(toServer!, 6), s?.local);
  link.server.send(Uint8Array.of(4));
  t.deepEqual(cidOf(link.server.pollTransmit()!, 4), c?.local);
  const r = roundTrip(link, 'with cids');
  t.deepEqual(r, { atServer: ['with cids to server'], atClient: ['with cids to client'] });
});

test('a zero-length CID (cid: 0) means "send me none": the client sends the server CID and receives records without one', (t) => {
  const { link, parameters } = handshake(id, { client: { cid: 0 }, server: { cid: 5 } });
  t.truthy(parameters);
  t.is(link.client.connectionIds?.local, undefined);
  t.is(link.server.connectionIds?.peer, undefined);
  link.server.send(Uint8Array.of(9));
  t.is(cidOf(link.server.pollTransmit()!, 0), undefined);
  link.client.send(Uint8Array.of(8));
  t.is(cidOf(link.client.pollTransmit()!, 5)?.length, 5);
  t.deepEqual(roundTrip(link, 'mixed'), { atServer: ['mixed to server'], atClient: ['mixed to client'] });
});

test('only one side configures cid: no CIDs either way, and the handshake is unchanged', (t) => {
  for (const [client, server] of [
    [{ cid: 4 }, {}],
    [{}, { cid: 4 }],
  ] as const) {
    const { link, parameters } = handshake(id, { client, server });
    t.truthy(parameters);
    t.is(link.client.connectionIds, undefined);
    t.is(link.server.connectionIds, undefined);
    t.deepEqual(roundTrip(link, 'plain'), { atServer: ['plain to server'], atClient: ['plain to client'] });
  }
});

test('a CID generator puts its node id in every CID; a generator returning the wrong length is a ConfigError at configuration', (t) => {
  let n = 0;
  const generate = (length: number): Uint8Array => {
    const cid = new Uint8Array(length);
    cid[0] = 0x2a; // node 42
    cid[1] = n++;
    return cid;
  };
  const { link } = handshake(id, { client: { cid: 4 }, server: { cid: { length: 4, generate } } });
  t.is(link.server.connectionIds?.local?.[0], 0x2a);
  const err = t.throws(() => handshake(id, { server: { cid: { length: 4, generate: () => new Uint8Array(3) } } }));
  t.regex(String(err?.message), /cid\.generate/);
  t.throws(() => handshake(id, { server: { cid: 21 } }), { message: /cid\.length/ });
  t.throws(() => handshake(id, { server: { rrc: true } }), { message: /rrc/ });
});
