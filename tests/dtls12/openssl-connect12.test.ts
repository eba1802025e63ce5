import test from 'ava';
import type { DtlsConnectOptions, DtlsListenOptions } from '../../runtime/index.js';
import { connect } from '../../runtime/index.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { OUR_EXPORTER, ourServer, pemOf, freePort, writePem, type OurSession } from '../interop/wolfssl.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { OpenSslPeer } from './openssl12.js';

/**
 * DTLS 1.2 through the public API (connect / listen) with Debian's OpenSSL
 * 3.0 (`openssl s_server -dtls1_2`, `s_client -dtls1_2`) over real UDP, both
 * directions: every 1.2 suite both have with the RFC 5705 exporter equal on
 * both ends (OpenSSL's `-keymatexport`, which exports without a context),
 * a 1,100-byte record each way with close_notify seen by each side
 * (OpenSSL's `-state` prints the alerts it reads), and RFC 8422 §5.1's rule
 * that an ECDHE_ECDSA suite needs the certificate's curve among the
 * client's groups (`s_client -groups X25519`). Our end runs its default
 * range (1.2..1.3) and negotiates 1.2 with these 1.2-only programs; the
 * suite matrix with `maxVersion: 'DTLSv1.2'` and with the default range is
 * also run with wolfSSL (tests/interop/wolfssl12.test.ts).
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const rsa = makeIdentity('rsa2048', 'server.test', { at: now });
const serverFor = (suite: Dtls12CipherSuite): Identity => (suite.includes('_rsa_') ? rsa : ecdsa);
const EXPORT = ['-keymatexport', OUR_EXPORTER.label, '-keymatexportlen', '32'];
const CLOSE_NOTIFY_READ = 'SSL3 alert read:warning:close notify';

/** OpenSSL's names for the DTLS 1.2 suites both implement. */
const OPENSSL_SUITES_12: Readonly<Partial<Record<Dtls12CipherSuite, string>>> = {
  tls_ecdhe_ecdsa_with_aes_128_gcm_sha256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  tls_ecdhe_ecdsa_with_aes_256_gcm_sha384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  tls_ecdhe_rsa_with_aes_128_gcm_sha256: 'ECDHE-RSA-AES128-GCM-SHA256',
  tls_ecdhe_rsa_with_aes_256_gcm_sha384: 'ECDHE-RSA-AES256-GCM-SHA384',
  tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  tls_ecdhe_rsa_with_chacha20_poly1305_sha256: 'ECDHE-RSA-CHACHA20-POLY1305',
  tls_ecdhe_ecdsa_with_aes_128_ccm: 'ECDHE-ECDSA-AES128-CCM',
  tls_ecdhe_ecdsa_with_aes_128_ccm_8: 'ECDHE-ECDSA-AES128-CCM8',
};

/** The exporter OpenSSL printed (`-keymatexport`: "Keying material: HEX"), lower case. */
function exporterOf(output: string): string | undefined {
  return /Keying material: ([0-9A-F]+)/.exec(output)?.[1]?.toLowerCase();
}

/** Our options for `suite`: the default range (a 1.3 suite must be named beside it), CCM_8 allowed. */
const rangeFor = (suite: Dtls12CipherSuite): { ciphers: string; allowCcm8: true } => ({
  ciphers: `TLS_AES_128_GCM_SHA256:${suite.toUpperCase()}`,
  allowCcm8: true,
});

/** Resolves once `p` settles or after `ms`. */
const bounded = (p: Promise<unknown>, ms: number): Promise<unknown> =>
  Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, ms))]);

interface ToServer {
  readonly protocol: string | undefined;
  readonly suite: string | undefined;
  readonly helloVerify: boolean | undefined;
  readonly exporter: string | undefined;
  readonly received: string;
  readonly output: string;
}

/**
 * Our client (connect) against `openssl s_server -dtls1_2 …serverArgs`:
 * sends `message`, which s_server prints; s_server sends `reply` (written
 * to its stdin), which we receive; we close, and s_server reads our
 * close_notify (its `-state` line says so).
 */
