/**
 * Node's bundled root CAs (runtime/pki/system-trust-anchors.ts) are what a
 * server without `ca` checks a client certificate against, and reading them
 * costs a fresh process about 20 ms: they are read at the first check that
 * needs them, never by a `listen` or a handshake that checks no client. The
 * read is seen on the `dtls13:load` diagnostics channel. This file runs in a
 * thread of its own (ava), so nothing else in it read them before; the tests
 * run in order.
 */
import test from 'ava';
import { subscribe } from 'node:diagnostics_channel';
import { connect, DtlsSessionError, listen, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, pemIdentity } from './fixtures.js';

const id = pemIdentity('localhost');
const device = pemIdentity('device.test', 'device CA');
const loaded: string[] = [];
subscribe('dtls13:load', (m) => loaded.push((m as { part: string }).part));

test.serial('a listen without ca and a full handshake that checks no client certificate read no root CA', async (t) => {
  const endpoint = listen((s) => (s.onmessage = (m) => s.send(m)), { cert: id.cert, key: id.key, host: '127.0.0.1' });
  const { port } = await endpoint.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await client.opened;
  const echoed = nextMessage(client);
  client.send('hello');
  t.is((await echoed).toString(), 'hello');
  await client.close();
  await endpoint.close();
  t.false(loaded.includes('root-certificates'), `loaded: ${loaded.join(', ')}`);
});

test.serial(
  'requestCert without ca checks the client against the root CAs, read at that first check, once',
  async (t) => {
    const servers: DtlsSession[] = [];
    const endpoint = listen((s) => servers.push(s), {
      cert: id.cert,
      key: id.key,
      host: '127.0.0.1',
      requestCert: true,
    });
    t.teardown(() => endpoint.close());
    const { port } = await endpoint.listening;
    t.false(loaded.includes('root-certificates'), 'not at listen');
    // A certificate from the device's own CA, which no bundled root issued: unknown_ca.
    for (let i = 0; i < 2; i++) {
      const client = connect('127.0.0.1', port, {
        ca: id.ca,
        servername: 'localhost',
        cert: device.cert,
        key: device.key,
      });
      const error = await t.throwsAsync(client.opened);
      t.true(error instanceof DtlsSessionError && error.alert === 'unknown_ca', String(error));
      await t.throwsAsync(client.closed);
    }
    t.true(servers.length >= 1);
    t.deepEqual(
      loaded.filter((p) => p === 'root-certificates'),
      ['root-certificates'],
    );
  },
);

test.serial('a verifyPeer given to listen replaces the root CAs', async (t) => {
  let asked = 0;
  const endpoint = listen(() => {}, {
    cert: id.cert,
    key: id.key,
    host: '127.0.0.1',
    requestCert: true,
    verifyPeer: () => {
      asked++;
      return { ok: false, alert: 'certificate_unknown', reason: 'refused by the test' } as const;
    },
  });
  t.teardown(() => endpoint.close());
  const { port } = await endpoint.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', cert: device.cert, key: device.key });
  const error = await t.throwsAsync(client.opened);
  t.true(error instanceof DtlsSessionError && error.alert === 'certificate_unknown', String(error));
  t.is(asked, 1);
});
