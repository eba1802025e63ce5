/**
 * SessionDriver (runtime/api/session-driver.ts), the part of a session that drives its connection over a real UDP
 * socket. What a peer or an attacker at the peer's own address sends (random bytes, truncated and forged records)
 * is handed to the connection without anything escaping: `deliver` says no record authenticated and the session
 * carries on; datagrams from another address are remembered as paths of the peer, at most 8 unproven; `shut` ends with
 * close_notify, `abort` without, each once.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { MessageTooLargeError } from '../../runtime/api/errors.js';
import { DEFAULT_MTU } from '../../runtime/api/options.js';
import { SessionDriver, sessionNow } from '../../runtime/api/session-driver.js';
import { IPV4_SAFE_DATAGRAM } from '../../runtime/node/peer-paths.js';
import { until } from '../node/support.js';
import { echo, echoPair } from './echo-pair.js';

test('the monotonic clock does not go back', (t) => {
  const a = sessionNow();
  const b = sessionNow();
  t.true(b >= a);
});

test("a server session: the client's address, its place in the listener, established", async (t) => {
  const pair = await echoPair();
  try {
    const server = pair.server.driver;
    t.true(server instanceof SessionDriver);
    t.is(server.session, pair.server, 'the driver drives the session the listener handed out');
    const local = pair.client.driver.currentSocket!.address();
    t.deepEqual({ ...server.remote }, { address: '127.0.0.1', port: local.port });
    t.is(server.place.host, '127.0.0.1');
    await until(() => !server.place.handshaking);
    t.false(server.place.handshaking);
    const { address, port } = pair.client.driver.remote;
    t.is(pair.client.driver.place.key, `${address}|${port}`, "a client sits at its server's address in its own demux");
  } finally {
    await pair.close();
  }
});

test('junk, truncated and forged datagrams from the peer address: nothing authenticates, nothing is thrown', async (t) => {
  const pair = await echoPair();
  try {
    const server = pair.server.driver;
    const from = { ...server.remote };
    const last = server.rest.lastAuthenticated;
    const forged: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0x2c),
      Uint8Array.of(0x2c, 0, 1, 0, 40, ...randomBytes(40)), // a 1.3 ciphertext header, bytes that open under no key
      Uint8Array.of(23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0, 4, 1, 2, 3, 4), // a 1.2 application record
      Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100), // a handshake header promising more
      Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40), // a plaintext fatal alert
    ];
    for (let i = 0; i < 200; i++) forged.push(randomBytes(1 + (i % 90)));
    for (const d of forged) t.false(server.deliver(d, from));
    t.false(server.isEnded);
    t.is(server.rest.lastAuthenticated, last);
    t.is(pair.listener.admission.serverStats?.connectionErrors, 0, 'no connection threw');
    t.is(await echo(pair.client, 'unharmed'), 'unharmed');
  } finally {
    await pair.close();
  }
});

test('datagrams from other addresses are kept as paths; the session stays where its peer is', async (t) => {
  const pair = await echoPair({ cid: 8 }, { cid: 8 });
  try {
    const server = pair.server.driver;
    const remote = { ...server.remote };
    for (let port = 1; port <= 50; port++) t.false(server.deliver(randomBytes(60), { address: '127.0.0.9', port }));
    t.deepEqual({ ...server.remote }, remote, 'no unauthenticated datagram moves it');
    t.is(await echo(pair.client, 'same place'), 'same place');
  } finally {
    await pair.close();
  }
});

test('shut sends close_notify once: the client sees a clean end; a second shut does nothing', async (t) => {
  const pair = await echoPair();
  try {
    let clientEnded = false;
    void pair.client.closed.then(() => (clientEnded = true));
    const server = pair.server.driver;
    server.shut();
    server.shut();
    t.true(server.isEnded);
    await until(() => clientEnded);
    t.true(clientEnded, 'closed resolved: a graceful end');
    t.false(server.deliver(Uint8Array.of(1), server.remote), 'an ended session takes nothing');
  } finally {
    await pair.close();
  }
});

test('abort ends at once, with the reason awaiting callers get', async (t) => {
  const pair = await echoPair();
  try {
    const closed = pair.server.closed.then(
      () => undefined,
      (e: unknown) => e,
    );
    pair.server.driver.abort('replaced', 'replaced: test');
    t.true(pair.server.driver.isEnded);
    const error = (await closed) as { code?: string } | undefined;
    t.is(error?.code, 'ERR_DTLS_SESSION_REPLACED');
  } finally {
    await pair.close();
  }
});

// One send() is one record in one datagram, never cut. Before, the datagrams fell to 548 bytes after EMSGSIZE while
// maxMessageSize stayed the mtu's: a send between them was taken, sealed whole into a datagram the path had just
// refused, and lost with its callback saying it was written.
test('after EMSGSIZE, maxMessageSize follows the datagram size: a larger send is refused at once, a smaller one echoes', async (t) => {
  const pair = await echoPair();
  try {
    const client = pair.client;
    const before = client.maxMessageSize;
    t.true(before > IPV4_SAFE_DATAGRAM, 'precondition: the default mtu takes more than 548 bytes');
    client.driver.pathMtuExceeded();
    t.is(client.maxMessageSize, before - (DEFAULT_MTU - IPV4_SAFE_DATAGRAM), 'the same overhead within 548 bytes');
    const size = client.maxMessageSize;
    t.throws(() => client.send(new Uint8Array(size + 1)), { instanceOf: MessageTooLargeError });
    t.throws(() => client.send(new Uint8Array(IPV4_SAFE_DATAGRAM)), { instanceOf: MessageTooLargeError });
    const text = 'x'.repeat(size);
    t.is(await echo(client, text), text);
  } finally {
    await pair.close();
  }
});