async function againstOpenSslServer(
  id: Identity,
  serverArgs: readonly string[],
  options: DtlsConnectOptions,
  message: string,
  reply: string,
): Promise<ToServer> {
  const pem = writePem(id);
  const port = await freePort();
  const server = new OpenSslPeer([
    's_server',
    '-dtls1_2',
    '-accept',
    String(port),
    '-cert',
    pem.cert,
    '-key',
    pem.key,
    '-state',
    ...EXPORT,
    ...serverArgs,
  ]);
  try {
    await server.waitFor('ACCEPT');
    const session = connect('127.0.0.1', port, {
      ca: pemOf(id).ca,
      servername: 'server.test',
      handshakeTimeout: 15_000,
      ...options,
    });
    let received = '';
    session.onmessage = (m) => (received += m.toString());
    await session.opened;
    const result = {
      protocol: session.protocol,
      suite: session.cipher?.standardName.toLowerCase(),
      helloVerify: session.parameters?.helloRetryRequest,
      exporter: session.exportKeyingMaterial(32, OUR_EXPORTER.label).toString('hex'),
    };
    session.send(message);
    await server.waitFor(message);
    server.write(reply);
    for (let i = 0; i < 1000 && received.length < reply.length; i++) await new Promise((r) => setTimeout(r, 10));
    await session.close();
    await server.waitFor(CLOSE_NOTIFY_READ).catch(() => undefined);
    return { ...result, received, output: server.out + server.err };
  } finally {
    server.stop();
    pem.remove();
  }
}

interface FromClient {
  readonly ours: OurSession | undefined;
  readonly code: number | null;
  readonly output: string;
}

/**
 * `openssl s_client -dtls1_2 …clientArgs` against our echoing server
 * (listen): once it printed its exporter it sends `message` (its stdin) and
 * reads the echo; then its stdin ends, and s_client closes with
 * close_notify. With `expectFailure`, only waits for s_client to exit.
 */
async function fromOpenSslClient(
  id: Identity,
  options: DtlsListenOptions,
  clientArgs: readonly string[],
  message: string,
  expectFailure = false,
): Promise<FromClient> {
  const pem = writePem(id);
  const { cert, key } = pemOf(id);
  const server = await ourServer({ cert, key, ...options }, (m) => m);
  const client = new OpenSslPeer([
    's_client',
    '-dtls1_2',
    '-connect',
    `127.0.0.1:${server.port}`,
    '-CAfile',
    pem.ca,
    '-verify_return_error',
    '-servername',
    'server.test',
    '-state',
    ...EXPORT,
    ...clientArgs,
  ]);
  // 'close', not 'exit': the output is read after it, and its last chunk can arrive after 'exit'.
  const exited = new Promise<number | null>((resolve) => client.child.once('close', (code) => resolve(code)));
  try {
    if (!expectFailure) {
      await client.waitFor(/Keying material: [0-9A-F]+/);
      client.write(message);
      await client.waitFor(message);
    }
    client.child.stdin.end();
    const code = await bounded(exited, 15_000).then(() => client.child.exitCode);
    await bounded(Promise.allSettled(server.sessions.map((s) => s.session.closed)), 3000);
    return { ours: server.sessions[0], code, output: client.out + client.err };
  } finally {
    client.stop();
    await server.close();
    pem.remove();
  }
}

for (const [suite, name] of Object.entries(OPENSSL_SUITES_12) as [Dtls12CipherSuite, string][]) {
  test.serial(
    `dtls13 client (connect, default range) → openssl s_server -dtls1_2: ${suite}, the exporter equal on both ends`,
    async (t) => {
      const r = await againstOpenSslServer(
        serverFor(suite),
        ['-cipher', name],
        rangeFor(suite),
        'hello from dtls13\n',
        'hello from openssl\n',
      );
      t.is(r.protocol, 'DTLSv1.2', r.output);
      t.is(r.suite, suite);
      t.true(r.helloVerify, "OpenSSL's server asked for a cookie (HelloVerifyRequest)");
      t.regex(r.exporter ?? '', /^[0-9a-f]{64}$/);
      t.is(exporterOf(r.output), r.exporter, 'both ends export the same keying material');
      t.is(r.received, 'hello from openssl\n');
    },
  );

  test.serial(
    `openssl s_client -dtls1_2 → dtls13 server (listen, default range): ${suite}, the exporter equal on both ends`,
    async (t) => {
      const r = await fromOpenSslClient(serverFor(suite), rangeFor(suite), ['-cipher', name], 'hello from openssl\n');
      t.is(r.ours?.protocol, 'DTLSv1.2', `ours: ${r.ours?.error}; OpenSSL: ${r.output}`);
      t.is(r.ours?.suite, suite);
      t.regex(r.output, new RegExp(`Cipher is ${name}`));
      t.true(r.ours?.parameters?.helloRetryRequest, 'our server asked for a cookie (HelloVerifyRequest)');
      t.regex(r.ours?.exporter ?? '', /^[0-9a-f]{64}$/);
      t.is(exporterOf(r.output), r.ours?.exporter, 'both ends export the same keying material');
      t.deepEqual(r.ours?.data, ['hello from openssl\n']);
      t.is(r.code, 0, r.output);
    },
  );
}

