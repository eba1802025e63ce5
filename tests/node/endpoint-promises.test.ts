import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { openClientEndpoint } from '../support/udp-client.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { EndpointClosedError } from '../../runtime/node/endpoint-ending.js';
import { DtlsUdpServer } from '../../runtime/node/server.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { until } from './support.js';

// An endpoint makes its `handshake` and `closed` promises when first asked for: asked late, they settle as they
// would have when made at the start.

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;

test('asked for only after the handshake and the close, handshake resolves with the parameters and closed with the reason', async (t) => {
  const server = await DtlsUdpServer.listen({ certificate: id, wallClock });
  t.teardown(() => server.close());
  const accepted: DtlsEndpoint[] = [];
  server.onConnection((ep) => accepted.push(ep));
  const client = openClientEndpoint({
    port: server.address.port,
    trustAnchors: [id.caDer],
    serverName: 'localhost',
    wallClock,
  });
  const clientParameters = await client.handshake;
  client.close();
  await client.closed;
  await until(() => accepted[0]?.isEnded === true);
  const ep = accepted[0]!;
  const parameters = await ep.handshake;
  t.is(parameters.cipherSuite, clientParameters.cipherSuite);
  t.true(parameters.clientAuthenticated === false);
  t.is(await ep.closed, 'close_notify');
  t.is(ep.handshake, ep.handshake, 'one promise, made once');
});

test('asked for only after an end without a handshake, handshake rejects with the EndpointClosedError and closed resolves', async (t) => {
  // A socket that answers nothing: the client's handshake times out.
  const silent = createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => silent.close());
  const client = openClientEndpoint({
    port: silent.address().port,
    trustAnchors: [id.caDer],
    serverName: 'localhost',
    wallClock,
    handshakeTimeoutMs: 200,
  });
  await until(() => client.isEnded);
  const error = await t.throwsAsync(client.handshake, { instanceOf: EndpointClosedError });
  t.is(error, client.endError!);
  t.truthy(await client.closed);
});
