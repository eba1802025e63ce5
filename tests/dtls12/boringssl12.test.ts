import test, { type ExecutionContext } from 'ava';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { DtlsConnectOptions, DtlsListenOptions } from '../../runtime/index.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { certificateDigest, connectedOf, dataOf, events, runPeer, startBoringServer } from '../interop/boringssl.js';
import { ourClient, ourServer, pemOf, writePem, type OurSession } from '../interop/wolfssl.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';

/**
 * The DTLS 1.2 suite matrix with BoringSSL (tests/interop/boringssl/peer.c,
 * `--max-version 1.2`) over real UDP, both directions, through the public
 * API (connect / listen): every 1.2 suite both implement, with our end
 * forced to 1.2 (`maxVersion: 'DTLSv1.2'`) and with the default range
 * (1.2..1.3, negotiating 1.2 with this 1.2-only peer); and the ECDHE
 * groups. Each case checks what both ends report (version, suite, group,
 * resumed, the peer's certificate, the RFC 5705 exporter) and data both
 * ways (BoringSSL's server echoes; ours does). Client authentication,
 * resumption, HelloVerifyRequest and a small MTU are in
 * boringssl12-features.test.ts.
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const rsa = makeIdentity('rsa2048', 'server.test', { at: now });
const serverFor = (suite: Dtls12CipherSuite): Identity => (suite.includes('_rsa_') ? rsa : ecdsa);
const MESSAGES = ['hello from BoringSSL', 'a second message'];
const OUR_MESSAGE = 'hello BoringSSL';

/** BoringSSL's names (SSL_CTX_set_strict_cipher_list) for the DTLS 1.2 suites both implement. */
const BORING_SUITES_12: Readonly<Partial<Record<Dtls12CipherSuite, string>>> = {
  tls_ecdhe_ecdsa_with_aes_128_gcm_sha256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  tls_ecdhe_ecdsa_with_aes_256_gcm_sha384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  tls_ecdhe_rsa_with_aes_128_gcm_sha256: 'ECDHE-RSA-AES128-GCM-SHA256',
  tls_ecdhe_rsa_with_aes_256_gcm_sha384: 'ECDHE-RSA-AES256-GCM-SHA384',
  tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  tls_ecdhe_rsa_with_chacha20_poly1305_sha256: 'ECDHE-RSA-CHACHA20-POLY1305',
};

/** What cannot run, by test name, with the reason (shown as skipped, as in tests/interop/not-run.ts). */
const NOT_RUN = new Map<string, string>();
for (const direction of ['dtls13 client → BoringSSL server', 'BoringSSL client → dtls13 server'])
  for (const suite of ['tls_ecdhe_ecdsa_with_aes_128_ccm', 'tls_ecdhe_ecdsa_with_aes_128_ccm_8'])
    NOT_RUN.set(`${direction}: ${suite}`, 'BoringSSL implements no AES-CCM suite (its DTLS 1.2 AEADs are AES-GCM and ChaCha20-Poly1305)');
for (const [name, reason] of NOT_RUN) test.skip(`${name} — not run: ${reason}`, () => {});

