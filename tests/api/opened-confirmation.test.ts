/**
 * A DTLS 1.3 client's `opened` means the server took the handshake: a
 * server that asked for a certificate can refuse it after the client's
 * Finished, so `opened` waits for the server's acknowledgement of the
 * client's final flight (runtime/dtls13/peer-confirmation.ts, docs/node-dtls.md).
 * Real UDP; a relay holds or drops the server's datagrams after the
 * client's final flight, so what the client has heard is decided by the
 * test, not by timing.
 */
import test from 'ava';
import {
  connect,
  DtlsSessionError,
  listen,
  type DtlsListener,
  type DtlsListenOptions,
  type DtlsSession,
} from '../../runtime/index.js';
import { HoldingRelay, unifiedEpochBits } from '../support/holding-relay.js';
import { nextMessage, pemIdentity, sleep } from './fixtures.js';

const serverId = pemIdentity('localhost');
const clientId = pemIdentity('device.test', 'device CA');

/** A server asking for client certificates (checked against the device CA), echoing what it gets; the messages it received. */
async function certServer(
  options: Partial<DtlsListenOptions> = {},
): Promise<{ listener: DtlsListener; port: number; received: string[] }> {
  const received: string[] = [];
  const listener = listen(
    (s) => {
      s.onmessage = (data) => {
        received.push(data.toString());
        s.send(data);
      };
    },
    { cert: serverId.cert, key: serverId.key, host: '127.0.0.1', requestCert: true, ca: clientId.ca, ...options },
  );
  const { port } = await listener.listening;
  return { listener, port, received };
}

/** Holds every datagram of the server's once the client's final flight (its first epoch-2 record) has gone by. */
async function holdAfterFinalFlight(port: number): Promise<HoldingRelay> {
  let finalFlightSeen = false;
  return HoldingRelay.start(port, (from, d) => {
    if (from === 'client' && unifiedEpochBits(d) === 2) finalFlightSeen = true;
    return from === 'server' && finalFlightSeen ? 'hold' : 'pass';
  });
}

/** Waits until the client's side of the handshake is done (its parameters are known): paced by state, never by a fixed time. */
async function clientFinished(session: DtlsSession): Promise<void> {
  while (session.parameters === undefined && !session.destroyed) await sleep(2);
}

test('a client the server refuses (no certificate for a requestCert server): opened rejects with certificate_required, and onhandshake never runs', async (t) => {
  const { listener, port } = await certServer();
  t.teardown(() => listener.close());
  const client = connect('127.0.0.1', port, { ca: serverId.ca, servername: 'localhost' });
  let handshakes = 0;
  client.onhandshake = () => handshakes++;
  const error = await t.throwsAsync(client.opened, { instanceOf: DtlsSessionError });
  t.is(error?.alert, 'certificate_required');
  t.is(error?.code, 'ERR_DTLS_ALERT');
  const closed = await t.throwsAsync(client.closed, { instanceOf: DtlsSessionError });
  t.is(closed?.alert, 'certificate_required');
  t.is(handshakes, 0);
  t.is(client.closeReason, 'failed');
});

test('refused while the client waits for the server: what it sent meanwhile was held, never sent, and its callback says so', async (t) => {
  const { listener, port, received } = await certServer();
  const relay = await holdAfterFinalFlight(port);
  t.teardown(() => {
    relay.close();
    return listener.close();
  });
  const client = connect('127.0.0.1', relay.port, { ca: serverId.ca, servername: 'localhost' });
  let opened = false;
  client.opened.then(
    () => (opened = true),
    () => {},
  );
  await clientFinished(client);
  // Our Finished is out, the server's answer is held: the client cannot know yet whether it was taken.
  t.false(opened);
  const outcome = new Promise<Error | null>((resolve) => client.send('sent before the refusal', resolve));
  for (let i = 0; relay.holding === 0; i++) await sleep(2); // the server's answer (its alert) is at the relay
  relay.release();
  const error = await t.throwsAsync(client.opened, { instanceOf: DtlsSessionError });
  t.is(error?.alert, 'certificate_required');
  const sendError = await outcome;
  t.true(sendError instanceof Error, 'the held message is reported as not sent');
  t.deepEqual(received, []);
});

