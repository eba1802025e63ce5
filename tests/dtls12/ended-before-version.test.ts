import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * A connection that ended before the version was known (the application
 * closed it, say) stays ended: a ClientHello or a server's answer in DTLS
 * 1.2 afterwards must not give it a fresh 1.2 state that forgets the
 * failure and answers the peer. Found by the fuzzer (server target, a
 * close() then a 1.2 ClientHello).
 */

const serverId = makeIdentity('p256', 'localhost');
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

function drain(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

function helloFrom(options: Parameters<typeof DtlsConnection.client>[0]): Uint8Array[] {
  const client = DtlsConnection.client({ ...options, trustAnchors: [serverId.caDer], serverName: 'localhost' });
  client.connect(0);
  return drain(client);
}

test('a server closed before its first ClientHello stays closed when a 1.2 (or 1.3) ClientHello comes', (t) => {
  for (const [name, hello] of [
    ['1.2', helloFrom(ONLY_12)],
    ['1.3', helloFrom({})],
  ] as const) {
    const server = DtlsConnection.server({ certificate: serverId, amplificationLimit: false });
    t.deepEqual(server.versions, ['DTLSv1.3', 'DTLSv1.2']);
    server.close();
    drain(server);
    const failure = server.failure;
    t.is(failure?.alert, 'user_canceled');
    for (const d of hello) server.receive(d, 1);
    t.deepEqual(server.failure, failure, `${name}: the failure is the same`);
    t.not(server.protocolVersion, 'DTLSv1.2', `${name}: no 1.2 state took over`);
    t.deepEqual(drain(server), [], `${name}: nothing answers the hello`);
  }
});

test('a client closed before the server answered stays closed when a DTLS 1.2 HelloVerifyRequest comes', (t) => {
  const client = DtlsConnection.client({ trustAnchors: [serverId.caDer], serverName: 'localhost' });
  client.connect(0);
  const hello = drain(client);
  const server12 = DtlsConnection.server({ certificate: serverId, amplificationLimit: false, ...ONLY_12 });
  for (const d of hello) server12.receive(d, 0);
  const answer = drain(server12);
  t.true(answer.length > 0, 'the 1.2 server answered (a HelloVerifyRequest)');
  client.close();
  drain(client);
  const failure = client.failure;
  t.is(failure?.alert, 'user_canceled');
  for (const d of answer) client.receive(d, 1);
  t.deepEqual(client.failure, failure, 'the failure is the same');
  t.not(client.protocolVersion, 'DTLSv1.2', 'no 1.2 state took over');
  t.deepEqual(drain(client), [], 'no second ClientHello');
});