/** At most `n` cases at a time: each starts a BoringSSL process, and the machine is small. */
function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (f) => {
    while (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await f();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const slot = limiter(3);

interface Run {
  readonly ours: OurSession | undefined;
  readonly output: string;
  readonly code: number | null;
}

/** Our client (connect) against the BoringSSL server (`--max-version 1.2 …serverArgs`, echoing): a message, its echo, close. */
async function againstBoringServer(serverId: Identity, serverArgs: readonly string[], options: DtlsConnectOptions): Promise<Run> {
  const pem = writePem(serverId);
  const { port, run } = await startBoringServer(pem, ['--max-version', '1.2', ...serverArgs]);
  try {
    const ours = await ourClient(port, { ca: pemOf(serverId).ca, servername: 'server.test', ...options }, OUR_MESSAGE, (r) => r === OUR_MESSAGE);
    if (ours.protocol === undefined) run.kill();
    const { code, output } = await run.done;
    return { ours, output, code };
  } finally {
    run.kill();
    pem.remove();
  }
}

/** The BoringSSL client (`--max-version 1.2`, sending MESSAGES) against our echoing server (listen). */
async function fromBoringClient(serverId: Identity, options: DtlsListenOptions, clientArgs: readonly string[]): Promise<Run> {
  const pem = writePem(serverId);
  const { cert, key } = pemOf(serverId);
  const server = await ourServer({ cert, key, ...options }, (m) => m);
  try {
    const { code, output } = await runPeer('client', [
      '--port',
      String(server.port),
      '--ca',
      pem.ca,
      '--verify-host',
      'server.test',
      '--max-version',
      '1.2',
      ...MESSAGES.flatMap((m) => ['--send', m]),
      '--timeout-ms',
      '15000',
      ...clientArgs,
    ]).done;
    return { ours: server.sessions[0], output, code };
  } finally {
    await server.close();
    pem.remove();
  }
}

/** Both ends agree on DTLS 1.2, `suite` and the exporter; BoringSSL exited cleanly. Returns its connected line. */
function agreed(t: ExecutionContext, r: Run, suite: Dtls12CipherSuite): Readonly<Record<string, string>> {
  t.is(r.ours?.protocol, 'DTLSv1.2', `ours: ${r.ours?.error}; BoringSSL: ${r.output}`);
  t.is(r.ours?.suite, suite);
  const c = connectedOf(r.output);
  t.is(c.version, 'DTLSv1.2');
  t.is(c.cipher, suite.toUpperCase());
  t.regex(c.exporter ?? '', /^[0-9a-f]{64}$/);
  t.is(c.exporter, r.ours?.exporter, 'both ends export the same keying material');
  t.is(r.code, 0, r.output);
  return c;
}

/** Our end's version options: forced to 1.2, or the default range; `ciphers` names a 1.3 suite too with the latter (it must). */
const RANGES = {
  "maxVersion 'DTLSv1.2'": (suite: Dtls12CipherSuite) => ({ maxVersion: 'DTLSv1.2' as const, ciphers: suite.toUpperCase() }),
  'default range (1.2..1.3)': (suite: Dtls12CipherSuite) => ({ ciphers: `TLS_AES_128_GCM_SHA256:${suite.toUpperCase()}` }),
};

for (const [suite, name] of Object.entries(BORING_SUITES_12) as [Dtls12CipherSuite, string][]) {
  for (const [range, versionOptions] of Object.entries(RANGES)) {
    test(`dtls13 client → BoringSSL server: ${suite}, ${range}`, (t) =>
      slot(async () => {
        const r = await againstBoringServer(serverFor(suite), ['--ciphers', name], versionOptions(suite));
        const c = agreed(t, r, suite);
        t.like(c, { resumed: '0', peer_cert: '-' });
        t.deepEqual(r.ours?.parameters?.peerCertificate, serverFor(suite).chain[0], "BoringSSL's certificate");
        t.deepEqual(dataOf(r.output), [OUR_MESSAGE], 'BoringSSL received our message');
        t.deepEqual(r.ours?.data, [OUR_MESSAGE], 'and echoed it');
        t.is(events(r.output, 'closed')[0]?.fields.reason, 'close_notify', 'and saw our close_notify');
        t.false(r.ours?.parameters?.helloRetryRequest, "BoringSSL's server sends no HelloVerifyRequest");
      }));

    test(`BoringSSL client → dtls13 server: ${suite}, ${range}`, (t) =>
      slot(async () => {
        const r = await fromBoringClient(serverFor(suite), versionOptions(suite), ['--ciphers', name]);
        const c = agreed(t, r, suite);
        t.like(c, { resumed: '0', peer_cert: await certificateDigest(serverFor(suite).chain[0]!) });
        t.deepEqual(r.ours?.data, MESSAGES, 'our server received the messages');
        t.deepEqual(dataOf(r.output), MESSAGES, 'BoringSSL received the echoes');
        t.true(r.ours?.parameters?.helloRetryRequest, 'our server asked for a cookie (HelloVerifyRequest)');
      }));
  }
}

/** BoringSSL's names of the groups both have in DTLS 1.2 (X25519MLKEM768 is 1.3 only). */
const BORING_GROUPS_12: Readonly<Partial<Record<KeyExchangeGroup, string>>> = { x25519: 'X25519', secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

// In DTLS 1.2 supported_groups also names the curves an ECDSA certificate may use (RFC 8422 §5.1; BoringSSL's server
// refuses with WRONG_CURVE otherwise): so the client offers P-256 too (the certificate's), and the server picks `group`.
for (const [group, name] of Object.entries(BORING_GROUPS_12) as [KeyExchangeGroup, string][]) {
  const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
  const offered: KeyExchangeGroup[] = group === 'secp256r1' ? [group] : [group, 'secp256r1'];
  test(`dtls13 client → BoringSSL server: ECDHE over ${group}`, (t) =>
    slot(async () => {
      const r = await againstBoringServer(ecdsa, ['--groups', name, '--ciphers', BORING_SUITES_12[suite]!], { maxVersion: 'DTLSv1.2', groups: offered });
      t.is(agreed(t, r, suite).group, name);
      t.is(r.ours?.parameters?.group, group);
    }));
  test(`BoringSSL client → dtls13 server: ECDHE over ${group}`, (t) =>
    slot(async () => {
      const r = await fromBoringClient(ecdsa, { maxVersion: 'DTLSv1.2', groups: [group] }, [
        '--groups',
        offered.map((g) => BORING_GROUPS_12[g]).join(':'),
        '--ciphers',
        BORING_SUITES_12[suite]!,
      ]);
      t.is(agreed(t, r, suite).group, name);
      t.is(r.ours?.parameters?.group, group);
    }));
}

// RFC 8422 §5.1: an ECDHE_ECDSA suite may be chosen only when the client's supported_groups names the certificate's curve.
test('BoringSSL client offering only X25519 (--groups X25519): our P-256 ECDSA server refuses ECDHE_ECDSA with handshake_failure; an RSA server goes on', (t) =>
  slot(async () => {
    const refused = await fromBoringClient(ecdsa, { maxVersion: 'DTLSv1.2' }, ['--groups', 'X25519']);
    t.not(refused.code, 0);
    t.is(refused.ours?.protocol, undefined);
    t.regex(refused.ours?.error ?? '', /^handshake_failure: .*secp256r1/, 'our server names the curve the client did not offer');
    t.regex(refused.output, /alert: dir=read level=fatal desc=handshake_failure/, 'BoringSSL reads our handshake_failure');
    const suite = 'tls_ecdhe_rsa_with_aes_128_gcm_sha256';
    const r = await fromBoringClient(rsa, { maxVersion: 'DTLSv1.2' }, ['--groups', 'X25519', '--ciphers', BORING_SUITES_12[suite]!]);
    t.is(agreed(t, r, suite).group, 'X25519');
  }));
