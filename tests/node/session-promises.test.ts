import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { certificateToPem } from '../../runtime/pki/pem.js';
import { pemOptions, until } from './support.js';

// A session makes its `opened` and `closed` promises when first asked for (lazy-outcome.ts): asked late, they settle
// as they would have when made at the start.

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;

test('asked for only after the handshake and the close, opened resolves with the protocol and closed resolves, reason close_notify', async (t) => {
  const accepted: DtlsSession[] = [];
  const listener = listen((s) => void accepted.push(s), { ...pemOptions(id), host: '127.0.0.1', wallClock });
  t.teardown(() => listener.close());
  const { port } = await listener.listening;
  const client = connect('127.0.0.1', port, { ca: certificateToPem(id.caDer), servername: 'localhost', wallClock });
  const clientOpened = await client.opened;
  await client.close();
  await until(() => accepted[0]?.destroyed === true);
  const session = accepted[0]!;
  t.is(session.closeReason, 'close_notify');
  const opened = await session.opened;
  t.is(opened.protocol, clientOpened.protocol);
  t.is(session.cipher?.standardName, client.cipher?.standardName);
  await t.notThrowsAsync(session.closed);
  t.is(session.opened, session.opened, 'one promise, made once');
  t.is(session.closed, session.closed, 'one promise, made once');
});

test('asked for only after an end without a handshake, opened and closed reject with the one timeout error', async (t) => {
  // A socket that answers nothing: the client's handshake times out.
  const silent = createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => silent.close());
  const client = connect('127.0.0.1', silent.address().port, {
    ca: certificateToPem(id.caDer),
    servername: 'localhost',
    wallClock,
    handshakeTimeout: 200,
  });
  await until(() => client.destroyed);
  t.is(client.closeReason, 'timeout');
  const error = await t.throwsAsync(client.opened, { code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
  const closedError = await t.throwsAsync(client.closed);
  t.is(closedError, error, 'the one error, made once');
});
