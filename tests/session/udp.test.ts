import test from 'ava';
import { once } from 'node:events';
import { connect, createServer, type DtlsServer, type DtlsSocket } from '../../runtime/index.js';
import type { ServerOptions } from '../../runtime/node/api.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { MAX_IDENTITIES_CONSIDERED } from '../../runtime/connection/psk-selection.js';
import { encodeClientHello } from '../../generated/wire/index.js';

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

test('an anti-replay store that never answers: the 0-RTT ClientHello goes on after a second, its early data refused', async (t) => {
  const options = { certificate: id, wallClock, ticketKeys, maxEarlyData: 1024 };
  const issuing = await listening(options);
  const first = connect({ host: 'localhost', port: issuing.address()!.port, trustAnchors: [id.caDer], wallClock });
  const [session] = (await once(first, 'session')) as [Uint8Array, number];
  first.close();
  issuing.close();
  const stuck = await listening({ ...options, antiReplay: { admit: () => new Promise<boolean>(() => {}) } });
  const client = connect({
    host: 'localhost',
    port: stuck.address()!.port,
    trustAnchors: [id.caDer],
    wallClock,
    session,
    earlyData: new TextEncoder().encode('x'),
  });
  const verdict = once(client, 'earlyData');
  const connected = once(client, 'connect'); // both come from the server's one flight: listen for both first
  const [accepted] = (await verdict) as [boolean, Uint8Array];
  t.false(accepted);
  await connected;
  client.send('late but fine');
  const [reply] = (await once(client, 'message')) as [Uint8Array];
  t.is(new TextDecoder().decode(reply), 'late but fine');
  t.true(client.reused);
  client.close();
  stuck.close();
});

test('a ClientHello listing a thousand PSK identities costs the server sixteen lookups at most', (t) => {
  t.is(MAX_IDENTITIES_CONSIDERED, 16);
  const asked: string[] = [];
  const server = DtlsConnection.server({
    certificate: { chain: id.chain, privateKey: id.privateKey },
    wallClock,
    psk: (identity: string) => (asked.push(identity), undefined),
  });
  const identities = Array.from({ length: 1000 }, (_, i) => ({ identity: new TextEncoder().encode(`id-${i}`), obfuscatedTicketAge: 0 }));
  const ch = encodeClientHello({
    legacyVersion: 'dtls1_2',
    random: new Uint8Array(32).fill(1),
    legacySessionId: new Uint8Array(0),
    legacyCookie: new Uint8Array(0),
    cipherSuites: ['tls_aes_128_gcm_sha256'],
    legacyCompressionMethods: Uint8Array.of(0),
    extensions: [
      { extensionType: 'supported_versions', extensionData: { versions: ['dtls1_3'] } },
      { extensionType: 'supported_groups', extensionData: { namedGroupList: ['x25519'] } },
      { extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: ['ecdsa_secp256r1_sha256'] } },
      { extensionType: 'key_share', extensionData: { clientShares: [{ group: 'x25519', keyExchange: new Uint8Array(32).fill(9) }] } },
      { extensionType: 'psk_key_exchange_modes', extensionData: { keModes: ['psk_dhe_ke'] } },
      { extensionType: 'pre_shared_key', extensionData: { identities, binders: identities.map(() => ({ binder: new Uint8Array(32) })) } },
    ],
  });
  server.injectHandshakeMessage(1, ch, 0);
  t.is(asked.length, 16);
  t.is(server.failure, undefined, 'an unknown identity on a server with a certificate: a full handshake');
});
