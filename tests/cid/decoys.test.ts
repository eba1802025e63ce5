/**
 * A NAT rebinding under decoys, over real UDP (issue 49, item 8): the
 * client's NAT moves it to a new port (the old mapping dies), and an
 * attacker who sees the client's datagrams copies each one to the server
 * from a decoy address of its own, ahead of the genuine one (the genuine
 * path is 15 ms slower), rotating over 8 decoys; the decoys answer nothing.
 * Each decoy's copy arrives first and starts the return routability check,
 * so the genuine record from the new port comes second, an authenticated
 * duplicate. Before, the check on the decoy ran to its end (T) and the next
 * decoy started the next one: the server never followed the rebinding while
 * the decoys kept coming. Now a path whose copy comes during a check is
 * probed beside the candidate (PathValidation.also): the new port answers
 * its own challenge, and the session moves there and never to a decoy.
 */
import test from 'ava';
import { connect } from '../../runtime/index.js';
import { pemIdentity } from '../api/fixtures.js';
import { decoyNat } from '../support/decoy-nat.js';
import { echoServer } from './echo-server.js';

const id = pemIdentity('localhost');
const T_MS = 300;
const MESSAGES = 30;
const EVERY_MS = 80;

for (const rrc of ['basic', 'enhanced'] as const) {
  test(`RRC ${rrc}: a NAT rebinding is followed while decoys race copies of every record ahead of the genuine ones`, async (t) => {
    const { port, session, migrations } = await echoServer(
      { cert: id.cert, key: id.key, host: '127.0.0.1', port: 0, cid: 4, rrc, rrcTimeoutMs: T_MS },
      (fn) => t.teardown(fn),
    );
    const n = await decoyNat(port);
    t.teardown(n.close);
    const client = connect('127.0.0.1', n.clientPort, { ca: [id.ca], servername: 'localhost', cid: 4 });
    t.teardown(() => client.close());
    const replies: string[] = [];
    client.onmessage = (data) => replies.push(data.toString());
    await client.opened;
    await new Promise((r) => setTimeout(r, 200)); // the server's post-handshake flights (tickets, spare CIDs) settle
    const newPort = await n.rebind();
    for (let i = 0; i < MESSAGES; i++) {
      client.send(`m${i}`);
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    await new Promise((r) => setTimeout(r, 2 * T_MS));
    t.true(n.copies() >= MESSAGES, 'a decoy copied every datagram');
    t.deepEqual(
      migrations.filter((p) => n.decoyPorts.includes(p)),
      [],
      'never to a decoy',
    );
    t.is(session()?.remoteAddress?.port, newPort, 'the session followed the rebinding');
    t.is(migrations.at(-1), newPort);
    t.deepEqual(
      [...replies].sort(),
      Array.from({ length: MESSAGES }, (_, i) => `echo m${i}`).sort(),
      'every reply arrived (held during the check)',
    );
  });
}