test('a client with a certificate the server accepts: opened resolves once the server acknowledged, and what it sent meanwhile goes out in order', async (t) => {
  const { listener, port, received } = await certServer();
  const relay = await holdAfterFinalFlight(port);
  t.teardown(() => {
    relay.close();
    return listener.close();
  });
  const client = connect('127.0.0.1', relay.port, {
    ca: serverId.ca,
    servername: 'localhost',
    cert: clientId.cert,
    key: clientId.key,
  });
  let opened = false;
  client.opened.then(
    () => (opened = true),
    () => {},
  );
  await clientFinished(client);
  t.false(opened);
  const first = new Promise<Error | null>((resolve) => client.send('first', resolve));
  client.send('second');
  while (relay.holding === 0) await sleep(2);
  t.false(opened, 'held by the relay, the ACK has not come');
  const echoes: string[] = [];
  const both = new Promise<void>((resolve) => {
    client.onmessage = (d) => {
      echoes.push(d.toString());
      if (echoes.length === 2) resolve();
    };
  });
  relay.release();
  t.deepEqual(await client.opened, { protocol: 'DTLSv1.3' });
  t.is(await first, null);
  await both;
  t.deepEqual(received, ['first', 'second']);
  t.deepEqual(echoes, ['first', 'second']);
  t.true(client.authorized);
  await client.close();
});

test('a client without a certificate that the server admits (rejectUnauthorized: false): opened resolves and data flows', async (t) => {
  const { listener, port, received } = await certServer({ rejectUnauthorized: false });
  t.teardown(() => listener.close());
  const client = connect('127.0.0.1', port, { ca: serverId.ca, servername: 'localhost' });
  t.deepEqual(await client.opened, { protocol: 'DTLSv1.3' });
  const reply = nextMessage(client);
  client.send('hello');
  t.is((await reply).toString(), 'hello');
  t.deepEqual(received, ['hello']);
  await client.close();
});

test("the server's acknowledgement lost: the client retransmits its final flight, the server acknowledges again, and the client opens", async (t) => {
  const { listener, port, received } = await certServer();
  // Everything the server sends after the client's first final flight (its ACK, its ticket) is lost until the client
  // sends that flight again.
  let finalFlights = 0;
  const relay = await HoldingRelay.start(port, (from, d) => {
    if (from === 'client' && unifiedEpochBits(d) === 2) finalFlights++;
    return from === 'server' && finalFlights === 1 ? 'drop' : 'pass';
  });
  t.teardown(() => {
    relay.close();
    return listener.close();
  });
  const client = connect('127.0.0.1', relay.port, {
    ca: serverId.ca,
    servername: 'localhost',
    cert: clientId.cert,
    key: clientId.key,
  });
  t.deepEqual(await client.opened, { protocol: 'DTLSv1.3' });
  t.true(relay.counts.dropped >= 1, 'the server answered the first final flight, and that answer was lost');
  t.true(finalFlights >= 2, 'the client sent its final flight again');
  const reply = nextMessage(client);
  client.send('after the loss');
  t.is((await reply).toString(), 'after the loss');
  t.deepEqual(received, ['after the loss']);
  await client.close();
});

test('a message from the server that overtakes its acknowledgement waits for opened (and onhandshake) before onmessage sees it', async (t) => {
  const big = 'x'.repeat(700);
  const listener = listen(
    (s) => {
      s.onhandshake = () => s.send(big);
    },
    { cert: serverId.cert, key: serverId.key, host: '127.0.0.1', requestCert: true, ca: clientId.ca },
  );
  const { port } = await listener.listening;
  // After the client's final flight: the server's large datagram (its message) passes, the rest (ACK, ticket) is held.
  let finalFlightSeen = false;
  const relay = await HoldingRelay.start(port, (from, d) => {
    if (from === 'client' && unifiedEpochBits(d) === 2) finalFlightSeen = true;
    return from === 'server' && finalFlightSeen && d.length < big.length ? 'hold' : 'pass';
  });
  t.teardown(() => {
    relay.close();
    return listener.close();
  });
  const client = connect('127.0.0.1', relay.port, {
    ca: serverId.ca,
    servername: 'localhost',
    cert: clientId.cert,
    key: clientId.key,
  });
  const seen: string[] = [];
  client.onhandshake = () => seen.push('handshake');
  client.onmessage = (d) => seen.push(`message of ${d.length}`);
  while (client.stats.messagesReceived === 0) await sleep(2); // the message is in (handed on at once, were it handed on), the acknowledgement held
  t.deepEqual(seen, [], 'neither onhandshake nor onmessage before the server confirmed');
  relay.release();
  await client.opened;
  while (seen.length < 2) await sleep(2);
  t.deepEqual(seen, ['handshake', 'message of 700']);
  await client.close();
});
