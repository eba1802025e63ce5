import test, { type ExecutionContext } from 'ava';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { DtlsConnectOptions, DtlsListenOptions } from '../../runtime/index.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import {
  ourClient,
  ourServer,
  pemOf,
  runWolf,
  startWolfServer,
  WOLF_SUITES_12,
  wolfHandshakes,
  writePem,
  type OurSession,
  type WolfHandshake,
} from './wolfssl.js';

/**
 * The DTLS 1.2 suite matrix with wolfSSL 5.7.2's example programs (`-u -v
 * 3`: 1.2 only) over real UDP, both directions, through the public API
 * (connect / listen): every 1.2 suite both implement, each with our end
 * forced to 1.2 (`maxVersion: 'DTLSv1.2'`) and with the default range
 * (1.2..1.3, negotiating 1.2 with this 1.2-only peer); and the ECDHE groups.
 * Each case checks what both ends report (version, suite, group) and a
 * message each way. Client authentication, resumption, HelloVerifyRequest
 * and a small MTU are in wolfssl12-features.test.ts.
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const rsa = makeIdentity('rsa2048', 'server.test', { at: now });
const serverFor = (suite: Dtls12CipherSuite): Identity => (suite.includes('_rsa_') ? rsa : ecdsa);

/** wolfSSL's example server answers the first message with this; its client sends the first of these. */
const WOLF_SERVER_REPLY = 'I hear you fa shizzle!';
const WOLF_CLIENT_MESSAGE = 'hello wolfssl!';
const OUR_REPLY = 'reply from dtls13';

/** What neither side can run, by test name, with the reason (shown as skipped, as in not-run.ts). */
const NOT_RUN = new Map<string, string>();
for (const direction of ['dtls13 client → wolfSSL server', 'wolfSSL client → dtls13 server'])
  NOT_RUN.set(
    `${direction}: tls_ecdhe_ecdsa_with_aes_256_ccm_8`,
    'wolfSSL has ECDHE-ECDSA-AES256-CCM-8, dtls13 has no AES-256-CCM suite (no crypto provider implements AES-256-CCM)',
  );
for (const [name, reason] of NOT_RUN) test.skip(`${name} — not run: ${reason}`, () => {});

/** At most `n` cases at a time: each starts a wolfSSL process, and the machine is small. */
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
  readonly wolf: WolfHandshake[];
  readonly output: string;
  readonly code: number | null;
}

/** Our client (connect) against wolfSSL's example server (`-u -v 3 …serverArgs`): a message, wolfSSL's reply, close. */
async function againstWolfServer(
  serverId: Identity,
  serverArgs: readonly string[],
  options: DtlsConnectOptions,
): Promise<Run> {
  const pem = writePem(serverId);
  const { port, run } = await startWolfServer(pem, ['-v', '3', ...serverArgs]);
  try {
    const ours = await ourClient(
      port,
      { ca: pemOf(serverId).ca, servername: 'server.test', ...options },
      'hello from dtls13',
      (r) => r.includes(WOLF_SERVER_REPLY),
    );
    if (ours.protocol === undefined) run.kill();
    const { code, output } = await run.done;
    return { ours, wolf: wolfHandshakes(output), output, code };
  } finally {
    run.kill();
    pem.remove();
  }
}

/** wolfSSL's example client (`-u -v 3 …clientArgs`) against our server (listen), which answers with OUR_REPLY. */
async function fromWolfClient(
  serverId: Identity,
  options: DtlsListenOptions,
  clientArgs: readonly string[],
): Promise<Run> {
  const pem = writePem(serverId);
  const { cert, key } = pemOf(serverId);
  const server = await ourServer({ cert, key, ...options }, () => OUR_REPLY);
  try {
    const { code, output } = await runWolf('client', [
      '-u',
      '-v',
      '3',
      '-p',
      String(server.port),
      '-A',
      pem.ca,
      ...clientArgs,
    ]).done;
    return { ours: server.sessions[0], wolf: wolfHandshakes(output), output, code };
  } finally {
    await server.close();
    pem.remove();
  }
}

