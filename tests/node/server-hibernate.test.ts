import test, { type ExecutionContext } from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import type { DtlsListener } from '../../runtime/api/listener.js';
import { nextMessage, pemIdentity, sleep } from '../api/fixtures.js';

/**
 * Hibernation over real UDP: a quiet DTLS 1.3 session parks and, at rest,
 * hibernates (its connection let go, the session kept as a string); its
 * next authentic record thaws it and it goes on. A datagram that does
 * not authenticate is screened without thawing it. A DTLS 1.2
 * session parks but does not hibernate.
 */

const id = pemIdentity('localhost');

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !condition() && waited < ms; waited += 10) await sleep(10);
}

/** A listener that echoes every message and keeps the server side of each session, closed when the test ends. */
function echoServer(
  t: ExecutionContext,
  parkAfterMs: number,
  extra: { cid?: number } = {},
): { server: DtlsListener; sessions: DtlsSession[] } {
  const sessions: DtlsSession[] = [];
  const server = listen(
    (s) => {
      sessions.push(s);
      s.onmessage = (d) => s.send(d);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', parkAfterMs, ...extra },
  );
  t.teardown(() => server.close());
  return { server, sessions };
}

async function echo(session: DtlsSession, text: string): Promise<string> {
  const reply = nextMessage(session);
  session.send(text);
  return (await reply).toString();
}

test('DTLSv1.3: a quiet session hibernates, its next record thaws it, and it hibernates again once quiet', async (t) => {
  const { server } = echoServer(t, 100);
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  t.teardown(() => client.close());
  await client.opened;
  await until(() => server.stats.hibernated >= 1);
  t.is(server.stats.hibernated, 1, 'hibernated once quiet');
  t.is(server.stats.thawed, 0);
  t.is(await echo(client, 'after hibernating'), 'after hibernating', 'both directions work on the thawed session');
  t.is(server.stats.thawed, 1, 'thawed by its record');
  await until(() => server.stats.hibernated >= 2);
  t.is(server.stats.hibernated, 2, 'hibernated again once quiet');
  t.is(await echo(client, 'again'), 'again');
  t.is(server.stats.serverSessions, 1);
});

test('DTLSv1.3: reading a hibernated session\u2019s stats does not thaw it; they are the counts it had', async (t) => {
  const { server, sessions } = echoServer(t, 100);
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  t.teardown(() => client.close());
  await client.opened;
  t.is(await echo(client, 'counted'), 'counted');
  const session = sessions[0]!;
  await until(() => server.stats.hibernated >= 1);
  t.is(server.stats.hibernated, 1);
  const stats = session.stats; // live: every read asks the session now
  const received = stats.datagramsReceived;
  // The client sent its Finished flight and one message; the server answered with its flights, a ticket and the echo.
  t.true(stats.datagramsReceived >= 2, `datagrams received ${stats.datagramsReceived}`);
  t.true(stats.datagramsSent >= 3, `datagrams sent ${stats.datagramsSent}`);
  t.is(stats.connectionStats?.applicationBytesReceived, 'counted'.length);
  t.is(stats.connectionStats?.applicationBytesSent, 'counted'.length);
  t.is(stats.connectionStats?.retained.reassemblyBytes, 0);
  t.is(server.stats.thawed, 0, 'read from the frozen form: nothing thawed');
  // Thawed by its next record, the session counts on from there.
  t.is(await echo(client, 'more'), 'more');
  t.is(server.stats.thawed, 1);
  t.is(session.stats.connectionStats?.applicationBytesReceived, 'counted'.length + 'more'.length);
  t.true(session.stats.datagramsReceived > received);
});

test('DTLSv1.3: a datagram that does not authenticate is screened at a hibernated session without thawing it, and counted; the session goes on', async (t) => {
  const { server, sessions } = echoServer(t, 100);
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  t.teardown(() => client.close());
  await client.opened;
  await until(() => server.stats.hibernated >= 1);
  const at = sessions[0]?.remoteAddress;
  const udp = server.admission.serverStats;
  if (at === undefined || udp === undefined) return t.fail('the server side of the session');
  const received = sessions[0]!.stats.datagramsReceived;
  const parked = udp.parked;
  // A forged application-data record from the client's address: a unified header of epoch 3, a record number and junk.
  const forged = Uint8Array.from([0x2f, 0x00, 0x07, 0x00, 0x20, ...new Array<number>(32).fill(0x5a)]);
  server.admission.transport.receive(forged, at.address, at.port);
  t.is(server.stats.thawed, 0, 'not thawed: no record of it authenticated');
  t.is(server.admission.serverStats?.parked, parked, 'not woken (not parked again)');
  t.is(sessions[0]!.stats.datagramsReceived, received + 1, 'counted in the hibernated session');
  t.is(sessions[0]!.stats.connectionStats?.drops.authentication, 1);
  t.is(server.stats.hibernated, 1);
  t.is(await echo(client, 'still here'), 'still here', 'the session goes on');
  t.is(server.stats.thawed, 1, 'thawed by the authentic record');
});

test('DTLSv1.3 with connection IDs: a hibernated session follows its client to a new address (a return routability check on the thawed session), and hibernates again', async (t) => {
  const { server, sessions } = echoServer(t, 100, { cid: 4 });
  let migrations = 0;
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', cid: 4 });
  t.teardown(() => client.close());
  await client.opened;
  t.is(await echo(client, 'before'), 'before');
  sessions[0]!.onmigrate = () => migrations++;
  await until(() => server.stats.hibernated >= 1);
  t.is(server.stats.hibernated, 1, 'a session with CIDs hibernates');
  await client.rebind('127.0.0.2');
  t.is(await echo(client, 'moved'), 'moved', 'the thawed session answers at the new address');
  await until(() => migrations >= 1);
  t.is(migrations, 1, 'it moved after the check');
  t.is(sessions[0]?.remoteAddress?.address, '127.0.0.2');
  await until(() => server.stats.hibernated >= 2);
  t.is(server.stats.hibernated, 2, 'and once quiet it hibernates again, its check over');
  t.is(await echo(client, 'again'), 'again');
});

test('DTLSv1.2: a quiet session parks but does not hibernate', async (t) => {
  const { server } = echoServer(t, 100);
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', maxVersion: 'DTLSv1.2' });
  t.teardown(() => client.close());
  await client.opened;
  await until(() => server.stats.parked >= 1);
  await sleep(300);
  t.is(server.stats.hibernated, 0);
  t.is(await echo(client, 'parked'), 'parked');
});
