import test from 'ava';
import { encodeNewConnectionId, encodeRequestConnectionId, encodeReturnRoutabilityCheck } from '../../runtime/wire.js';
import { MAX_REQUESTS_ANSWERED } from '../../runtime/cid/cid-state.js';
import { decodeDatagram, encodeDatagram } from '../../runtime/wire/datagram.js';
import { PathLink } from '../support/path-link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { connectedOnPaths } from '../support/cid-pair.js';
import { makePair } from '../support/stepper.js';
import { injectHandshakeMessage, injectRecord } from '../support/inject.js';

/**
 * NewConnectionId / RequestConnectionId (RFC 9147 §9) and RRC messages
 * (RFC 9853) under loss and reordering on the scripted clock; CID
 * exhaustion; a peer that uses a CID it was never given; the rules on who
 * may send what.
 */

const id = makeIdentity('p256', 'server.test');
const NEW_CONNECTION_ID = 10;
const REQUEST_CONNECTION_ID = 9;

test('RequestConnectionId is answered with spares; the RequestConnectionId and the NewConnectionId each lost once, both repaired by retransmission', (t) => {
  let phase = false;
  const lost = { client: 0, server: 0 };
  const link = connectedOnPaths(id, {
    link: {
      filter: (w) => {
        if (!phase) return true;
        const side = w.from === 'client:1' ? 'client' : 'server';
        return lost[side]++ > 0; // the first datagram each way after the request
      },
    },
  });
  phase = true;
  t.is(link.client.connectionIds?.spares, 0);
  link.client.requestConnectionIds(3);
  link.run();
  t.true(lost.client > 1 && lost.server > 1, 'both directions lost one and sent again');
  t.is(link.client.connectionIds?.spares, 3);
  t.is(link.server.connectionIds?.issued.length, 4, 'the handshake CID and three spares');
  t.is(link.client.state, 'connected');
  t.is(link.server.state, 'connected');
});

test('NewConnectionId and RequestConnectionId reordered behind application data still arrive once; a duplicate changes nothing', (t) => {
  const link = connectedOnPaths(id, {
    link: { delay: (w) => (w.from === 'server:1' ? 40 - (w.datagram.length % 30) : 0) },
  });
  link.server.issueConnectionIds(2);
  link.server.send(new TextEncoder().encode('data that may overtake the NewConnectionId'));
  link.run();
  t.is(link.client.connectionIds?.spares, 2);
  // The same NewConnectionId again (a retransmission that crossed its ACK): the CIDs are not taken twice.
  const s = link.server.connectionIds!;
  injectHandshakeMessage(
    link.client,
    NEW_CONNECTION_ID,
    encodeNewConnectionId({ cids: s.issued.slice(1).map((cid) => ({ cid })), usage: 'cid_spare' }),
    3,
  );
  t.is(link.client.connectionIds?.spares, 2);
});

test('CID exhaustion: a request beyond maxIssued gets fewer (then none); more than the cap of requests ends the session with too_many_cids_requested', (t) => {
  const link = connectedOnPaths(id, { server: { cid: { length: 6, maxIssued: 3 } } });
  link.client.requestConnectionIds(10);
  link.run();
  t.is(link.client.connectionIds?.spares, 2, 'maxIssued 3: the handshake CID and two more');
  link.client.requestConnectionIds(5);
  link.run();
  t.is(link.client.connectionIds?.spares, 2, 'none left to give: an empty NewConnectionId');
  t.is(link.server.state, 'connected');
  // A peer flooding requests (not waiting for answers, against §9) ends at the cap.
  const flood = connectedOnPaths(id);
  for (let i = 0; i <= MAX_REQUESTS_ANSWERED && flood.server.state === 'connected'; i++) {
    injectHandshakeMessage(flood.server, REQUEST_CONNECTION_ID, encodeRequestConnectionId({ numCids: 1 }), 3);
    flood.run();
  }
  t.is(flood.server.failure?.alert, 'too_many_cids_requested');
});

test('cid_immediate: the receiver switches to the new CID at once; the sender retires the old one when it shows up', (t) => {
  const link = connectedOnPaths(id);
  const old = link.client.connectionIds?.peer;
  const [fresh] = link.server.issueConnectionIds(1, { immediate: true });
  link.run();
  t.deepEqual(link.client.connectionIds?.peer, fresh);
  link.client.send(new TextEncoder().encode('with the immediate CID'));
  link.run();
  const retired = link.events.server.flatMap((e) => (e.type === 'connectionIdRetired' ? [e.cid] : []));
  t.deepEqual(retired, [old!]);
  t.true(link.events.server.some((e) => e.type === 'data'));
});

