import test from 'ava';
import { connect, listen, type DtlsListener, type DtlsSession } from '../../runtime/index.js';
import { pemIdentity } from '../api/fixtures.js';

/**
 * `listener.stats.handshakeErrors` (runtime/api/listener.ts `sessionEvent`): a handshake this server refuses with
 * a fatal alert once its session exists counts, as the cookie exchange's refusals do; one the client ends with its own
 * alert does not (the server sent none). Real UDP sockets on loopback, our own client.
 */

const id = pemIdentity('localhost');

/** A listener on loopback whose sessions' `opened` settle into `ended` (resolved either way). */
async function server(
  options: Record<string, unknown>,
): Promise<{ listener: DtlsListener; port: number; ended: Promise<void>[] }> {
  const ended: Promise<void>[] = [];
  const listener = listen(
    (s: DtlsSession) => {
      ended.push(
        s.opened.then(
          () =>
            s.closed.then(
              () => {},
              () => {},
            ),
          () => {},
        ),
      );
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', ...options },
  );
  const { port } = await listener.listening;
  return { listener, port, ended };
}

test('a 1.2 ClientHello with no suite in common, refused in its session, counts as a handshake error', async (t) => {
  // Mutation: the `this.counts.handshakeErrors++` of DtlsListener.sessionEvent dropped: 0.
  const { listener, port } = await server({ maxVersion: 'DTLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
  t.teardown(() => listener.close());
  const session = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    maxVersion: 'DTLSv1.2',
    ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  });
  const error = await t.throwsAsync(session.opened);
  t.regex(error?.message ?? '', /handshake_failure/);
  t.is(listener.stats.handshakeErrors, 1);
});

test('a handshake the client ends with its own alert (an untrusted certificate) is no handshake error of the server', async (t) => {
  // Mutation: `!e.sent ||` dropped from DtlsListener.sessionEvent: the client's alert counts.
  const { listener, port, ended } = await server({});
  t.teardown(() => listener.close());
  const other = pemIdentity('localhost', 'another CA');
  const session = connect('127.0.0.1', port, { ca: other.ca, servername: 'localhost' });
  await t.throwsAsync(session.opened);
  t.is(ended.length, 1, 'the server had a session');
  await ended[0];
  t.is(listener.stats.handshakeErrors, 0);
});