/** Both ends report DTLS 1.2 and `suite`; wolfSSL exited cleanly. */
function agreed(t: ExecutionContext, r: Run, suite: Dtls12CipherSuite): void {
  t.is(r.ours?.protocol, 'DTLSv1.2', `ours: ${r.ours?.error}; wolfSSL: ${r.output}`);
  t.is(r.ours?.suite, suite);
  t.is(r.ours?.parameters?.cipherSuite, suite);
  t.is(r.wolf[0]?.version, 'DTLSv1.2', r.output);
  t.is(r.wolf[0]?.cipher, suite.toUpperCase(), r.output);
  t.is(r.code, 0, r.output);
}

/** Our end's version options: forced to 1.2, or the default range; `ciphers` names a 1.3 suite too with the latter (it must). */
const RANGES = {
  "maxVersion 'DTLSv1.2'": (suite: Dtls12CipherSuite) => ({
    maxVersion: 'DTLSv1.2' as const,
    ciphers: suite.toUpperCase(),
    allowCcm8: true,
  }),
  'default range (1.2..1.3)': (suite: Dtls12CipherSuite) => ({
    ciphers: `TLS_AES_128_GCM_SHA256:${suite.toUpperCase()}`,
    allowCcm8: true,
  }),
};

for (const [suite, name] of Object.entries(WOLF_SUITES_12) as [Dtls12CipherSuite, string][]) {
  for (const [range, versionOptions] of Object.entries(RANGES)) {
    test(`dtls13 client → wolfSSL server: ${suite}, ${range}`, (t) =>
      slot(async () => {
        const r = await againstWolfServer(serverFor(suite), ['-d', '-l', name], versionOptions(suite));
        agreed(t, r, suite);
        t.true(r.ours?.data.join('').includes(WOLF_SERVER_REPLY), 'wolfSSL answered our message');
        t.regex(r.output, /Client message: hello from dtls13/, 'wolfSSL received our message');
        t.true(r.ours?.parameters?.helloRetryRequest, "wolfSSL's server asked for a cookie (HelloVerifyRequest)");
        t.deepEqual(r.ours?.parameters?.peerCertificate, serverFor(suite).chain[0], "wolfSSL's certificate");
      }));

    test(`wolfSSL client → dtls13 server: ${suite}, ${range}`, (t) =>
      slot(async () => {
        const r = await fromWolfClient(serverFor(suite), versionOptions(suite), ['-x', '-l', name]);
        agreed(t, r, suite);
        t.deepEqual(r.ours?.data, [WOLF_CLIENT_MESSAGE], 'our server received the message');
        t.true(r.output.includes(OUR_REPLY), 'wolfSSL received our reply');
        t.true(r.ours?.parameters?.helloRetryRequest, 'our server asked for a cookie (HelloVerifyRequest)');
      }));
  }
}

/** wolfSSL's names of the groups both have, as its programs print them. */
const WOLF_CURVES: Readonly<Partial<Record<KeyExchangeGroup, string>>> = {
  x25519: 'X25519',
  secp256r1: 'SECP256R1',
  secp384r1: 'SECP384R1',
  secp521r1: 'SECP521R1',
};

for (const [group, curve] of Object.entries(WOLF_CURVES) as [KeyExchangeGroup, string][]) {
  const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
  const options = { maxVersion: 'DTLSv1.2' as const, groups: [group] };
  test(`dtls13 client → wolfSSL server: ECDHE over ${group}`, (t) =>
    slot(async () => {
      const r = await againstWolfServer(ecdsa, ['-d', '-l', WOLF_SUITES_12[suite]], options);
      agreed(t, r, suite);
      t.is(r.ours?.parameters?.group, group);
      t.is(r.wolf[0]?.curve, curve, r.output);
      t.true(r.ours?.data.join('').includes(WOLF_SERVER_REPLY));
    }));
  test(`wolfSSL client → dtls13 server: ECDHE over ${group}`, (t) =>
    slot(async () => {
      const r = await fromWolfClient(ecdsa, options, ['-x', '-l', WOLF_SUITES_12[suite]]);
      agreed(t, r, suite);
      t.is(r.ours?.parameters?.group, group);
      t.is(r.wolf[0]?.curve, curve, r.output);
      t.true(r.output.includes(OUR_REPLY), r.output);
    }));
}
