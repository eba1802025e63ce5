/**
 * ListenerSessions (runtime/api/listener.ts), the part of a listener that makes its sessions and hands
 * them out, over real UDP: each accepted session reaches `onsession` once and is counted, its key log lines reach its
 * own `onkeylog`, an `onsession` that throws ends that handshake (a callback error, told to `onhandshakeerror`) and
 * not the listener, and `destroy` ends every open session.
 */
import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import type { DtlsError } from '../../runtime/api/errors.js';
import { ListenerSessions } from '../../runtime/api/listener.js';
import { pemIdentity } from './fixtures.js';
import { until } from '../node/support.js';
import { echo, echoPair } from './echo-pair.js';

const id = pemIdentity('localhost');
const client = (port: number): DtlsSession => connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });

test('each session reaches onsession once, counted, with its listener; its key log lines reach its own onkeylog', async (t) => {
  const lines: string[] = [];
  const handed: DtlsSession[] = [];
  const listener = listen(
    (s) => {
      handed.push(s);
      s.onkeylog = (line) => void lines.push(line);
      s.onmessage = (data) => void s.send(data);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  t.teardown(() => listener.close());
  const { port } = await listener.listening;
  const c = client(port);
  t.teardown(() => c.destroy());
  await c.opened;
  t.is(await echo(c, 'x'), 'x');
  t.is(handed.length, 1);
  t.is(handed[0]!.listener, listener);
  t.is(listener.stats.serverSessions, 1);
  t.true(lines.length > 0, 'the key log lines of its handshake');
  t.true(
    lines.every((l) => /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/.test(l)),
    'NSS key log format',
  );
});

test('an onsession that throws ends that handshake only: a callback error, told to onhandshakeerror', async (t) => {
  let first = true;
  const listener = listen(
    (s) => {
      if (first) {
        first = false;
        throw new Error('the application failed');
      }
      s.onmessage = (data) => void s.send(data);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  t.teardown(() => listener.close());
  const told: Error[] = [];
  listener.onhandshakeerror = (error) => void told.push(error);
  const { port } = await listener.listening;
  const failed = client(port);
  const error = (await failed.opened.then(
    () => undefined,
    (e: unknown) => e,
  )) as DtlsError | undefined;
  t.is(error?.alert, 'internal_error', 'the client hears the alert');
  await until(() => told.length === 1);
  t.is(told[0]?.message, 'the application failed');
  t.is(listener.stats.callbackErrors, 1);
  t.is(listener.stats.handshakeErrors, 1);
  const next = client(port);
  t.teardown(() => next.destroy());
  await next.opened;
  t.is(await echo(next, 'served on'), 'served on');
});

test("destroy ends every open session with the listener's error", async (t) => {
  const pair = await echoPair();
  const second = await pair.another();
  const reasons = await (async () => {
    const closed = pair.accepted.map((s) =>
      s.closed.then(
        () => undefined,
        (e: unknown) => (e as DtlsError).code,
      ),
    );
    pair.listener.destroy();
    return Promise.all(closed);
  })();
  t.deepEqual(reasons, ['ERR_DTLS_ENDPOINT_DESTROYED', 'ERR_DTLS_ENDPOINT_DESTROYED']);
  second.destroy();
  await pair.close();
});

test('a ClientHello refused before any session: counted, and onhandshakeerror told who and why', (t) => {
  const told: { error: Error; remote: { address: string; port: number } }[] = [];
  const listener = {
    onhandshakeerror: (error: Error, remote: { address: string; port: number }) => void told.push({ error, remote }),
  };
  const sessions = new ListenerSessions(listener, () => {}, 1200, {});
  sessions.refused({ address: '192.0.2.7', port: 4433 }, 'protocol_version', 'no version in common', undefined);
  t.is(sessions.counts.handshakeErrors, 1);
  t.is(sessions.counts.callbackErrors, 0);
  t.is(told.length, 1);
  t.is((told[0]!.error as DtlsError).code, 'ERR_DTLS_ALERT');
  t.is(told[0]!.error.message, 'protocol_version: no version in common');
  t.deepEqual(told[0]!.remote, { address: '192.0.2.7', port: 4433 });
});
