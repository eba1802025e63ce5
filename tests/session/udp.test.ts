import test from 'ava';
import { connect, listen, type DtlsListener, type DtlsListenOptions, type DtlsSession } from '../../runtime/index.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { MAX_IDENTITIES_CONSIDERED } from '../../runtime/shared/psk-selection.js';
import { encodeClientHello } from '../../generated/wire/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';
import { injectHandshakeMessage } from '../support/inject.js';

// PSKs and resumption over real UDP sockets, through the stateless cookie exchange every new client gets.

const id = makeIdentity('p256', 'localhost');
const pem = pemIdentity('localhost');
const credentials = { cert: pem.cert, key: pem.key };
const wallClock = (): number => TEST_TIME;
const ticketKeys = new Uint8Array(64).map((_, i) => i * 7);

async function listening(options: DtlsListenOptions): Promise<{ listener: DtlsListener; port: number }> {
  const listener = listen(
    (s) => {
      s.onerror = () => {};
      s.onmessage = (m) => s.send(m);
    },
    { host: '127.0.0.1', ...options },
  );
  const { port } = await listener.listening;
  return { listener, port };
}

async function echo(client: DtlsSession, text: string): Promise<string> {
  await client.opened;
  const reply = nextMessage(client);
  client.send(text);
  return (await reply).toString();
}

test('resumption across two server processes-worth of instances sharing ticketKeys, with the cookie exchange in between', async (t) => {
  const first = await listening({ ...credentials, ticketKeys });
  const second = await listening({ ...credentials, ticketKeys });
  const client = connect('localhost', first.port, { ca: pem.ca });
  const session = await client.ticket;
  if (session === undefined) return t.fail('no ticket');
  t.deepEqual(client.session, session);
  t.false(client.reused);
  await client.close();
  const again = connect('localhost', second.port, { ca: pem.ca, session });
  t.is(await echo(again, 'resumed'), 'resumed');
  t.true(again.reused);
  t.true(
    again.parameters?.helloRetryRequest,
    'the stateless cookie exchange ran, and the binder was recomputed after it',
  );
  await again.close();
  await first.listener.close();
  await second.listener.close();
});

test('a PSK-only server over UDP: a PSK client connects, a certificate client is refused with a named error', async (t) => {
  const key = new Uint8Array(32).fill(3);
  const { listener, port } = await listening({ psk: new Map([['device-1', key]]), wallClock });
  const device = connect('127.0.0.1', port, { psk: { identity: 'device-1', key }, wallClock });
  t.is(await echo(device, 'from a device'), 'from a device');
  t.is(device.parameters?.pskMode, 'psk_dhe_ke');
  await device.close();
  const stranger = connect('127.0.0.1', port, { ca: pem.ca, servername: 'localhost' });
  const error = await t.throwsAsync(stranger.closed);
  t.regex(error?.message ?? '', /handshake_failure/);
  const wrongKey = connect('127.0.0.1', port, {
    psk: { identity: 'device-1', key: new Uint8Array(32).fill(4) },
    wallClock,
  });
  const wrong = await t.throwsAsync(wrongKey.closed);
  t.regex(wrong?.message ?? '', /decrypt_error/);
  await listener.close();
});

test('an anti-replay store that never answers: the 0-RTT ClientHello goes on after a second, its early data refused', async (t) => {
  const options = { ...credentials, ticketKeys, maxEarlyData: 1024 };
  const issuing = await listening(options);
  const first = connect('localhost', issuing.port, { ca: pem.ca });
  const session = await first.ticket;
  if (session === undefined) return t.fail('no ticket');
  await first.close();
  await issuing.listener.close();
  const stuck = await listening({ ...options, antiReplay: { admit: () => new Promise<boolean>(() => {}) } });
  const client = connect('localhost', stuck.port, { ca: pem.ca, session, earlyData: new TextEncoder().encode('x') });
  await client.opened;
  t.is(client.parameters?.earlyData, 'rejected');
  const reply = nextMessage(client);
  client.send('late but fine');
  t.is((await reply).toString(), 'late but fine');
  t.true(client.reused);
  await client.close();
  await stuck.listener.close();
});

test('a ClientHello listing a thousand PSK identities costs the server sixteen lookups at most', (t) => {
  t.is(MAX_IDENTITIES_CONSIDERED, 16);
  const asked: string[] = [];
  const server = DtlsConnection.server({
    minVersion: 'DTLSv1.3', // a 1.3 state from the start, to inject into
    certificate: { chain: id.chain, privateKey: id.privateKey },
    wallClock,
    psk: (identity: string) => (asked.push(identity), undefined),
  });
  const identities = Array.from({ length: 1000 }, (_, i) => ({
    identity: new TextEncoder().encode(`id-${i}`),
    obfuscatedTicketAge: 0,
  }));
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
      {
        extensionType: 'signature_algorithms',
        extensionData: { supportedSignatureAlgorithms: ['ecdsa_secp256r1_sha256'] },
      },
      {
        extensionType: 'key_share',
        extensionData: { clientShares: [{ group: 'x25519', keyExchange: new Uint8Array(32).fill(9) }] },
      },
      { extensionType: 'psk_key_exchange_modes', extensionData: { keModes: ['psk_dhe_ke'] } },
      {
        extensionType: 'pre_shared_key',
        extensionData: { identities, binders: identities.map(() => ({ binder: new Uint8Array(32) })) },
      },
    ],
  });
  injectHandshakeMessage(server, 1, ch, 0);
  t.is(asked.length, 16);
  t.is(server.failure, undefined, 'an unknown identity on a server with a certificate: a full handshake');
});
