import test from 'ava';
import { listen, type DtlsListener, type DtlsSession } from '../../runtime/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { openClientEndpoint, type UdpClientEndpoint } from '../support/udp-client.js';
import { pemOptions, until } from './support.js';

// What a server session keeps of the messages nobody reads yet (the job the endpoint's receive() inbox had): messages
// that come while `onmessage` is unset wait, in order, and go to the handler once one is set; with a handler they go
// straight to it. The caps (1,024 messages, 1 MiB, the rest counted as dropped) are tests/api/session-waiting-cap.test.ts.

const id = makeIdentity('p256', 'inbox.test');
const wallClock = (): number => TEST_TIME;

/** A connected pair over loopback: a client and the listener's session for it, with no `onmessage` set. */
async function pair(): Promise<{ listener: DtlsListener; client: UdpClientEndpoint; serverSide: DtlsSession }> {
  let accepted: DtlsSession | undefined;
  const listener = listen((s) => void (accepted = s), { ...pemOptions(id), host: '127.0.0.1', wallClock });
  const { port } = await listener.listening;
  const client = openClientEndpoint({ port, trustAnchors: [id.caDer], serverName: 'inbox.test', wallClock });
  await client.handshake;
  await until(() => accepted !== undefined);
  await accepted!.opened;
  return { listener, client, serverSide: accepted! };
}

/** Sends the one-byte messages `from..to-1` and resolves once the session has received them all. */
async function sendAndArrive(client: UdpClientEndpoint, session: DtlsSession, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) client.send(new Uint8Array([i]));
  await until(() => session.stats.messagesReceived >= to);
}

test('messages that come before onmessage is set wait in order and go to it when set; later ones go straight', async (t) => {
  const { listener, client, serverSide } = await pair();
  t.teardown(() => listener.close());
  await sendAndArrive(client, serverSide, 0, 5);
  const got: number[] = [];
  serverSide.onmessage = (data) => got.push(data[0]!);
  await until(() => got.length === 5);
  t.deepEqual(got, [0, 1, 2, 3, 4]);
  await sendAndArrive(client, serverSide, 5, 8);
  await until(() => got.length === 8);
  t.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7]);
  t.is(serverSide.stats.messagesDropped, 0);
  client.close();
});

test('onmessage set back to null: messages wait again, for the next handler, none lost or repeated', async (t) => {
  const { listener, client, serverSide } = await pair();
  t.teardown(() => listener.close());
  const first: number[] = [];
  serverSide.onmessage = (data) => first.push(data[0]!);
  await sendAndArrive(client, serverSide, 0, 2);
  await until(() => first.length === 2);
  serverSide.onmessage = null;
  await sendAndArrive(client, serverSide, 2, 5);
  const second: number[] = [];
  serverSide.onmessage = (data) => second.push(data[0]!);
  await until(() => second.length === 3);
  t.deepEqual(first, [0, 1]);
  t.deepEqual(second, [2, 3, 4]);
  t.is(serverSide.stats.messagesDropped, 0);
  client.close();
});
