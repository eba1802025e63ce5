/**
 * GnuTLS 3.7 (Debian's gnutls-bin: `gnutls-serv --udp`, `gnutls-cli --udp`) as a real DTLS 1.2 peer of dtls13's
 * `connect` and `listen`, both roles: PSK, certificates (server and client), and RFC 7925's CCM_8 suites. GnuTLS has no
 * DTLS 1.3, so dtls13's default offer of both versions settles on 1.2. A message goes each way in each.
 */
import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import type { ConnectOptions, ListenOptions } from '../../runtime/api/options.js';
import { freeUdpPort } from '../dtls12/openssl12.js';
import { IOT_PSK, iotMaterial, PeerProcess, requireCommand } from './iot-peers.js';

const files = iotMaterial();
test.after.always(() => files.remove());
const pskKey = Buffer.from(IOT_PSK.keyHex, 'hex');

interface Case {
  readonly name: string;
  readonly auth: 'psk' | 'certificate' | 'mutual';
  /** GnuTLS's priority string. */
  readonly priority: string;
  /** dtls13's options for the case (beside the credentials). */
  readonly ours: ConnectOptions & ListenOptions;
  /** The suite the handshake must settle on. */
  readonly suite: RegExp;
  /**
   * gnutls-cli 3.7.9 stops after printing an ECDHE_PSK session's details (against gnutls-serv too): it neither reads
   * its input nor prints what comes. Then the handshake is checked on both sides, and no message is exchanged.
   */
  readonly gnutlsCliStalls?: true;
}

const CASES: readonly Case[] = [
  {
    name: 'PSK (ECDHE_PSK)',
    auth: 'psk',
    priority: 'NORMAL:-KX-ALL:+ECDHE-PSK',
    ours: {},
    suite: /^tls_ecdhe_psk_with_/,
    gnutlsCliStalls: true,
  },
  {
    name: 'PSK (plain PSK, psk_ke)',
    auth: 'psk',
    priority: 'NORMAL:-KX-ALL:+PSK',
    ours: { pskKeyExchangeModes: ['psk_ke', 'psk_dhe_ke'] },
    suite: /^tls_psk_with_/,
  },
  {
    name: 'PSK with AES-128-CCM-8 (RFC 7925)',
    auth: 'psk',
    priority: 'NORMAL:+PSK:+AES-128-CCM-8',
    ours: { maxVersion: 'DTLSv1.2', ciphers: 'PSK-AES128-CCM8', allowCcm8: true, pskKeyExchangeModes: ['psk_ke'] },
    suite: /^tls_psk_with_aes_128_ccm_8$/,
  },
  {
    name: 'certificates (ECDHE_ECDSA)',
    auth: 'certificate',
    priority: 'NORMAL',
    ours: {},
    suite: /^tls_ecdhe_ecdsa_with_/,
  },
  {
    name: 'certificates with AES-128-CCM-8 (RFC 7925)',
    auth: 'certificate',
    priority: 'NORMAL:+AES-128-CCM-8',
    ours: { maxVersion: 'DTLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-CCM8', allowCcm8: true },
    suite: /^tls_ecdhe_ecdsa_with_aes_128_ccm_8$/,
  },
  {
    name: 'certificates both ways (client authentication)',
    auth: 'mutual',
    priority: 'NORMAL',
    ours: {},
    suite: /^tls_ecdhe_ecdsa_with_/,
  },
];

/** The next message a session receives. */
const nextMessage = (s: DtlsSession): Promise<string> =>
  new Promise((resolve) => (s.onmessage = (m) => resolve(m.toString())));

for (const c of CASES) {
  test.serial(`dtls13 connect → gnutls-serv --udp: ${c.name}`, async (t) => {
    requireCommand('gnutls-serv', 'gnutls-bin');
    const port = await freeUdpPort();
    const credentials =
      c.auth === 'psk'
        ? ['--pskpasswd', files.pskFile]
        : [
            '--x509certfile',
            files.server.certFile,
            '--x509keyfile',
            files.server.keyFile,
            ...(c.auth === 'mutual' ? ['--require-client-cert', '--x509cafile', files.client.caFile] : []),
          ];
    const server = new PeerProcess('gnutls-serv', [
      '--udp',
      '--echo',
      '-p',
      String(port),
      '--priority',
      c.priority,
      ...credentials,
    ]);
    try {
      await server.ready(/listening on IPv4/);
      const session = connect('127.0.0.1', port, {
        ...c.ours,
        ...(c.auth === 'psk'
          ? { psk: { identity: IOT_PSK.identity, key: pskKey } }
          : { ca: files.server.ca, servername: 'localhost' }),
        ...(c.auth === 'mutual' ? { cert: files.client.cert, key: files.client.key } : {}),
      });
      t.is((await session.opened).protocol, 'DTLSv1.2');
      t.regex(String(session.parameters?.cipherSuite), c.suite);
      const echoed = nextMessage(session);
      session.send('reading 21.5 C');
      t.is(await echoed, 'reading 21.5 C');
      await session.close();
    } finally {
      server.stop();
    }
  });

  test.serial(`gnutls-cli --udp → dtls13 listen: ${c.name}`, async (t) => {
    requireCommand('gnutls-cli', 'gnutls-bin');
    const received: string[] = [];
    const sessions: DtlsSession[] = [];
    const listener = listen(
      (s) => {
        sessions.push(s);
        s.onmessage = (m) => {
          received.push(m.toString());
          s.send(`ack ${m.toString()}`);
        };
      },
      {
        ...c.ours,
        host: '127.0.0.1',
        ...(c.auth === 'psk'
          ? { psk: { [IOT_PSK.identity]: pskKey } }
          : { cert: files.server.cert, key: files.server.key }),
        ...(c.auth === 'mutual' ? { requestCert: true, ca: files.client.ca } : {}),
      },
    );
    const { port } = await listener.listening;
    const credentials =
      c.auth === 'psk'
        ? ['--pskusername', IOT_PSK.identity, '--pskkey', IOT_PSK.keyHex]
        : [
            '--x509cafile',
            files.server.caFile,
            '--verify-hostname',
            'localhost',
            ...(c.auth === 'mutual'
              ? ['--x509certfile', files.client.certFile, '--x509keyfile', files.client.keyFile]
              : []),
          ];
    const client = new PeerProcess('gnutls-cli', [
      '--udp',
      '-p',
      String(port),
      '127.0.0.1',
      '--priority',
      c.priority,
      ...credentials,
    ]);
    try {
      await client.waitFor('- Description: (DTLS1.2');
      const s = sessions[0]!;
      await s.opened;
      t.is(s.protocol, 'DTLSv1.2');
      t.regex(String(s.parameters?.cipherSuite), c.suite);
      if (c.auth === 'mutual') t.true(s.authorized);
      if (c.gnutlsCliStalls) return;
      client.write('reading 22.0 C\n');
      await client.waitFor('ack reading 22.0 C');
      t.deepEqual(received, ['reading 22.0 C\n']);
    } finally {
      client.stop();
      await listener.close();
    }
  });
}
