/**
 * The DTLS 1.2 server's plan for a ClientHello (runtime/dtls12/client-hello-plan.ts): a HelloVerifyRequest while the
 * cookie is missing or not this address's (RFC 6347 §4.2.1), the session a ClientHello may resume (only with
 * extended_master_secret, RFC 7627 §5.3; its suite still offered and configured; its name and grant this server's), and
 * the suite of a full handshake by server preference that the certificate's key can serve (RFC 8422 §5.1, §5.3),
 * with the reason named when there is none.
 */
import test from 'ava';
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/client-hello.js';
import { decodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import { grantFor } from '../../runtime/shared/ticket-grant.js';
import { chooseSuite12, clientHelloPlan12 } from '../../runtime/dtls12/client-hello-plan.js';
import { resolveConfig12, type Dtls12Options } from '../../runtime/dtls12/config.js';
import { cookieValid12 } from '../../runtime/dtls12/cookie.js';
import { SessionCache12, type Session12 } from '../../runtime/dtls12/session.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const NOW = Date.UTC(2026, 10, 27);
const p256 = makeIdentity('p256', 'localhost');
const rsa = makeIdentity('rsa2048', 'localhost');
const peer = '192.0.2.1:5684';
const EMS: ClientHelloExtension = { extensionType: 'extended_master_secret', extensionData: {} };
const groups = (...namedGroupList: ('secp256r1' | 'x25519' | 'secp384r1')[]): ClientHelloExtension => ({
  extensionType: 'supported_groups',
  extensionData: { namedGroupList },
});

function hello(
  cipherSuites: Dtls12CipherSuite[],
  extensions: ClientHelloExtension[] = [EMS],
  more: Partial<ClientHello> = {},
): ClientHello {
  return {
    legacyVersion: 'dtls1_2',
    random: new Uint8Array(32).fill(0x21),
    legacySessionId: new Uint8Array(0),
    legacyCookie: new Uint8Array(0),
    cipherSuites,
    legacyCompressionMethods: Uint8Array.of(0),
    extensions,
    ...more,
  };
}

const server = (o: Partial<Dtls12Options> = {}, id = p256) =>
  resolveConfig12('server', {
    certificate: { chain: id.chain, privateKey: id.privateKey },
    peer,
    helloVerify: false,
    ...o,
  });

test('no cookie: a HelloVerifyRequest, version DTLS 1.0, whose cookie this address can come back with', (t) => {
  const config = server({ helloVerify: true, cookieSecret: new Uint8Array(32).fill(1) });
  const first = hello(['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256']);
  const plan = clientHelloPlan12(config, first, NOW);
  if (plan.kind !== 'verify') return t.fail('no HelloVerifyRequest');
  const hvr = decodeHelloVerifyRequest(plan.reply);
  t.is(hvr.serverVersion, 'dtls1_0');
  const second = { ...first, legacyCookie: hvr.cookie };
  t.true(cookieValid12(config.base.provider, config.cookieSecret, peer, second));
  t.is(clientHelloPlan12(config, second, NOW).kind, 'answer');
  // The same cookie from another address (spoofed), or a forged one, is answered with a new HelloVerifyRequest.
  t.is(clientHelloPlan12({ ...config, peer: '192.0.2.2:5684' }, second, NOW).kind, 'verify');
  const forged = hvr.cookie.slice();
  forged[0] = (forged[0] ?? 0) ^ 1;
  t.is(clientHelloPlan12(config, { ...first, legacyCookie: forged }, NOW).kind, 'verify');
  // With helloVerify off, no cookie is asked for.
  t.is(clientHelloPlan12(server(), first, NOW).kind, 'answer');
});

test('suite: the server’s first preference the client offers and the key serves', (t) => {
  const config = server({
    cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_256_gcm_sha384', 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'],
  });
  const ch = hello(['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256', 'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384']);
  t.like(chooseSuite12(config, ch), { ok: true, suite: { name: 'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384' } });
  // An ECDSA key cannot serve ECDHE_RSA: nothing in common.
  t.deepEqual(chooseSuite12(server(), hello(['tls_ecdhe_rsa_with_aes_128_gcm_sha256'])), {
    ok: false,
    reason: 'no DTLS 1.2 cipher suite in common',
  });
  t.like(
    chooseSuite12(
      server({}, rsa),
      hello(['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256', 'tls_ecdhe_rsa_with_aes_128_gcm_sha256']),
    ),
    {
      ok: true,
      suite: { name: 'tls_ecdhe_rsa_with_aes_128_gcm_sha256' },
    },
  );
});