test('a record with a CID we never issued is dropped and counted; the session goes on', (t) => {
  const link = connectedOnPaths(id);
  link.client.send(new TextEncoder().encode('real'));
  const real = link.client.pollTransmit()!;
  const [rec] = decodeDatagram(real, { cidLength: 6 });
  if (rec?.kind !== 'ciphertext') return void t.fail('not a ciphertext');
  const forged = encodeDatagram(
    [{ ...rec, header: { ...rec.header, connectionId: Uint8Array.of(9, 9, 9, 9, 9, 9) } }],
    { cidLength: 6 },
  );
  const drops = link.server.stats.drops['connection-id'];
  link.server.receive(forged, link.now, 'client:1');
  t.is(link.server.stats.drops['connection-id'], drops + 1);
  link.server.receive(real, link.now, 'client:1');
  link.run();
  t.true(link.events.server.some((e) => e.type === 'data'));
  t.is(link.server.state, 'connected');
});

test('who may send what (RFC 9147 §9): NewConnectionId to a side that asked for no CID, RequestConnectionId to a side without one, either without CIDs: unexpected_message', (t) => {
  // The client asked for a zero-length CID: it must not send NewConnectionIds (nor be asked for CIDs).
  const zero = connectedOnPaths(id, { client: { cid: 0 } });
  injectHandshakeMessage(
    zero.server,
    NEW_CONNECTION_ID,
    encodeNewConnectionId({ cids: [{ cid: Uint8Array.of(1, 2) }], usage: 'cid_spare' }),
    3,
  );
  t.is(zero.server.failure?.alert, 'unexpected_message');
  t.throws(() => zero.client.issueConnectionIds(1), { message: /zero-length/ });
  const zero2 = connectedOnPaths(id, { client: { cid: 0 } });
  injectHandshakeMessage(zero2.client, REQUEST_CONNECTION_ID, encodeRequestConnectionId({ numCids: 1 }), 3);
  t.is(zero2.client.failure?.alert, 'unexpected_message');
  t.throws(() => zero2.server.requestConnectionIds(1), { message: /connection ID/ });
  const plain = makePair(id);
  const none = new PathLink(plain.client, plain.server);
  plain.client.connect(0);
  none.run();
  injectHandshakeMessage(none.server, REQUEST_CONNECTION_ID, encodeRequestConnectionId({ numCids: 1 }), 3);
  t.is(none.server.failure?.alert, 'unexpected_message');
});

test('RRC: a path_challenge gets exactly one path_response to where it came from; an unknown msg_type is ignored; RRC without rrc negotiated is unexpected_message', (t) => {
  const link = connectedOnPaths(id);
  const challenge = encodeReturnRoutabilityCheck({
    msgType: 'path_challenge',
    cookie: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
  });
  injectRecord(link.client, {
    kind: 'record',
    epoch: 3,
    sequenceNumber: 900,
    contentType: 'return_routability_check',
    content: challenge,
    protected: true,
  });
  const answer = link.client.pollTransmit();
  t.truthy(answer);
  t.is(link.client.pollTransmit(), undefined, 'exactly one answer');
  injectRecord(link.client, {
    kind: 'record',
    epoch: 3,
    sequenceNumber: 901,
    contentType: 'return_routability_check',
    content: Uint8Array.of(7, 1, 2, 3, 4, 5, 6, 7, 8),
    protected: true,
  });
  t.is(link.client.pollTransmit(), undefined);
  t.is(link.client.state, 'connected');
  const plain = connectedOnPaths(id, { client: { rrc: false } });
  injectRecord(plain.server, {
    kind: 'record',
    epoch: 3,
    sequenceNumber: 900,
    contentType: 'return_routability_check',
    content: challenge,
    protected: true,
  });
  t.is(plain.server.failure?.alert, 'unexpected_message');
});

test('RRC: a client that moved answers a challenge on the path it left with path_drop (enhanced procedure, RFC 9853 §5.2)', (t) => {
  const link = connectedOnPaths(id);
  link.client.receive(new Uint8Array(0), link.now, 'client:1'); // the path the client's datagrams came over
  link.moveClient('client:2', true);
  const challenge = encodeReturnRoutabilityCheck({
    msgType: 'path_challenge',
    cookie: Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1),
  });
  link.client.receive(new Uint8Array(0), link.now, 'client:1');
  injectRecord(link.client, {
    kind: 'record',
    epoch: 3,
    sequenceNumber: 902,
    contentType: 'return_routability_check',
    content: challenge,
    protected: true,
  });
  const drop = link.client.pollPathTransmit();
  t.is(drop?.path, 'client:1');
  t.truthy(drop?.datagram);
});
