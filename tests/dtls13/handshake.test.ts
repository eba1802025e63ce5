import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const utf8 = new TextEncoder();

test('a client and a server complete a DTLS 1.3 handshake in memory and exchange data', (t) => {
  const id = makeIdentity('p256', 'server.test');
  const server = DtlsConnection.server({
    certificate: { chain: id.chain, privateKey: id.privateKey },
    wallClock: () => TEST_TIME,
  });
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
  });
  const link = new Link(client, server);
  client.connect(0);
  link.run();
  t.is(client.state, 'connected', client.failure?.message);
  t.is(server.state, 'connected', server.failure?.message);
  const done = link.events.client.find((e) => e.type === 'handshakeComplete');
  t.is(done?.type === 'handshakeComplete' ? done.parameters.cipherSuite : undefined, 'tls_aes_128_gcm_sha256');
  client.send(utf8.encode('ping'));
  link.run();
  const got = link.events.server.find((e) => e.type === 'data');
  t.is(got?.type === 'data' ? new TextDecoder().decode(got.data) : undefined, 'ping');
});
