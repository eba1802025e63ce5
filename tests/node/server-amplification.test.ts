import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { connect, listen } from '../../runtime/index.js';
import { certificateToPem } from '../../runtime/pki/pem.js';
import { AMPLIFICATION_FACTOR } from '../../runtime/shared/amplification-limit.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pemOptions } from './support.js';

/**
 * RFC 9147 §5.1's anti-amplification rule over real UDP through listen() with `cookies: false` and a big flight (an
 * RSA-4096 certificate, over three times any ClientHello of ours): the listener answers with the cookie exchange
 * instead of a flight it could not send (runtime/connection/cookieless-hello.ts). A socket that sends one ClientHello and
 * never answers gets that one small answer and the server keeps nothing; a real client connects with its
 * retransmission timer longer than the test, so the handshake needed none of its retransmissions.
 */

const id = makeIdentity('rsa4096', 'localhost', { caKind: 'rsa4096' });
const wallClock = (): number => TEST_TIME;

test('cookies: false, a big flight, an address that never answers: one answer within 3x, no state kept', async (t) => {
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
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'localhost', wallClock });
  client.connect(0);
  const hello = client.pollTransmit()!;
  const answered = once(silent, 'message');
  silent.send(hello, port, '127.0.0.1');
  const [answer] = (await answered) as [Buffer];
  t.log(`sent ${hello.length} B; the answer: ${answer.length} B`);
  t.true(answer.length <= AMPLIFICATION_FACTOR * hello.length, `${answer.length} B came back for ${hello.length} B`);
  t.is(server.stats.handshaking, 0, 'no handshake started: the answer was the stateless HelloRetryRequest');
});

for (const maxVersion of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`cookies: false, ${maxVersion}, an RSA-4096 flight: a client that never retransmits connects`, async (t) => {
    const server = listen(() => {}, { ...pemOptions(id), host: '127.0.0.1', cookies: false, maxVersion });
    t.teardown(() => server.close());
    const { port } = await server.listening;
    const session = connect('127.0.0.1', port, {
      ca: certificateToPem(id.caDer),
      servername: 'localhost',
      maxVersion,
      retransmission: { initialTimeout: 600_000, maxTimeout: 600_000 },
    });
    t.teardown(() => session.close());
    await session.opened;
    t.is(session.protocol, maxVersion);
  });
}
