import test from 'ava';
import { SRTP_EXPORTER_LABEL, srtpKeyingMaterial } from '../../runtime/shared/srtp.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from './openssl12.js';
import { negotiated, Udp12 } from './udp12.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

/**
 * ALPN and DTLS-SRTP in the 1.2 handshake against Debian's OpenSSL 3.0 over
 * real UDP, both directions (`s_server` / `s_client -dtls1_2 -alpn …
 * -use_srtp … -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen 60`): the
 * protocol and profile each end reports, and the 60 bytes of SRTP keying
 * material (RFC 5764 §4.2: two AES-128 keys and two 14-byte salts) equal on
 * both ends. No ALPN in common: each server refuses with
 * no_application_protocol (RFC 7301 §3.2).
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const files = identityFiles(id);
const certificate = { chain: id.chain, privateKey: id.privateKey };
const KEYMAT = ['-keymatexport', SRTP_EXPORTER_LABEL, '-keymatexportlen', '60'];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** The keying material OpenSSL printed (`Keying material: HEX`). */
async function opensslKeys(peer: OpenSslPeer): Promise<string> {
  await peer.waitFor(/Keying material: [0-9A-F]+/);
  return /Keying material: ([0-9A-F]+)/.exec(peer.out)![1]!;
}

async function toServer(
  serverArgs: readonly string[],
  options: Partial<DtlsOptions>,
): Promise<{ client: Udp12<DtlsConnection>; server: OpenSslPeer }> {
  const port = await freeUdpPort();
  const server = new OpenSslPeer([
    's_server',
    '-dtls1_2',
    '-accept',
    String(port),
    '-cert',
    files.cert,
    '-key',
    files.key,
    ...serverArgs,
  ]);
  await server.waitFor('ACCEPT');
  const conn = DtlsConnection.client({ ...ONLY_12, trustAnchors: [id.caDer], serverName: 'server.test', ...options });
  return { client: await Udp12.client(conn, port), server };
}

async function fromClient(
  clientArgs: readonly string[],
  options: Partial<DtlsOptions>,
): Promise<{ server: Udp12<DtlsConnection>; client: OpenSslPeer }> {
  const server = await Udp12.server(DtlsConnection.server({ ...ONLY_12, certificate, ...options }));
  const client = new OpenSslPeer([
    's_client',
    '-dtls1_2',
    '-connect',
    `127.0.0.1:${server.port}`,
    '-CAfile',
    files.ca,
    '-verify_return_error',
    '-servername',
    'server.test',
    ...clientArgs,
  ]);
  return { server, client };
}

test.serial(
  'dtls13 client -> openssl s_server: ALPN by the server’s preference, SRTP_AES128_CM_SHA1_80, the same SRTP keys',
  async (t) => {
    const { client, server } = await toServer(['-alpn', 'coap,h2', '-use_srtp', 'SRTP_AES128_CM_SHA1_80', ...KEYMAT], {
      alpn: ['h2', 'coap'],
      srtp: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'],
    });
    try {
      await client.waitFor((e) => e.type === 'handshakeComplete', 15_000, 'handshake');
      t.is(negotiated(client)?.alpnProtocol, 'coap');
      t.is(negotiated(client)?.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
      await server.waitFor('SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80');
      await server.waitFor('ALPN protocols selected: coap');
      const theirs = await opensslKeys(server);
      t.is(hex(client.conn.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL)), theirs);
      const k = srtpKeyingMaterial(client.conn, 'SRTP_AES128_CM_SHA1_80');
      t.is(hex(Buffer.concat([k.clientKey, k.serverKey, k.clientSalt, k.serverSalt])), theirs);
      client.send(new TextEncoder().encode('media keys agreed\n'));
      await server.waitFor('media keys agreed');
    } finally {
      await client.close();
      server.stop();
    }
  },
);

test.serial('openssl s_client -> dtls13 server: our ALPN and SRTP preference, the same SRTP keys', async (t) => {
  const { server, client } = await fromClient(
    ['-alpn', 'h2,coap', '-use_srtp', 'SRTP_AES128_CM_SHA1_32:SRTP_AES128_CM_SHA1_80', ...KEYMAT],
    {
      alpn: ['coap', 'h2'],
      srtp: ['SRTP_AES128_CM_SHA1_80', 'SRTP_AES128_CM_SHA1_32'],
    },
  );
  try {
    await client.waitFor('Verify return code: 0 (ok)');
    await client.waitFor('ALPN protocol: coap');
    await client.waitFor('SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80');
    await server.waitFor((e) => e.type === 'handshakeComplete', 10_000, 'handshake');
    t.is(negotiated(server)?.alpnProtocol, 'coap');
    t.is(negotiated(server)?.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
    t.is(hex(server.conn.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL)), await opensslKeys(client));
    client.write('over 1.2 with SRTP\n');
    await server.waitFor(() => server.text().includes('over 1.2 with SRTP'), 10_000, 'data');
  } finally {
    client.stop();
    await server.close();
  }
});

test.serial('openssl s_client with no ALPN in common -> dtls13 server: no_application_protocol', async (t) => {
  const { server, client } = await fromClient(['-alpn', 'spdy/3'], { alpn: ['coap'] });
  try {
    await server.waitFor((e) => e.type === 'closed', 10_000, 'closed');
    t.is(server.conn.failure?.alert, 'no_application_protocol');
    await client.waitFor(/no application protocol/i);
  } finally {
    client.stop();
    await server.close();
  }
});

test.serial(
  'dtls13 client -> openssl s_server with no ALPN in common: OpenSSL refuses with no_application_protocol, which we report',
  async (t) => {
    const { client, server } = await toServer(['-alpn', 'spdy/3'], { alpn: ['coap'] });
    try {
      await client.waitFor((e) => e.type === 'closed', 15_000, 'closed');
      const alert = client.events.find((e) => e.type === 'alert') as
        { description?: string; sent?: boolean } | undefined;
      t.deepEqual(
        { description: alert?.description, sent: alert?.sent },
        { description: 'no_application_protocol', sent: false },
      );
      t.is(client.conn.state, 'failed');
    } finally {
      await client.close();
      server.stop();
    }
  },
);
