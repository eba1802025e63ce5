/**
 * libcoap 4.3 (Debian's libcoap3-bin), its OpenSSL and its GnuTLS builds, as real CoAP-over-DTLS peers of dtls13's
 * `connect` and `listen`, both roles: PSK, certificates, and RFC 7925's CCM_8. dtls13 carries CoAP messages
 * (tests/support/coap.ts: a GET and its 2.05 answer). Both TLS libraries do DTLS 1.2 only, so that is what is spoken.
 */
import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import type { ConnectOptions, ListenOptions } from '../../runtime/api/options.js';
import { freeUdpPort } from '../dtls12/openssl12.js';
import { coapGet, decodeCoap, serveTemperature } from '../support/coap.js';
import { iotMaterial, PeerProcess, requireCommand } from './iot-peers.js';

const files = iotMaterial();
test.after.always(() => files.remove());
/** libcoap's -k takes the key as text. */
const PSK = { identity: 'sensor-7', key: 'iot-psk-16-bytes' } as const;

interface Case {
  readonly name: string;
  readonly auth: 'psk' | 'certificate';
  readonly ours: ConnectOptions & ListenOptions;
  readonly suite: RegExp;
}

const CASES: readonly Case[] = [
  { name: 'PSK (ECDHE_PSK)', auth: 'psk', ours: {}, suite: /^tls_ecdhe_psk_with_/ },
  {
    name: 'PSK with AES-128-CCM-8 (RFC 7925)',
    auth: 'psk',
    ours: { maxVersion: 'DTLSv1.2', ciphers: 'PSK-AES128-CCM8', allowCcm8: true, pskKeyExchangeModes: ['psk_ke'] },
    suite: /^tls_psk_with_aes_128_ccm_8$/,
  },
  { name: 'certificates', auth: 'certificate', ours: {}, suite: /^tls_ecdhe_ecdsa_with_/ },
  {
    name: 'certificates with AES-128-CCM-8 (RFC 7925)',
    auth: 'certificate',
    ours: { maxVersion: 'DTLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-CCM8', allowCcm8: true },
    suite: /^tls_ecdhe_ecdsa_with_aes_128_ccm_8$/,
  },
];

for (const build of ['openssl', 'gnutls'] as const) {
  for (const c of CASES) {
    test.serial(`dtls13 connect → coap-server-${build}: ${c.name}`, async (t) => {
      requireCommand(`coap-server-${build}`, 'libcoap3-bin');
      const port = await freeUdpPort();
      const credentials =
        c.auth === 'psk' ? ['-k', PSK.key] : ['-c', files.server.certFile, '-j', files.server.keyFile, '-n'];
      // coaps on port + 1; the plain CoAP port is bound to another free port's neighbour.
      const server = new PeerProcess(`coap-server-${build}`, [
        '-A',
        '127.0.0.1',
        '-p',
        String(port - 1),
        '-v',
        '7',
        ...credentials,
      ]);
      try {
        await server.waitFor(`created DTLS endpoint 127.0.0.1:${port}`);
        const session = connect('127.0.0.1', port, {
          ...c.ours,
          ...(c.auth === 'psk'
            ? { psk: { identity: PSK.identity, key: Buffer.from(PSK.key) } }
            : { ca: files.server.ca, servername: 'localhost' }),
        });
        await session.opened;
        t.is(session.protocol, 'DTLSv1.2');
        t.regex(String(session.parameters?.cipherSuite), c.suite);
        const answer = new Promise<Buffer>((resolve) => (session.onmessage = resolve));
        session.send(coapGet('/', 0x1234, new Uint8Array([7, 7])));
        const response = decodeCoap(await answer);
        t.is(response.code, 0x45, '2.05 Content');
        t.is(response.messageId, 0x1234);
        t.regex(new TextDecoder().decode(response.payload), /libcoap/);
        await session.close();
      } finally {
        server.stop();
      }
    });

    test.serial(`coap-client-${build} → dtls13 listen: ${c.name}`, async (t) => {
      requireCommand(`coap-client-${build}`, 'libcoap3-bin');
      const sessions: DtlsSession[] = [];
      const listener = listen(
        (s) => {
          sessions.push(s);
          serveTemperature(s);
        },
        {
          ...c.ours,
          host: '127.0.0.1',
          ...(c.auth === 'psk'
            ? { psk: { [PSK.identity]: Buffer.from(PSK.key) } }
            : { cert: files.server.cert, key: files.server.key }),
        },
      );
      const { port } = await listener.listening;
      const credentials = c.auth === 'psk' ? ['-u', PSK.identity, '-k', PSK.key] : ['-C', files.server.caFile];
      const client = new PeerProcess(`coap-client-${build}`, [
        '-m',
        'get',
        '-B',
        '10',
        ...credentials,
        `coaps://127.0.0.1:${port}/sensors/temperature`,
      ]);
      try {
        t.is(await client.exited(), 0, client.out);
        t.regex(client.out, /21\.5 C at \/sensors\/temperature/);
        const s = sessions[0]!;
        t.is(s.protocol, 'DTLSv1.2');
        t.regex(String(s.parameters?.cipherSuite), c.suite);
      } finally {
        client.stop();
        await listener.close();
      }
    });
  }
}
