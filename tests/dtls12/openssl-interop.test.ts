import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { state12Of } from '../support/inside12.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from './openssl12.js';
import { Udp12, type AnyEvent } from './udp12.js';

/**
 * DTLS 1.2 interop over real UDP with Debian's OpenSSL 3.0 (`openssl
 * s_server -dtls1_2` / `s_client -dtls1_2`), both directions: every 1.2
 * suite both have, HelloVerifyRequest (OpenSSL's server always asks; ours
 * always asks), client authentication, resumption by session ID, and a
 * 300-byte MTU. Application data goes both ways in each.
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const rsa = makeIdentity('rsa2048', 'server.test', { at: now });
const clientId = makeIdentity('p256', 'client.test', { at: now });
const files = { ecdsa: identityFiles(ecdsa), rsa: identityFiles(rsa), client: identityFiles(clientId) };

const OPENSSL_NAMES: Readonly<Partial<Record<Dtls12CipherSuite, string>>> = {
  tls_ecdhe_ecdsa_with_aes_128_gcm_sha256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  tls_ecdhe_rsa_with_aes_128_gcm_sha256: 'ECDHE-RSA-AES128-GCM-SHA256',
  tls_ecdhe_ecdsa_with_aes_256_gcm_sha384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  tls_ecdhe_rsa_with_aes_256_gcm_sha384: 'ECDHE-RSA-AES256-GCM-SHA384',
  tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  tls_ecdhe_rsa_with_chacha20_poly1305_sha256: 'ECDHE-RSA-CHACHA20-POLY1305',
  tls_ecdhe_ecdsa_with_aes_128_ccm: 'ECDHE-ECDSA-AES128-CCM',
  tls_ecdhe_ecdsa_with_aes_128_ccm_8: 'ECDHE-ECDSA-AES128-CCM8',
};

const isComplete = (e: AnyEvent): boolean => e.type === 'handshakeComplete';

interface Run {
  readonly suite: Dtls12CipherSuite;
  readonly clientAuth?: boolean;
  readonly mtu?: number;
}

async function againstServer(
  run: Run,
  extra: DtlsOptions = {},
  serverArgs: readonly string[] = [],
): Promise<{ client: Udp12<DtlsConnection>; server: OpenSslPeer }> {
  const id = run.suite.includes('_rsa_') ? files.rsa : files.ecdsa;
  const port = await freeUdpPort();
  const server = new OpenSslPeer([
    's_server',
    '-dtls1_2',
    '-accept',
    String(port),
    '-cert',
    id.cert,
    '-key',
    id.key,
    '-cipher',
    OPENSSL_NAMES[run.suite]!,
    ...(run.clientAuth ? ['-Verify', '1', '-CAfile', files.client.ca] : []),
    ...(run.mtu ? ['-mtu', String(run.mtu)] : []),
    ...serverArgs,
  ]);
  await server.waitFor('ACCEPT');
  const conn = DtlsConnection.client({
    maxVersion: 'DTLSv1.2',
    trustAnchors: [run.suite.includes('_rsa_') ? rsa.caDer : ecdsa.caDer],
    serverName: 'server.test',
    cipherSuites12: [run.suite],
    allowCcm8: true,
    ...(run.clientAuth ? { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } } : {}),
    ...(run.mtu ? { maxDatagramSize: run.mtu } : {}),
    ...extra,
  });
  return { client: await Udp12.client(conn, port), server };
}

for (const [suite] of Object.entries(OPENSSL_NAMES) as [Dtls12CipherSuite, string][]) {
  test.serial(`dtls13 client -> openssl s_server -dtls1_2: ${suite}`, async (t) => {
    const { client, server } = await againstServer({ suite });
    try {
      await client.waitFor(isComplete, 15_000, 'handshake');
      t.is(state12Of(client.conn).negotiated?.cipherSuite, suite);
      t.true(state12Of(client.conn).negotiated?.helloVerifyRequest, "OpenSSL's server asked for a cookie");
      client.send(new TextEncoder().encode('hello from dtls13\n'));
      await server.waitFor('hello from dtls13');
      server.write('hello from openssl\n');
      await client.waitFor(() => client.text().includes('hello from openssl'), 10_000, 'data');
      t.pass();
    } finally {
      await client.close();
      server.stop();
    }
  });
}

async function fromClient(
  run: Run,
  options: DtlsOptions = {},
  clientArgs: readonly string[] = [],
): Promise<{ server: Udp12<DtlsConnection>; client: OpenSslPeer }> {
  const id = run.suite.includes('_rsa_') ? rsa : ecdsa;
  const conn = DtlsConnection.server({
    maxVersion: 'DTLSv1.2',
    certificate: { chain: id.chain, privateKey: id.privateKey },
    cipherSuites12: [run.suite],
    allowCcm8: true,
    ...(run.clientAuth ? { clientAuthentication: 'required' as const, trustAnchors: [clientId.caDer] } : {}),
    ...(run.mtu ? { maxDatagramSize: run.mtu } : {}),
    ...options,
  });
  const server = await Udp12.server(conn);
  const ca = run.suite.includes('_rsa_') ? files.rsa.ca : files.ecdsa.ca;
  const client = new OpenSslPeer([
    's_client',
    '-dtls1_2',
    '-connect',
    `127.0.0.1:${server.port}`,
    '-CAfile',
    ca,
    '-verify_return_error',
    '-servername',
    'server.test',
    '-cipher',
    OPENSSL_NAMES[run.suite]!,
    ...(run.clientAuth ? ['-cert', files.client.cert, '-key', files.client.key] : []),
    ...(run.mtu ? ['-mtu', String(run.mtu)] : []),
    ...clientArgs,
  ]);
  return { server, client };
}

async function exchange(
  t: import('ava').ExecutionContext,
  server: Udp12<DtlsConnection>,
  client: OpenSslPeer,
): Promise<void> {
  await client.waitFor('Verify return code: 0 (ok)');
  client.write('hello from openssl\n');
  await server.waitFor(() => server.text().includes('hello from openssl'), 10_000, 'data');
  server.send(new TextEncoder().encode('hello from dtls13\n'));
  await client.waitFor('hello from dtls13');
  t.pass();
}

for (const [suite] of Object.entries(OPENSSL_NAMES) as [Dtls12CipherSuite, string][]) {
  test.serial(`openssl s_client -dtls1_2 -> dtls13 server: ${suite}`, async (t) => {
    const { server, client } = await fromClient({ suite });
    try {
      await server.waitFor(isComplete, 15_000, 'handshake');
      t.is(state12Of(server.conn).negotiated?.cipherSuite, suite);
      t.true(state12Of(server.conn).negotiated?.helloVerifyRequest, 'our server asked OpenSSL for a cookie');
      await exchange(t, server, client);
    } finally {
      client.stop();
      await server.close();
    }
  });
}

test.serial(
  'client authentication both ways: dtls13 client to s_server -Verify, s_client -cert to a dtls13 server requiring it',
  async (t) => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const a = await againstServer({ suite, clientAuth: true });
    try {
      await a.client.waitFor(isComplete, 15_000, 'handshake');
      t.true(state12Of(a.client.conn).negotiated?.clientAuthenticated);
      a.client.send(new TextEncoder().encode('authenticated\n'));
      await a.server.waitFor('authenticated');
      t.regex(a.server.out + a.server.err, /client\.test/);
    } finally {
      await a.client.close();
      a.server.stop();
    }
    const b = await fromClient({ suite, clientAuth: true });
    try {
      await b.server.waitFor(isComplete, 15_000, 'handshake');
      t.true(state12Of(b.server.conn).negotiated?.clientAuthenticated);
      t.deepEqual(state12Of(b.server.conn).negotiated?.peerCertificateChain, clientId.chain);
      await exchange(t, b.server, b.client);
    } finally {
      b.client.stop();
      await b.server.close();
    }
  },
);

test.serial('resumption by session ID both ways', async (t) => {
  const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
  // dtls13 client resumes with s_server (its session cache).
  const first = await againstServer({ suite }, {}, ['-naccept', '2']);
  let session;
  const localPort = first.client.port;
  try {
    await first.client.waitFor(isComplete, 15_000, 'handshake');
    await first.client.waitFor((e) => e.type === 'sessionTicket', 5000, 'session');
    session = state12Of(first.client.conn).lastSession;
  } finally {
    await first.client.close();
  }
  t.truthy(session);
  await first.server.waitFor('DONE').catch(() => undefined);
  // s_server -naccept 2 takes a second client; its socket stays connected to the first one's address, so the same local port.
  const serverPort = first.server.child.spawnargs[first.server.child.spawnargs.indexOf('-accept') + 1]!;
  const conn = DtlsConnection.client({
    maxVersion: 'DTLSv1.2',
    trustAnchors: [ecdsa.caDer],
    serverName: 'server.test',
    cipherSuites12: [suite],
    session: encodeSession12(session!),
  });
  const second = await Udp12.client(conn, Number(serverPort), localPort);
  try {
    await second.waitFor(isComplete, 15_000, 'resumed handshake');
    // resumed: OpenSSL echoed the session ID and its Finished verified under the first handshake's master secret.
    t.true(state12Of(second.conn).negotiated?.resumed, 'OpenSSL resumed the session');
  } finally {
    await second.close();
    first.server.stop();
  }

  // s_client resumes with a dtls13 server: -sess_out, then -sess_in.
  const cache = new SessionCache12();
  const sess = `${files.ecdsa.dir}/session.pem`;
  const one = await fromClient({ suite }, { sessionCache12: cache }, ['-sess_out', sess, '-no_ticket']);
  try {
    await one.server.waitFor(isComplete, 15_000, 'handshake');
    await one.client.waitFor('Verify return code: 0 (ok)');
    t.is(cache.size, 1);
  } finally {
    one.client.write('Q\n');
    await new Promise((r) => setTimeout(r, 300));
    one.client.stop();
    await one.server.close();
  }
  const two = await fromClient({ suite }, { sessionCache12: cache }, ['-sess_in', sess, '-no_ticket']);
  try {
    await two.server.waitFor(isComplete, 15_000, 'resumed handshake');
    t.true(state12Of(two.server.conn).negotiated?.resumed, 'our server resumed the session');
    await two.client.waitFor('Reused, TLSv1.2');
  } finally {
    two.client.stop();
    await two.server.close();
  }
});

test.serial('a 300-byte MTU both ways: a 4 kB RSA chain in fragments', async (t) => {
  const suite = 'tls_ecdhe_rsa_with_aes_128_gcm_sha256';
  const a = await againstServer({ suite, mtu: 300 });
  try {
    await a.client.waitFor(isComplete, 15_000, 'handshake');
    a.client.send(new TextEncoder().encode('small mtu\n'));
    await a.server.waitFor('small mtu');
  } finally {
    await a.client.close();
    a.server.stop();
  }
  const b = await fromClient({ suite, mtu: 300 });
  try {
    await b.server.waitFor(isComplete, 15_000, 'handshake');
    await exchange(t, b.server, b.client);
  } finally {
    b.client.stop();
    await b.server.close();
  }
});
