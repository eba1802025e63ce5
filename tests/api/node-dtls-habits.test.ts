/**
 * node:dtls habits that must do what node:dtls documents (issue 48), over
 * real UDP on 127.0.0.1: `listener.busy` refuses new handshakes while the
 * sessions it has go on; a server session's `onkeylog` gets that session's
 * secrets (the same lines its client logs, and only its own); stats are
 * plain data through JSON with node:dtls's names; `util.inspect` shows a
 * listener and a session, not their insides; the errors `onerror` gets
 * carry a `code`.
 */
import test from 'ava';
import { createSocket } from 'node:dgram';
import { inspect } from 'node:util';
import { connect, listen, type DtlsError, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, pemIdentity } from './fixtures.js';
import { until } from '../node/support.js';

const id = pemIdentity('localhost');
const echo = (s: DtlsSession): void => void (s.onmessage = (m) => s.send(m));

test('busy: a busy listener starts no new handshake (counted in serverBusyCount) while its sessions go on; not busy, it takes new ones again', async (t) => {
  const listener = listen(echo, { cert: id.cert, key: id.key, host: '127.0.0.1' });
  t.teardown(() => listener.destroy());
  const { port } = await listener.listening;
  const before = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await before.opened;
  t.false(listener.busy);

  listener.busy = true;
  t.true(listener.busy);
  const refused = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await until(() => listener.stats.serverBusyCount >= 1);
  t.true(listener.stats.serverBusyCount >= 1, 'the ClientHello was dropped as busy');
  t.is(listener.stats.serverSessions, 1, 'no session for the refused client');
  const reply = nextMessage(before);
  before.send('still served');
  t.is((await reply).toString(), 'still served', 'a session made before goes on');
  refused.destroy();
  await t.throwsAsync(refused.opened);

  listener.busy = false;
  const after = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await after.opened;
  t.is(listener.stats.serverSessions, 2);
  await Promise.all([before.close(), after.close()]);
});

test("a server session's onkeylog gets its handshake's secrets: the lines its client logs, and no other session's", async (t) => {
  const serverLines = new Map<DtlsSession, string[]>();
  const listener = listen(
    (s) => {
      const lines: string[] = [];
      serverLines.set(s, lines);
      s.onkeylog = (line) => lines.push(line);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  t.teardown(() => listener.destroy());
  const { port } = await listener.listening;
  for (const maxVersion of ['DTLSv1.3', 'DTLSv1.2'] as const) {
    const clients = [0, 1].map(() => {
      const lines: string[] = [];
      const c = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', maxVersion });
      c.onkeylog = (line) => lines.push(line);
      return { c, lines };
    });
    await Promise.all(clients.map(({ c }) => c.opened));
    for (const { c, lines } of clients) {
      t.true(lines.length >= 1, `${maxVersion}: the client logged its secrets`);
      const random = lines[0]!.split(' ')[1];
      const server = [...serverLines.entries()].find(([, l]) => l.some((line) => line.split(' ')[1] === random));
      t.truthy(
        server,
        `${maxVersion}: a server session logged the secrets of the client with random ${String(random)}`,
      );
      t.deepEqual([...server![1]].sort(), [...lines].sort(), `${maxVersion}: the same lines on both ends`);
      await c.close();
    }
  }
});

test('stats are plain data: JSON.stringify gives node:dtls names and the live values; util.inspect shows values, not insides', async (t) => {
  const listener = listen(echo, { cert: id.cert, key: id.key, host: '127.0.0.1' });
  t.teardown(() => listener.destroy());
  const { port } = await listener.listening;
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await session.opened;
  const reply = nextMessage(session);
  session.send('counted');
  await reply;

  // A datagram that cannot be a ClientHello, from nobody's address: dropped before any handshake, counted.
  const stray = createSocket('udp4');
  t.teardown(() => stray.close());
  stray.send(Buffer.from('not dtls at all'), port, '127.0.0.1');
  await until(() => listener.stats.serverRejectedCount >= 1);

  const listenerJson = JSON.parse(JSON.stringify(listener.stats)) as Record<string, unknown>;
  for (const name of [
    'createdAt',
    'bytesReceived',
    'bytesSent',
    'packetsReceived',
    'packetsSent',
    'serverSessions',
    'clientSessions',
    'serverBusyCount',
    'serverRejectedCount',
    'serverRefusedCount',
    'isConnected',
  ])
    t.true(name in listenerJson, `listener.stats has ${name}`);
  t.is(listenerJson['serverSessions'], 1);
  t.is(listenerJson['clientSessions'], 0);
  t.is(listenerJson['serverRejectedCount'], 1);
  t.true((listenerJson['packetsSent'] as number) >= 3, 'the server flight, the ACK or ticket, the echo');
  t.true((listenerJson['bytesSent'] as number) > (listenerJson['packetsSent'] as number));
  t.is(listenerJson['packetsReceived'], listener.stats.packetsReceived);

  const sessionJson = JSON.parse(JSON.stringify(session.stats)) as Record<string, unknown>;
  t.like(sessionJson, { messagesSent: 1, messagesReceived: 1, bytesSent: 7, bytesReceived: 7, isConnected: true });
  t.false('counters' in sessionJson);
  t.is(typeof (sessionJson['connectionStats'] as Record<string, unknown>)['datagramsSent'], 'number');

  const shownListener = inspect(listener, { depth: 4 });
  t.regex(shownListener, /^DtlsListener \{/);
  t.regex(shownListener, new RegExp(`address: '127\\.0\\.0\\.1:${port}'`));
  t.regex(shownListener, /serverSessions: 1/);
  t.notRegex(
    shownListener,
    /\b(?!DtlsListener\b)[A-Z]\w* \{|Socket|socket|counts:/,
    'no object inside it shown (the server, its socket)',
  );
  const shownSession = inspect(session, { depth: 4 });
  t.regex(shownSession, /^DtlsSession \{/);
  t.regex(shownSession, /role: 'client'/);
  t.regex(shownSession, /state: 'open'/);
  t.notRegex(shownSession, /\b(?!DtlsSession\b)[A-Z]\w* \{/, 'no object inside it shown (what drives it)');
  t.notRegex(shownSession, /privateKey|secret|conn:/i);
  t.regex(inspect(listener.stats), /^DtlsListenerStats \{/);
  await session.close();
});

test("the errors onerror gets have a code: an application's own error gets ERR_DTLS_CALLBACK or ERR_DTLS_DESTROYED when it has none", async (t) => {
  const errors: DtlsError[] = [];
  const thrown = new Error('the handler failed');
  const listener = listen(
    (s) => {
      s.onerror = (e) => errors.push(e);
      s.onmessage = () => {
        throw thrown;
      };
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  t.teardown(() => listener.destroy());
  const { port } = await listener.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await client.opened;
  client.send('boom');
  const failed = (await t.throwsAsync(client.closed)) as DtlsError;
  t.is(failed.code, 'ERR_DTLS_ALERT');
  t.is(failed.alert, 'internal_error');
  await until(() => errors.length >= 1);
  t.is(errors[0] as unknown, thrown, 'the exception as thrown');
  t.is(errors[0]?.code, 'ERR_DTLS_CALLBACK');

  const other = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await other.opened;
  const mine = new Error('enough');
  other.destroy(mine);
  const closed = (await t.throwsAsync(other.closed)) as DtlsError;
  t.is(closed as unknown, mine);
  t.is(closed.code, 'ERR_DTLS_DESTROYED');
});
