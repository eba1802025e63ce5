import test from 'ava';
import { ConfigError, connect, listen, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';

const id = pemIdentity('localhost');

test('listen / connect: open, a message both ways, close', async (t) => {
  const serverSessions: DtlsSession[] = [];
  const listener = listen(
    (s) => {
      serverSessions.push(s);
      s.onmessage = (m) => s.send(`echo ${m.toString()}`);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  const { port } = await listener.listening;
  // 'localhost' is resolved, and is the servername checked against the certificate.
  const client = connect('localhost', port, { ca: id.ca });
  await client.opened;
  t.is(client.parameters?.cipherSuite !== undefined, true);
  const reply = nextMessage(client);
  client.send('sent once open');
  t.is((await reply).toString(), 'echo sent once open');
  t.true(client.stats.bytesReceived > 0);
  t.true((client.stats.connectionStats?.applicationBytesReceived ?? 0) > 0);
  await client.close();
  t.is(client.closeReason, 'local');
  await serverSessions[0]!.closed;
  t.is(serverSessions[0]!.closeReason, 'close_notify');
  t.is(listener.stats.sessions, 0);
  await listener.close();
});

test('a failed handshake rejects opened and closed naming the alert, and tells onerror once', async (t) => {
  const listener = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1' });
  const { port } = await listener.listening;
  const stranger = pemIdentity('localhost');
  const client = connect('127.0.0.1', port, { ca: stranger.ca, servername: 'localhost' });
  const seen: string[] = [];
  client.onerror = (e) => seen.push(`error ${e.message}`);
  const error = await t.throwsAsync(client.closed);
  t.regex(error?.message ?? '', /^unknown_ca: .*no issuer/);
  await t.throwsAsync(client.opened);
  t.is(seen.length, 1);
  t.regex(seen[0] ?? '', /^error unknown_ca: .*no issuer/);
  t.is(client.closeReason, 'failed');
  await listener.close();
});

test('options are checked when the listener is made, and a host that does not resolve is an error naming it', async (t) => {
  t.is(
    t.throws(() => listen(() => {}, { cert: id.cert, key: id.key, maxSessions: -1 }), { instanceOf: ConfigError })
      ?.option,
    'maxSessions',
  );
  // No credentials: refused now, saying what is missing.
  t.regex(
    t.throws(() => listen(() => {}, {}), { instanceOf: ConfigError })?.message ?? '',
    /certificate chain and private key/,
  );
  const client = connect('no-such-host.invalid', 4433);
  const error = await t.throwsAsync(client.opened);
  t.regex(error?.message ?? '', /no-such-host\.invalid/);
});

test('closing before the handshake completes ends the session with close reason "local" and no error', async (t) => {
  const listener = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1' });
  const { port } = await listener.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  await client.close();
  t.is(client.closeReason, 'local');
  await t.notThrowsAsync(client.closed);
  t.deepEqual(errors, []);
  t.is(client.parameters, undefined);
  await listener.close();
});
