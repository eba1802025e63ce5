import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';

/**
 * Per-host admission follows a session that migrates to a validated path
 * (RFC 9146 §6, RFC 9853): with one session per host allowed, a session that
 * moved from 127.0.0.1 to 127.0.0.2 leaves room for a new one from 127.0.0.1
 * and fills 127.0.0.2's. Without RRC it stays with the host that made it.
 */

const id = pemIdentity('localhost');

async function exchange(client: DtlsSession, text: string): Promise<string> {
  const reply = nextMessage(client);
  client.send(text);
  return (await reply).toString();
}

/** An echo server on 127.0.0.1 with 4-byte CIDs and one session per host (RRC by default, or none), counting the migrations it sees. */
async function echoServer(withRrc: boolean) {
  const rrc = withRrc ? {} : { rrc: false };
  let migrations = 0;
  const endpoint = listen(
    (s) => {
      s.onmigrate = () => migrations++;
      s.onmessage = (data) => s.send(`echo ${data.toString()}`);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', cid: 4, ...rrc, maxSessionsPerHost: 1 },
  );
  const { port } = await endpoint.listening;
  return {
    endpoint,
    port,
    migrated: () => migrations > 0,
    options: { ca: [id.ca], servername: 'localhost', cid: 4, ...rrc },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error('the condition did not come true within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a migrated session counts against the host it moved to, not the one it came from', async (t) => {
  const { endpoint, port, migrated, options } = await echoServer(true);
  const first = connect('127.0.0.1', port, options);
  const others: DtlsSession[] = [];
  try {
    await first.opened;
    t.is(await exchange(first, 'a'), 'echo a');
    // 127.0.0.1 is full: a second session from it is refused (silently: it times out).
    const refused = connect('127.0.0.1', port, { ...options, handshakeTimeout: 1000 });
    others.push(refused);
    await t.throwsAsync(refused.opened);
    const refusedBefore = endpoint.stats.serverRefusedCount;
    t.true(refusedBefore >= 1);

    await first.rebind('127.0.0.2');
    t.is(await exchange(first, 'b'), 'echo b');
    await until(migrated);
    t.is(await exchange(first, 'c'), 'echo c');

    // Now 127.0.0.1 has room again, and 127.0.0.2 is full.
    const fromOld = connect('127.0.0.1', port, { ...options, handshakeTimeout: 5000 });
    others.push(fromOld);
    await fromOld.opened;
    t.is(await exchange(fromOld, 'd'), 'echo d');
    const fromNew = connect('127.0.0.1', port, { ...options, bindHost: '127.0.0.2', handshakeTimeout: 1000 });
    others.push(fromNew);
    await t.throwsAsync(fromNew.opened);
    t.true(endpoint.stats.serverRefusedCount > refusedBefore, 'refused for 127.0.0.2');
  } finally {
    await Promise.all([first, ...others].map((s) => s.close().catch(() => {})));
    await endpoint.close();
  }
});

test('without RRC a migrated session keeps counting against the host that made it: an unvalidated address cannot take or free a share', async (t) => {
  // Without return routability checks any holder of the session's keys can move it onto a spoofed address (RFC 9146
  // §6): moving the count with it would let a client free its own host's share and fill a victim's.
  const { endpoint, port, migrated, options } = await echoServer(false);
  const first = connect('127.0.0.1', port, options);
  const others: DtlsSession[] = [];
  try {
    await first.opened;
    await first.rebind('127.0.0.2');
    t.is(await exchange(first, 'b'), 'echo b');
    await until(migrated);
    const refusedBefore = endpoint.stats.serverRefusedCount;
    // 127.0.0.1 is still full; 127.0.0.2 was not filled by the move.
    const fromOld = connect('127.0.0.1', port, { ...options, handshakeTimeout: 1000 });
    others.push(fromOld);
    await t.throwsAsync(fromOld.opened);
    t.true(endpoint.stats.serverRefusedCount > refusedBefore, 'refused for 127.0.0.1');
    const fromNew = connect('127.0.0.1', port, { ...options, bindHost: '127.0.0.2', handshakeTimeout: 5000 });
    others.push(fromNew);
    await fromNew.opened;
    t.is(await exchange(fromNew, 'd'), 'echo d');
  } finally {
    await Promise.all([first, ...others].map((s) => s.close().catch(() => {})));
    await endpoint.close();
  }
});