// RFC 8422 §5.1: an ECDHE_ECDSA suite may be chosen only when the client's supported_groups names the certificate's curve.
test.serial(
  'openssl s_client offering only X25519 (-groups X25519): our P-256 ECDSA server refuses ECDHE_ECDSA with handshake_failure; an RSA server goes on',
  async (t) => {
    const refused = await fromOpenSslClient(ecdsa, { maxVersion: 'DTLSv1.2' }, ['-groups', 'X25519'], '', true);
    t.not(refused.code, 0, refused.output);
    t.is(refused.ours?.protocol, undefined);
    t.regex(
      refused.ours?.error ?? '',
      /^handshake_failure: .*secp256r1/,
      'our server names the curve the client did not offer',
    );
    t.regex(refused.output, /SSL3 alert read:fatal:handshake failure/, 'OpenSSL reads our handshake_failure');
    const suite = 'tls_ecdhe_rsa_with_aes_128_gcm_sha256';
    const r = await fromOpenSslClient(
      rsa,
      { maxVersion: 'DTLSv1.2' },
      ['-groups', 'X25519', '-cipher', OPENSSL_SUITES_12[suite]!],
      'over x25519\n',
    );
    t.is(r.ours?.protocol, 'DTLSv1.2', `ours: ${r.ours?.error}; OpenSSL: ${r.output}`);
    t.is(r.ours?.suite, suite);
    t.is(r.ours?.parameters?.group, 'x25519');
    t.regex(r.output, /Server Temp Key: X25519/);
    t.is(r.code, 0, r.output);
  },
);

/** 1,100 letters: one record each way, larger than any message above. */
const BIG = Array.from({ length: 1100 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

test.serial(
  'a 1,100-byte record each way, the RFC 5705 exporter equal on both ends, and close_notify seen by each side (OpenSSL)',
  async (t) => {
    // Our client: s_server receives the big record, sends one back, and reads our close_notify.
    const a = await againstOpenSslServer(ecdsa, [], { maxVersion: 'DTLSv1.2' }, BIG, BIG.toUpperCase());
    t.is(a.protocol, 'DTLSv1.2', a.output);
    t.true(a.output.includes(BIG), 'OpenSSL received the record whole');
    t.is(a.received, BIG.toUpperCase(), 'and we received its record whole');
    t.is(exporterOf(a.output), a.exporter, 'both ends export the same keying material');
    t.true(a.output.includes(CLOSE_NOTIFY_READ), `OpenSSL read our close_notify: ${a.output}`);
    // s_client: our server echoes the big record; at the end of its stdin s_client closes with close_notify.
    const b = await fromOpenSslClient(ecdsa, { maxVersion: 'DTLSv1.2' }, [], BIG);
    t.is(b.ours?.protocol, 'DTLSv1.2', `ours: ${b.ours?.error}; OpenSSL: ${b.output}`);
    t.deepEqual(b.ours?.data, [BIG], 'our server received the record whole');
    t.is(b.output.split(BIG).length - 1, 1, 'OpenSSL got the echo (its input is not printed)');
    t.is(exporterOf(b.output), b.ours?.exporter, 'both ends export the same keying material');
    t.is(b.ours?.session.closeReason, 'close_notify', "OpenSSL's close_notify ended our session");
    t.regex(b.output, /SSL3 alert write:warning:close notify/);
    t.is(b.code, 0, b.output);
  },
);
