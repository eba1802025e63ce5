import test from 'ava';
import { SRTP_EXPORTER_LABEL } from '../../runtime/shared/srtp.js';
import { connect } from '../../runtime/api/connect.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from './openssl12.js';

/**
 * ALPN and DTLS-SRTP through the public API (`connect` / `listen`) when
 * DTLS 1.2 is negotiated: the same `alpn` and `srtp` options as for 1.3,
 * `session.alpnProtocol` / `srtpProfile` and the exported SRTP keys equal
 * on both ends. Three ways to reach 1.2: both ends limited to it; a
 * default client (1.2..1.3, one ClientHello offering both) answered by a
 * 1.2-only listener, so the 1.2 handshake checks the answers against the
 * 1.3 client's offer; and that client against OpenSSL 3.0's s_server.
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);
const files = identityFiles(id);
const ALPN = { server: ['coap', 'h2'], client: ['h2', 'coap'] };
const SRTP = ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'];

for (const [name, clientVersions] of [
  ['both ends limited to DTLS 1.2', { maxVersion: 'DTLSv1.2' as const }],
  ['a default client (1.2..1.3) answered by a 1.2-only listener', {}],
] as const) {
  test.serial(`connect/listen, ${name}: ALPN and SRTP negotiated, the same SRTP keys on both ends`, async (t) => {
    const server = await echoServer(id, {
      alpn: ALPN.server,
      srtp: ['SRTP_AES128_CM_SHA1_80'],
      maxVersion: 'DTLSv1.2',
    });
    const session = connect('127.0.0.1', server.port, {
      ca,
      servername: 'localhost',
      alpn: ALPN.client,
      srtp: SRTP,
      ...clientVersions,
    });
    try {
      t.deepEqual(await session.opened, { protocol: 'DTLSv1.2' });
      t.is(session.alpnProtocol, 'coap');
      t.is(session.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
      const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
      session.send('rtp soon');
      t.is(await reply, 'echo: rtp soon');
      const peer = server.sessions[0]!;
      t.is(peer.protocol, 'DTLSv1.2');
      t.is(peer.alpnProtocol, 'coap');
      t.is(peer.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
      t.deepEqual(
        session.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL),
        peer.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL),
      );
    } finally {
      await session.close();
      await server.listener.close();
    }
  });
}

test.serial(
  'a default client (1.2..1.3) against openssl s_server -dtls1_2 -alpn -use_srtp: 1.2 with ALPN, SRTP and the keys OpenSSL prints',
  async (t) => {
    const port = await freeUdpPort();
    const server = new OpenSslPeer([
      's_server',
      '-dtls1_2',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      files.cert,
      '-key',
      files.key,
      '-alpn',
      'coap,h2',
      '-use_srtp',
      'SRTP_AES128_CM_SHA1_80',
      '-keymatexport',
      SRTP_EXPORTER_LABEL,
      '-keymatexportlen',
      '60',
    ]);
    await server.waitFor('ACCEPT');
    const session = connect('127.0.0.1', port, { ca, servername: 'localhost', alpn: ALPN.client, srtp: SRTP });
    try {
      t.deepEqual(await session.opened, { protocol: 'DTLSv1.2' });
      t.is(session.alpnProtocol, 'coap');
      t.is(session.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
      await server.waitFor(/Keying material: [0-9A-F]{120}/);
      const openssl = /Keying material: ([0-9A-F]{120})/.exec(server.out)![1]!;
      t.is(session.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL).toString('hex').toUpperCase(), openssl);
    } finally {
      await session.close();
      server.stop();
    }
  },
);
