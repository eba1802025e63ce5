import test from 'ava';
import { once } from 'node:events';
import { ConfigError, connect, createServer, type DtlsSocket } from '../../runtime/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;

test('createServer / connect in the node:tls idiom: connect, message both ways, close', async (t) => {
  const serverSockets: DtlsSocket[] = [];
  const server = createServer({ certificate: id, wallClock }, (s) => {
    serverSockets.push(s);
    s.on('message', (m) => s.send(`echo ${new TextDecoder().decode(m)}`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // 'localhost' is resolved, and is the serverName checked against the certificate.
  const client = connect({ host: 'localhost', port: server.address()!.port, trustAnchors: [id.caDer], wallClock });
  client.send('queued before the handshake');
  const [parameters] = await once(client, 'connect');
  t.is(parameters, client.parameters);
  const [reply] = (await once(client, 'message')) as [Uint8Array];
  t.is(new TextDecoder().decode(reply), 'echo queued before the handshake');
  t.true((client.stats?.applicationBytesReceived ?? 0) > 0);
  const serverClosed = once(serverSockets[0]!, 'close');
  client.close();
  t.deepEqual(await once(client, 'close'), ['local']);
  t.deepEqual(await serverClosed, ['close_notify']);
  t.like(server.stats, { connections: 0 });
  server.close();
  await once(server, 'close');
});

test('a failed handshake emits error (naming the alert) then close', async (t) => {
  const server = createServer({ certificate: id, wallClock }).listen();
  await once(server, 'listening');
  const stranger = makeIdentity('p256', 'localhost');
  const client = connect({ port: server.address()!.port, trustAnchors: [stranger.caDer], serverName: 'localhost', wallClock });
  const seen: string[] = [];
  const closed = new Promise<void>((resolve) => {
    client.on('error', (e) => seen.push(`error ${e.message}`));
    client.on('close', (reason) => {
      seen.push(`close ${reason}`);
      resolve();
    });
  });
  await closed;
  t.is(seen.length, 2);
  t.regex(seen[0] ?? '', /^error unknown_ca: .*no issuer/);
  t.is(seen[1], 'close failed');
  server.close();
});

test('options are checked when the server is created, and a bad host is an error naming it', async (t) => {
  t.is(t.throws(() => createServer({ certificate: id, maxConnections: -1 }), { instanceOf: ConfigError })?.option, 'maxConnections');
  t.is(t.throws(() => createServer({}), { instanceOf: ConfigError })?.option, 'certificate');
  const client = connect({ host: 'no-such-host.invalid', port: 4433 });
  const [error] = (await once(client, 'error')) as [Error];
  t.regex(error.message, /cannot resolve no-such-host\.invalid/);
});

test('closing before the handshake completes ends the socket with close "local" and no error', async (t) => {
  const server = createServer({ certificate: id, wallClock }).listen();
  await once(server, 'listening');
  const client = connect({ port: server.address()!.port, trustAnchors: [id.caDer], serverName: 'localhost', wallClock });
  const errors: Error[] = [];
  client.on('error', (e) => errors.push(e));
  client.close();
  t.deepEqual(await once(client, 'close'), ['local']);
  t.deepEqual(errors, []);
  t.is(client.parameters, undefined);
  server.close();
});
