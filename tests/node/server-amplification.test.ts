import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { DtlsConnection } from '../../runtime/dtls/connection.js';
import { listen } from '../../runtime/index.js';
import { AMPLIFICATION_FACTOR } from '../../runtime/connection/amplification-limit.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pemOptions } from './support.js';

/**
 * RFC 9147 §5.1's anti-amplification rule over real UDP through listen() with `cookies: false` and a big flight (an
 * RSA-4096 certificate): a socket that sends one ClientHello and never answers receives at most three times its bytes
 * over the server's whole retransmission schedule (shortened with `retransmission` so it ends in well under a second
 * of the server's own timers; the test waits for the session to end, not for a time).
 */

const id = makeIdentity('rsa4096', 'localhost', { caKind: 'rsa4096' });
const wallClock = (): number => TEST_TIME;

test('cookies: false, an address that never answers: at most 3x its ClientHello, retransmissions included', async (t) => {
  const server = listen(() => {}, {
    ...pemOptions(id),
    host: '127.0.0.1',
    wallClock,
    cookies: false,
    retransmission: { initialTimeout: 10, maxTimeout: 40 },
  });
  t.teardown(() => server.close());
  const { port } = await server.listening;
  const silent = createSocket('udp4');
  t.teardown(() => silent.close());
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  let received = 0;
  let datagrams = 0;
  silent.on('message', (m) => {
    received += m.length;
    datagrams++;
  });
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'localhost', wallClock });
  client.connect(0);
  const hello = client.pollTransmit()!;
  silent.send(hello, port, '127.0.0.1');
  // The session starts on the ClientHello, then ends when its retransmissions run out (not a fixed wait).
  for (let polls = 0; server.stats.handshaking === 0 && server.stats.handshakeTimeouts === 0 && polls < 3000; polls++)
    await new Promise((r) => setTimeout(r, 10));
  for (let polls = 0; server.stats.handshaking > 0 && polls < 6000; polls++)
    await new Promise((r) => setTimeout(r, 10));
  t.is(server.stats.handshaking, 0, 'the server gave the handshake up');
  // One more round of the loop for what loopback still holds.
  await new Promise((r) => setTimeout(r, 50));
  t.log(`sent ${hello.length} B; received ${received} B in ${datagrams} datagrams`);
  t.true(received <= AMPLIFICATION_FACTOR * hello.length, `${received} B came back for ${hello.length} B`);
});