test('suite: ECDHE_ECDSA only when the client’s supported_groups names the certificate’s curve (RFC 8422 §5.1)', (t) => {
  const suites: Dtls12CipherSuite[] = ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'];
  const refused = chooseSuite12(server(), hello(suites, [EMS, groups('x25519', 'secp384r1')]));
  t.deepEqual(refused, {
    ok: false,
    reason: "the client's supported_groups does not name secp256r1, the curve of our ECDSA certificate (RFC 8422 §5.1)",
  });
  t.true(chooseSuite12(server(), hello(suites, [EMS, groups('x25519', 'secp256r1')])).ok);
  t.true(chooseSuite12(server(), hello(suites, [EMS])).ok, 'no supported_groups: any curve');
});

test('suite: a client offering only CCM_8 is told which option takes it; a PSK server takes a PSK suite', (t) => {
  const ccm8 = chooseSuite12(server(), hello(['tls_ecdhe_ecdsa_with_aes_128_ccm_8']));
  t.false(ccm8.ok);
  t.regex(ccm8.ok ? '' : ccm8.reason, /offers tls_ecdhe_ecdsa_with_aes_128_ccm_8 \(RFC 7925\).*profile: 'rfc7925'/);
  const pskServer = resolveConfig12('server', {
    psk: { device: new Uint8Array(16).fill(1) },
    peer,
    cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256'],
  });
  t.like(
    chooseSuite12(pskServer, hello(['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256', 'tls_psk_with_aes_128_gcm_sha256'])),
    {
      ok: true,
      suite: { name: 'tls_psk_with_aes_128_gcm_sha256' },
    },
  );
});

function cached(config: ReturnType<typeof server>, changes: Partial<Session12> = {}): Session12 {
  const session: Session12 = {
    id: new Uint8Array(32).fill(0x44),
    masterSecret: new Uint8Array(48).fill(0x55),
    suite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
    serverName: undefined,
    expiresAt: NOW + 60_000,
    grant: grantFor(config.base, undefined),
    ...changes,
  };
  config.sessionCache!.store(session);
  return session;
}

test('resumption by session ID: the cached session, with extended_master_secret and a suite both still take', (t) => {
  const config = server({ sessionCache12: new SessionCache12(8) });
  const session = cached(config);
  const ch = (suites: Dtls12CipherSuite[], extensions = [EMS]) =>
    hello(suites, extensions, { legacySessionId: session.id });
  const plan = clientHelloPlan12(config, ch(['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256']), NOW);
  if (plan.kind !== 'answer') return t.fail();
  t.is(plan.resumption?.session, session);
  t.is(plan.resumption?.fromTicket, undefined);
  t.deepEqual(plan.suite, { ok: false, reason: 'resumed' });
  const full = (p: ReturnType<typeof clientHelloPlan12>) => (p.kind === 'answer' ? p.resumption : 'verify');
  t.is(full(clientHelloPlan12(config, ch(['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'], []), NOW)), undefined, 'no EMS');
  t.is(
    full(clientHelloPlan12(config, ch(['tls_ecdhe_ecdsa_with_aes_256_gcm_sha384']), NOW)),
    undefined,
    'suite not offered',
  );
  const narrowed = { ...config, suites: ['tls_ecdhe_ecdsa_with_aes_256_gcm_sha384'] as Dtls12CipherSuite[] };
  t.is(
    full(
      clientHelloPlan12(
        narrowed,
        ch(['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256', 'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384']),
        NOW,
      ),
    ),
    undefined,
    'suite no longer configured',
  );
  t.is(
    full(clientHelloPlan12(config, ch(['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256']), session.expiresAt + 1)),
    undefined,
    'expired',
  );
});

test('resumption, hostile client: a guessed ID, another server name or another server’s grant resumes nothing', (t) => {
  const cache = new SessionCache12(8);
  const config = server({ sessionCache12: cache });
  const session = cached(config);
  const suites: Dtls12CipherSuite[] = ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'];
  const guessed = session.id.slice();
  guessed[31] = 0x45;
  const plan = (c: typeof config, ch: ClientHello) => {
    const p = clientHelloPlan12(c, ch, NOW);
    return p.kind === 'answer' ? p.resumption : undefined;
  };
  t.is(plan(config, hello(suites, [EMS], { legacySessionId: guessed })), undefined);
  const named: ClientHelloExtension = {
    extensionType: 'server_name',
    extensionData: { serverNameList: [{ nameType: 'host_name', hostName: new TextEncoder().encode('other.example') }] },
  };
  t.is(plan(config, hello(suites, [EMS, named], { legacySessionId: session.id })), undefined);
  const other = server({
    sessionCache12: cache,
    trustAnchors: [p256.caDer],
    clientAuthentication: 'optional',
  });
  t.is(plan(other, hello(suites, [EMS], { legacySessionId: session.id })), undefined);
  t.is(plan(config, hello(suites, [EMS], { legacySessionId: session.id }))?.session, session);
});
