/**
 * ListenerAdmission (runtime/api/listener-admission.ts), the serving part every listener holds, over real UDP:
 * what it counts per host while a session handshakes and after, the CIDs it reports to its observers (issued, and
 * retired when the session ends), and the per-host handshake limit a second client of the same host meets while a
 * first one is still handshaking.
 */
import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { makeIdentity } from '../support/pki-fixtures.js';
import { HELLO_OVER_A_THIRD, HelloSource, until } from '../node/support.js';
import { echo, echoPair } from './echo-pair.js';

test('an established session counts one connection of its host; its driver is what the demux holds', async (t) => {
  const pair = await echoPair();
  try {
    const listener = pair.listener;
    // The client is open once it reads the server's Finished; the server's handshake ends when it reads the client's.
    await pair.server.opened;
    t.deepEqual(
      listener.admission.transport.sessions().map((d) => d.session),
      [pair.server],
      "the demux holds the session's driver",
    );
    t.deepEqual(listener.admission.hostUsage('127.0.0.1'), { connections: 1, handshakes: 0 });
    t.is(pair.listener.stats.sessions, 1);
    t.is(listener.admission.serverStats?.handshaking, 0);
    t.is(await echo(pair.client, 'x'), 'x');
    await pair.another();
    await pair.accepted[1]!.opened;
    t.deepEqual(listener.admission.hostUsage('127.0.0.1'), { connections: 2, handshakes: 0 });
    t.deepEqual(listener.admission.hostUsage('127.0.0.2'), { connections: 0, handshakes: 0 }, 'another host');
    await pair.client.close();
    await until(() => pair.listener.stats.sessions === 1);
    t.deepEqual(listener.admission.hostUsage('127.0.0.1'), { connections: 1, handshakes: 0 });
  } finally {
    await pair.close();
  }
});

test('CID observers hear of each CID issued, and of its retirement when the session ends', async (t) => {
  const issued: string[] = [];
  const retired: string[] = [];
  const pair = await echoPair({ cid: 8 }, { cid: 8 });
  try {
    const listener = pair.listener;
    listener.admission.onConnectionIds({
      issued: (cid) => issued.push(Buffer.from(cid).toString('hex')),
      retired: (cid) => retired.push(Buffer.from(cid).toString('hex')),
    });
    const second = await pair.another({ cid: 8 });
    const server = pair.accepted[1]!;
    const local = server.connectionIds?.local?.toString('hex');
    t.truthy(local);
    t.true(issued.includes(local!), 'the CID records to this session carry');
    t.deepEqual(retired, []);
    t.is(await echo(second, 'y'), 'y');
    await second.close();
    await until(() => retired.includes(local!));
    t.true(retired.includes(local!), 'withdrawn when the session ended');
  } finally {
    await pair.close();
  }
});

test('a second handshake from a host at its handshake share is refused while the first is still under way', async (t) => {
  const pair = await echoPair({ maxHandshakesPerHost: 1, cookies: false });
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  try {
    const listener = pair.listener;
    const id = makeIdentity('p256', 'localhost');
    // A client that sends its ClientHello and never answers: its handshake stays under way.
    const stuck = new HelloSource({ trustAnchors: [id.caDer], serverName: 'localhost', ...HELLO_OVER_A_THIRD });
    for (const d of stuck.first()) socket.send(d, pair.port, '127.0.0.1');
    await until(() => listener.admission.hostUsage('127.0.0.1').handshakes === 1);
    t.deepEqual(listener.admission.hostUsage('127.0.0.1'), { connections: 2, handshakes: 1 });
    const before = listener.admission.serverStats!.refused;
    const refusedClient = pair.another().catch((e: unknown) => e);
    await until(() => listener.admission.serverStats!.refused > before);
    t.true(listener.admission.serverStats!.refused > before, 'the second handshake of the host refused');
    t.is(listener.admission.serverStats!.refusedPerHost, listener.admission.serverStats!.refused);
    t.is(pair.listener.stats.sessions, 2);
    void refusedClient;
  } finally {
    socket.close();
    await pair.close();
  }
});
