/**
 * `rebind()` on a session that then stays quiet longer than the client
 * used to keep its old socket (2 s): the server, which has not seen the new
 * port yet, still sends to the old one, and when the client speaks again
 * the server checks the new address (RFC 9853) before its reply goes out.
 * Nothing is lost either way: the old socket stays open until the server
 * has shown it knows the new path, and the reply is held during the check,
 * then sent to the validated address (RFC 9853 §5).
 */
import test from 'ava';
import { connect, type DtlsSession } from '../../runtime/index.js';
import { pemIdentity } from '../api/fixtures.js';
import { echoServer } from './echo-server.js';

const id = pemIdentity('localhost');
/** Longer than the fixed 2 s the client kept the socket it left. */
const IDLE_MS = 2500;
const WAIT_MS = 5000;

/** The next message `session` receives, or undefined after `ms`. */
function within(session: DtlsSession, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    session.onmessage = (data) => {
      clearTimeout(timer);
      resolve(data.toString());
    };
  });
}

for (const rrc of ['basic', 'enhanced'] as const) {
  test(`after rebind() and ${IDLE_MS} ms of quiet, what the server sends to the old port and its reply to the new one both arrive (RRC ${rrc})`, async (t) => {
    const { port, session, migrations } = await echoServer(
      { cert: id.cert, key: id.key, host: '127.0.0.1', port: 0, cid: { length: 4, spares: 2 }, rrc },
      (fn) => t.teardown(fn),
    );
    const client = connect('127.0.0.1', port, { ca: [id.ca], servername: 'localhost', cid: 4 });
    t.teardown(() => client.close());
    await client.opened;
    let reply = within(client, WAIT_MS);
    client.send('before');
    t.is(await reply, 'echo before');

    // The post-handshake flights (tickets, spare CIDs) and their ACKs settle first: after the rebind the client sends nothing.
    for (let waited = 0; (client.connectionIds?.spares ?? 0) < 2 && waited < WAIT_MS; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const moved = await client.rebind();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    t.deepEqual(migrations, [], 'the server has not seen the new port');
    // The server has not seen the new port: this goes to the old one.
    reply = within(client, WAIT_MS);
    session()?.send('while quiet');
    t.is(await reply, 'while quiet', 'what the server sent to the old port arrived');

    reply = within(client, WAIT_MS);
    client.send('after');
    t.is(await reply, 'echo after', 'the reply to the first record from the new port arrived');
    t.deepEqual(migrations, [moved.port]);
    t.is(session()?.remoteAddress?.port, moved.port);
    reply = within(client, WAIT_MS);
    client.send('again');
    t.is(await reply, 'echo again');
  });
}
