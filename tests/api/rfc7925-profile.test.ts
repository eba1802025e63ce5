/**
 * `profile: 'rfc7925'` against GnuTLS set up as an RFC 7925 device: one that speaks only the CCM_8 suites
 * (TLS_PSK_WITH_AES_128_CCM_8, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8), as server and as client. Without the profile
 * dtls13 does not talk to it, and the failure names the option; with it, it does.
 */
import test from 'ava';
import { ConfigError, connect, listen, type DtlsSession } from '../../runtime/index.js';
import { freeUdpPort } from '../dtls12/openssl12.js';
import { IOT_PSK, iotMaterial, PeerProcess, requireCommand } from '../interop/iot-peers.js';
import { dtls13 } from '../cli/cli-process.js';

const files = iotMaterial();
test.after.always(() => files.remove());
const key = Buffer.from(IOT_PSK.keyHex, 'hex');
/** GnuTLS priorities of a device with the CCM_8 suites only. */
const DEVICE = {
  psk: 'NONE:+VERS-DTLS1.2:+PSK:+AES-128-CCM-8:+AEAD:+COMP-NULL:+SIGN-ALL:+GROUP-SECP256R1',
  certificate: 'NONE:+VERS-DTLS1.2:+ECDHE-ECDSA:+AES-128-CCM-8:+AEAD:+COMP-NULL:+SIGN-ALL:+GROUP-SECP256R1',
} as const;

for (const auth of ['psk', 'certificate'] as const) {
  test.serial(
    `client: a device server with CCM_8 only (${auth}) is reached with profile 'rfc7925' and not without`,
    async (t) => {
      requireCommand('gnutls-serv', 'gnutls-bin');
      const port = await freeUdpPort();
      const credentials =
        auth === 'psk'
          ? ['--pskpasswd', files.pskFile]
          : ['--x509certfile', files.server.certFile, '--x509keyfile', files.server.keyFile];
      const device = new PeerProcess('gnutls-serv', [
        '--udp',
        '--echo',
        '-p',
        String(port),
        '--priority',
        DEVICE[auth],
        ...credentials,
      ]);
      try {
        await device.ready(/listening on IPv4/);
        const options =
          auth === 'psk'
            ? { psk: { identity: IOT_PSK.identity, key } }
            : { ca: files.server.ca, servername: 'localhost' };
        const profiled = connect('127.0.0.1', port, { ...options, profile: 'rfc7925' });
        await profiled.opened;
        t.is(
          profiled.parameters?.cipherSuite,
          auth === 'psk' ? 'tls_psk_with_aes_128_ccm_8' : 'tls_ecdhe_ecdsa_with_aes_128_ccm_8',
        );
        const echoed = new Promise<string>((resolve) => (profiled.onmessage = (m) => resolve(m.toString())));
        profiled.send('reading 19.0 C');
        t.is(await echoed, 'reading 19.0 C');
        await profiled.close();
        // The same device again, from a client without the profile.
        // GnuTLS answers a ClientHello it shares no suite with by silence: the handshake times out.
        const plain = connect('127.0.0.1', port, { ...options, handshakeTimeout: 3_000 });
        await t.throwsAsync(plain.opened, { message: /handshake_failure|timeout/ });
      } finally {
        device.stop();
      }
    },
  );

  test.serial(
    `server: a device client with CCM_8 only (${auth}) is refused naming profile without it, and served with it`,
    async (t) => {
      requireCommand('gnutls-cli', 'gnutls-bin');
      const credentials =
        auth === 'psk'
          ? ['--pskusername', IOT_PSK.identity, '--pskkey', IOT_PSK.keyHex]
          : ['--x509cafile', files.server.caFile, '--verify-hostname', 'localhost'];
      const ours =
        auth === 'psk' ? { psk: { [IOT_PSK.identity]: key } } : { cert: files.server.cert, key: files.server.key };
      for (const profile of [undefined, 'rfc7925'] as const) {
        const errors: string[] = [];
        const sessions: DtlsSession[] = [];
        const listener = listen(
          (s) => {
            sessions.push(s);
            s.onerror = (e) => errors.push(e.message);
            s.onmessage = (m) => s.send(`ack ${m.toString()}`);
          },
          { host: '127.0.0.1', ...ours, ...(profile ? { profile } : {}) },
        );
        listener.onhandshakeerror = (e) => errors.push(e.message);
        const { port } = await listener.listening;
        const device = new PeerProcess('gnutls-cli', [
          '--udp',
          '-p',
          String(port),
          '127.0.0.1',
          '--priority',
          DEVICE[auth],
          ...credentials,
        ]);
        try {
          if (profile === undefined) {
            const named = (): boolean => errors.some((m) => /profile: 'rfc7925'/.test(m) && /ccm_8/.test(m));
            for (let i = 0; i < 200 && !named(); i++) await new Promise((r) => setTimeout(r, 50));
            t.true(named(), errors.join('; '));
            t.is(sessions.filter((s) => s.parameters !== undefined).length, 0);
          } else {
            await device.waitFor('- Description: (DTLS1.2');
            await sessions[0]!.opened;
            t.is(
              sessions[0]!.parameters?.cipherSuite,
              auth === 'psk' ? 'tls_psk_with_aes_128_ccm_8' : 'tls_ecdhe_ecdsa_with_aes_128_ccm_8',
            );
            device.write('reading 18.5 C\n');
            await device.waitFor('ack reading 18.5 C');
          }
        } finally {
          device.stop();
          await listener.close();
        }
      }
    },
  );
}

test('a bad profile is a ConfigError naming it', (t) => {
  const psk = { identity: 'a', key };
  t.is(
    t.throws(() => connect('127.0.0.1', 4433, { psk, profile: 'rfc9999' as 'rfc7925' }), { instanceOf: ConfigError })
      ?.option,
    'profile',
  );
  t.regex(
    t.throws(() => connect('127.0.0.1', 4433, { psk, profile: 'rfc7925', allowCcm8: false }), {
      instanceOf: ConfigError,
    })?.message ?? '',
    /allowCcm8/,
  );
  t.regex(
    t.throws(() => listen(() => {}, { psk: { a: key }, profile: 'rfc7925', groups: ['x25519'] }), {
      instanceOf: ConfigError,
    })?.message ?? '',
    /secp256r1/,
  );
});

test.serial('the CLI: dtls13 client --profile rfc7925 reaches the CCM_8-only device', async (t) => {
  requireCommand('gnutls-serv', 'gnutls-bin');
  const port = await freeUdpPort();
  const device = new PeerProcess('gnutls-serv', [
    '--udp',
    '--echo',
    '-p',
    String(port),
    '--priority',
    DEVICE.psk,
    '--pskpasswd',
    files.pskFile,
  ]);
  try {
    await device.ready(/listening on IPv4/);
    const args = [
      'client',
      '--connect',
      `127.0.0.1:${port}`,
      '--psk',
      IOT_PSK.keyHex,
      '--psk-identity',
      IOT_PSK.identity,
      '--message',
      'hi',
    ];
    const r = await dtls13([...args, '--profile', 'rfc7925']).done;
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /^connected: DTLSv1\.2 PSK-AES128-CCM8 no \(EC\)DHE psk psk_ke/m);
    const bad = await dtls13([...args, '--profile', 'iot']).done;
    t.is(bad.code, 2);
    t.regex(bad.stderr, /--profile: 'iot'/);
  } finally {
    device.stop();
  }
});
