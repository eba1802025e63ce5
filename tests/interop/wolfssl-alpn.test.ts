import test from 'ava';
import { openClientEndpoint } from '../support/udp-client.js';
import { assertServed, identity, serveWolfClient, talkToWolfServer } from './sessions.js';
import { startWolfServer, writePem } from './wolfssl.js';

// ALPN (RFC 7301) with wolfSSL 5.7.2 (built with --enable-alpn), both directions.

test('wolfSSL client ↔ dtls13 server: ALPN (-L): we pick our preferred protocol among its offer', async (t) => {
  const s = await serveWolfClient(identity('p256'), { alpn: ['h3', 'coap'] }, ['-L', 'C:coap,h3']);
  assertServed(t, s);
  t.is(s.handshakes[0]?.alpnProtocol, 'h3');
  t.regex(s.output, /h3/, 'wolfSSL reports the protocol');
});

// The handshake only: wolfSSL's example server in echo mode (-e) answers nothing once ALPN is set, so no data is exchanged.
test('dtls13 client ↔ wolfSSL server: ALPN (-L): the server picks from our offer', async (t) => {
  const id = identity('p256');
  const pem = writePem(id);
  const { port, run } = await startWolfServer(pem, ['-d', '-L', 'C:coap']);
  try {
    const client = openClientEndpoint({
      port,
      trustAnchors: [id.caDer],
      serverName: 'localhost',
      alpn: ['mqtt', 'coap'],
    });
    t.is((await client.handshake).alpnProtocol, 'coap');
    client.close();
  } finally {
    run.kill();
    await run.done;
    pem.remove();
  }
});

test('dtls13 client ↔ wolfSSL server: no protocol in common (-L F:...) fails the handshake with an alert', async (t) => {
  const o = await talkToWolfServer(identity('p256'), ['-d', '-L', 'F:coap'], { alpn: ['h3'] });
  t.not(o.error, undefined);
  t.regex(o.error ?? '', /no_application_protocol|handshake_failure/);
});
