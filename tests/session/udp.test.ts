import test from 'ava';
import { once } from 'node:events';
import { connect, createServer, type DtlsServer, type DtlsSocket } from '../../runtime/index.js';
import type { ServerOptions } from '../../runtime/node/api.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

// PSKs and resumption over real UDP sockets, through the stateless cookie exchange every new client gets.

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const ticketKeys = new Uint8Array(64).map((_, i) => i * 7);

async function listening(options: ServerOptions): Promise<DtlsServer> {
  const server = createServer({ wallClock, ...options }, (s: DtlsSocket) => s.on('message', (m) => s.send(m)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function echo(client: DtlsSocket, text: string): Promise<string> {
  await once(client, 'connect');
  client.send(text);
  const [reply] = (await once(client, 'message')) as [Uint8Array];
  return new TextDecoder().decode(reply);
}

test('resumption across two server processes-worth of instances sharing ticketKeys, with the cookie exchange in between', async (t) => {
  const first = await listening({ certificate: id, ticketKeys });
  const second = await listening({ certificate: id, ticketKeys });
  const client = connect({ host: 'localhost', port: first.address()!.port, trustAnchors: [id.caDer], wallClock });
  const [session] = (await once(client, 'session')) as [Uint8Array, number];
  t.deepEqual(client.session, session);
  t.false(client.reused);
  client.close();
  const again = connect({ host: 'localhost', port: second.address()!.port, trustAnchors: [id.caDer], wallClock, session });
  t.is(await echo(again, 'resumed'), 'resumed');
  t.true(again.reused);
  t.true(again.parameters?.helloRetryRequest, 'the stateless cookie exchange ran, and the binder was recomputed after it');
  again.close();
  first.close();
  second.close();
});

test('a PSK-only server over UDP: a PSK client connects, a certificate client is refused with a named error', async (t) => {
  const key = new Uint8Array(32).fill(3);
  const server = await listening({ psk: new Map([['device-1', key]]) });
  const port = server.address()!.port;
  const device = connect({ port, psk: { identity: 'device-1', key }, wallClock });
  t.is(await echo(device, 'from a device'), 'from a device');
  t.is(device.parameters?.pskMode, 'psk_dhe_ke');
  device.close();
  const stranger = connect({ port, trustAnchors: [id.caDer], wallClock });
  const [error] = (await once(stranger, 'error')) as [Error];
  t.regex(error.message, /handshake_failure/);
  const wrongKey = connect({ port, psk: { identity: 'device-1', key: new Uint8Array(32).fill(4) }, wallClock });
  const [wrong] = (await once(wrongKey, 'error')) as [Error];
  t.regex(wrong.message, /decrypt_error/);
  server.close();
});
