import test from 'ava';
import { encodeNewConnectionId } from '../../runtime/wire.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { injectHandshakeMessage } from '../support/inject.js';
import { connected } from '../support/handshake.js';
import type { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * The post-handshake CID exchanges (runtime/dtls13/cid-actions.ts, RFC 9147 §9) between real 1.3 connections in
 * memory, with NewConnectionIds an authenticated but hostile peer sends (handed in as if from an epoch-3 record): a
 * zero-length CID or an unknown usage is illegal_parameter; spares are kept for later and cid_immediate is used at
 * once; one RequestConnectionId is outstanding at a time until the answer comes; an answer never exceeds the CIDs the
 * peer may hold.
 */

const id = makeIdentity('p256', 'server.test');
const NEW_CONNECTION_ID = 10;

/** Connected with CIDs both ways: the client's 4 bytes long, the server's `serverCid`. */
function connectedCid(serverCid: number | { length: number; maxIssued: number } = 6): Link {
  return connected(id, { server: { cid: serverCid }, client: { cid: 4 } });
}

/** The handshake messages the client sends while `f` runs. */
function requestsSent(link: Link, f: () => void): number {
  const before = link.client.stats.handshakeMessagesSent;
  f();
  return link.client.stats.handshakeMessagesSent - before;
}

test('a NewConnectionId with a zero-length CID: illegal_parameter', (t) => {
  const link = connectedCid();
  const body = encodeNewConnectionId({
    cids: [{ cid: Uint8Array.of(1, 2, 3, 4, 5, 6) }, { cid: new Uint8Array(0) }],
    usage: 'cid_spare',
  });
  injectHandshakeMessage(link.client, NEW_CONNECTION_ID, body, 3);
  t.is(link.client.failure?.alert, 'illegal_parameter');
  t.regex(link.client.failure?.message ?? '', /zero-length CID/);
});

test('a NewConnectionId with an unknown usage: illegal_parameter', (t) => {
  const link = connectedCid();
  const body = encodeNewConnectionId({ cids: [{ cid: Uint8Array.of(1, 2, 3, 4, 5, 6) }], usage: 'cid_spare' });
  body[body.length - 1] = 7;
  injectHandshakeMessage(link.client, NEW_CONNECTION_ID, body, 3);
  t.is(link.client.failure?.alert, 'illegal_parameter');
  t.regex(link.client.failure?.message ?? '', /usage 7/);
});

test('spares are kept for later; cid_immediate is used at once', (t) => {
  const link = connectedCid();
  const first = link.client.connectionIds?.peer;
  injectHandshakeMessage(
    link.client,
    NEW_CONNECTION_ID,
    encodeNewConnectionId({ cids: [{ cid: Uint8Array.of(1, 1, 1, 1, 1, 1) }], usage: 'cid_spare' }),
    3,
  );
  t.is(link.client.state, 'connected');
  t.deepEqual(link.client.connectionIds?.peer, first, 'a spare does not replace the CID in use');
  t.is(link.client.connectionIds?.spares, 1);
  const now = Uint8Array.of(2, 2, 2, 2, 2, 2);
  injectHandshakeMessage(
    link.client,
    NEW_CONNECTION_ID,
    encodeNewConnectionId({ cids: [{ cid: now }], usage: 'cid_immediate' }),
    3,
  );
  t.deepEqual(link.client.connectionIds?.peer, now);
  link.client.send(Uint8Array.of(1));
  const cids: Uint8Array[] = [];
  for (let d = link.client.pollTransmit(); d !== undefined; d = link.client.pollTransmit())
    for (const r of decodeDatagram(d, { cidLength: 6 }))
      if (r.kind === 'ciphertext') cids.push(r.header.connectionId ?? new Uint8Array(0));
  t.true(cids.length > 0);
  t.deepEqual(cids.at(-1), now, 'the data record carries it');
});

test('one RequestConnectionId outstanding at a time: a second ask waits for the answer', (t) => {
  const link = connectedCid();
  t.is(
    requestsSent(link, () => link.client.requestConnectionIds(1)),
    1,
  );
  t.is(
    requestsSent(link, () => link.client.requestConnectionIds(1)),
    0,
    'not while one is outstanding',
  );
  link.run();
  t.is(link.client.connectionIds?.spares, 1, 'answered');
  t.is(
    requestsSent(link, () => link.client.requestConnectionIds(1)),
    1,
    'the answer ended the outstanding one',
  );
  link.run();
  t.is(link.client.connectionIds?.spares, 2);
});

test('an answer gives no more CIDs than the peer may hold, however many it asks for', (t) => {
  const link = connectedCid({ length: 6, maxIssued: 2 });
  link.client.requestConnectionIds(50);
  link.run();
  t.is(link.client.connectionIds?.spares, 1, 'maxIssued 2: the handshake CID and one more');
  t.is(link.server.state, 'connected');
});
