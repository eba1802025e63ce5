import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { openClientEndpoint } from '../support/udp-client.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { DEFAULT_INBOX_LIMIT } from '../../runtime/node/message-inbox.js';
import { DtlsUdpServer } from '../../runtime/node/server.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'inbox.test');
const wallClock = (): number => TEST_TIME;

/** A connected pair over loopback; `serverSide` resolves with the server's endpoint for the client. */
async function pair(): Promise<{ listener: DtlsUdpServer; client: DtlsEndpoint; serverSide: DtlsEndpoint }> {
  const listener = await DtlsUdpServer.listen({ certificate: id, wallClock });
  const accepted = new Promise<DtlsEndpoint>((resolve) => listener.onConnection(resolve));
  const client = openClientEndpoint({
    port: listener.address.port,
    trustAnchors: [id.caDer],
    serverName: 'inbox.test',
    wallClock,
  });
  await client.handshake;
  const serverSide = await accepted;
  await serverSide.handshake;
  return { listener, client, serverSide };
}

/** Sends `n` numbered one-byte messages and resolves once the far end's listeners have seen them all. */
async function sendAndSee(from: DtlsEndpoint, to: DtlsEndpoint, n: number): Promise<number[]> {
  const seen: number[] = [];
  const done = new Promise<void>((resolve) => {
    const off = to.onEvent((e) => {
      if (e.type !== 'data') return;
      seen.push(e.data[0]!);
      if (seen.length === n) {
        off();
        resolve();
      }
    });
  });
  for (let i = 0; i < n; i++) from.send(new Uint8Array([i]));
  await done;
  return seen;
}

test('unread data beyond the inbox limit is dropped and counted; listeners still see every message', async (t) => {
  const { listener, client, serverSide } = await pair();
  serverSide.setInboxLimit(2);
  t.deepEqual(await sendAndSee(client, serverSide, 5), [0, 1, 2, 3, 4]);
  t.is(serverSide.inboxDropped, 3);
  t.deepEqual([...(await serverSide.receive())], [0]);
  t.deepEqual([...(await serverSide.receive())], [1]);
  client.close();
  await listener.close();
});

test('an inbox limit of 0 keeps nothing for receive(); a waiting receive() is still answered', async (t) => {
  const { listener, client, serverSide } = await pair();
  serverSide.setInboxLimit(0);
  const waiting = serverSide.receive();
  t.deepEqual(await sendAndSee(client, serverSide, 3), [0, 1, 2]);
  t.deepEqual([...(await waiting)], [0]);
  t.is(serverSide.inboxDropped, 2);
  client.close();
  await listener.close();
});

test('lowering the limit drops what is queued beyond it, oldest kept', async (t) => {
  const { listener, client, serverSide } = await pair();
  t.true(DEFAULT_INBOX_LIMIT >= 4);
  await sendAndSee(client, serverSide, 4);
  serverSide.setInboxLimit(1);
  t.is(serverSide.inboxDropped, 3);
  t.deepEqual([...(await serverSide.receive())], [0]);
  client.close();
  await listener.close();
});

test('a bad inbox limit is a ConfigError naming it', async (t) => {
  const { listener, client } = await pair();
  for (const bad of [-1, 1.5, Number.NaN]) {
    const e = t.throws(() => client.setInboxLimit(bad), { instanceOf: ConfigError });
    t.regex(e?.message ?? '', /inboxLimit/);
  }
  client.close();
  await listener.close();
});
