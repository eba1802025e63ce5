import test, { type ExecutionContext } from 'ava';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { DtlsConnectOptions, DtlsListenOptions } from '../../runtime/index.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import type { Handshake12Result } from '../../runtime/dtls12/handshake-result.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { decodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { freeUdpPort } from '../dtls12/openssl12.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { Reader } from '../../runtime/wire/reader.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { LossyProxy } from '../support/udp-relay.js';
import { Server12, type Ours } from './wolfssl12-server12.js';
import { cookieAskedFor } from '../support/cookieless.js';
import {
  longRsaChain,
  ourClient,
  ourServer,
  pemOf,
  runWolf,
  startWolfServer,
  wolfHandshakes,
  writePem,
  type OurSession,
  type WolfHandshake,
} from './wolfssl.js';

/**
 * DTLS 1.2 with wolfSSL 5.7.2's example programs (`-u -v 3`) over real UDP,
 * both directions, beyond the suite matrix (wolfssl12.test.ts): client
 * authentication, HelloVerifyRequest (wolfSSL's server always asks; ours
 * asks unless `cookies: false`), a 300-byte MTU on our side with 4 kB RSA
 * chains, close_notify answered, extended master secret required, and
 * resumption by session ticket and by session ID. Through connect/listen
 * with `maxVersion: 'DTLSv1.2'` (and the default range where our client
 * resumes), except where the public API cannot do it yet: listen keeps no
 * session cache by ID, so those cases drive DtlsConnection over UDP
 * (a small multi-peer server below). Each case checks what both
 * ends report.
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const clientId = makeIdentity('p256', 'client.test', { at: now });
const SUITE: Dtls12CipherSuite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
const FORCED = { maxVersion: 'DTLSv1.2' as const };
const TICKET_KEYS = new Uint8Array(32).fill(0x42);

/** wolfSSL's example server answers the first message with this, its client sends these. */
const WOLF_SERVER_REPLY = 'I hear you fa shizzle!';
const WOLF_CLIENT_MESSAGES = ['hello wolfssl!', 'resuming wolfssl!'];
const OUR_REPLY = 'reply from dtls13';

/** At most `n` cases at a time: each starts wolfSSL processes, and the machine is small. */
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

// ---- through connect / listen

interface Run {
  readonly ours: OurSession | undefined;
  readonly wolf: WolfHandshake[];
  readonly output: string;
  readonly code: number | null;
  /** The datagrams each way, when the run went through a relay. */
  readonly wire: { readonly client: Uint8Array[]; readonly server: Uint8Array[] };
}

/** A relay in front of `port` that passes everything and keeps a copy of each datagram. */
async function tap(port: number): Promise<{ proxy: LossyProxy; wire: Run['wire'] }> {
  const wire = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  const proxy = await LossyProxy.start(port, (from, _i, d) => (wire[from].push(Uint8Array.from(d)), 'pass'));
  return { proxy, wire };
}

/** Our client (connect, through a relay) against wolfSSL's example server (`-u -v 3 …serverArgs`): a message, wolfSSL's reply, close. */
async function againstWolfServer(
  serverId: Identity,
  serverArgs: readonly string[],
  options: DtlsConnectOptions,
): Promise<Run> {
  const pem = writePem(serverId);
  const { port, run } = await startWolfServer(pem, ['-v', '3', ...serverArgs]);
  const { proxy, wire } = await tap(port);
  try {
    const ours = await ourClient(
      proxy.port,
      { ca: pemOf(serverId).ca, servername: 'server.test', ciphers: SUITE.toUpperCase(), ...FORCED, ...options },
      'hello from dtls13',
      (r) => r.includes(WOLF_SERVER_REPLY),
    );
    if (ours.protocol === undefined) run.kill();
    const { code, output } = await run.done;
    return { ours, wolf: wolfHandshakes(output), output, code, wire };
  } finally {
    run.kill();
    proxy.close();
    pem.remove();
  }
}

/**
 * wolfSSL's example client (`-u -v 3 …clientArgs`) against our server
 * (listen), which answers with OUR_REPLY; through a relay unless `relay`
 * is false (the relay serves one client port, and `-r` connects twice).
 */
async function fromWolfClient(
  serverId: Identity,
  options: DtlsListenOptions,
  clientArgs: readonly string[],
  relay = true,
): Promise<Run & { readonly all: OurSession[] }> {
  const pem = writePem(serverId);
  const { cert, key } = pemOf(serverId);
  const server = await ourServer({ cert, key, ...FORCED, ...options }, () => OUR_REPLY);
  const tapped = relay ? await tap(server.port) : undefined;
  try {
    const port = tapped?.proxy.port ?? server.port;
    const { code, output } = await runWolf('client', ['-u', '-v', '3', '-p', String(port), '-A', pem.ca, ...clientArgs])
      .done;
    return {
      ours: server.sessions[0],
      all: server.sessions,
      wolf: wolfHandshakes(output),
      output,
      code,
      wire: tapped?.wire ?? { client: [], server: [] },
    };
  } finally {
    tapped?.proxy.close();
    await server.close();
    pem.remove();
  }
}

/** Both ends report DTLS 1.2 and `suite`, and wolfSSL exited cleanly. */
function agreed(t: ExecutionContext, r: Run, suite: Dtls12CipherSuite = SUITE): void {
  t.is(r.ours?.protocol, 'DTLSv1.2', `ours: ${r.ours?.error}; wolfSSL: ${r.output}`);
  t.is(r.ours?.suite, suite);
  t.is(r.wolf[0]?.version, 'DTLSv1.2', r.output);
  t.is(r.wolf[0]?.cipher, suite.toUpperCase(), r.output);
  t.is(r.code, 0, r.output);
}

/** The plaintext (epoch 0) handshake messages in datagrams, whole or first fragments: type, and a ClientHello's cookie length. */
function plainHandshakes(
  datagrams: readonly Uint8Array[],
): { readonly type: string; readonly cookie?: number | undefined }[] {
  const out: { type: string; cookie?: number | undefined }[] = [];
  for (const d of datagrams)
    for (const w of decodeDatagram12(d)) {
      if (w.kind !== 'record' || w.record.epoch !== 0 || w.record.type !== 'handshake') continue;
      const f = readDtlsHandshake(new Reader(w.record.fragment, 'handshake'));
      if (f.fragmentOffset !== 0) continue;
      const whole = f.fragment.length === f.length;
      const type = String(f.msgType);
      out.push(
        type === 'client_hello' && whole
          ? { type, cookie: decodeClientHello(f.fragment).legacyCookie.length }
          : { type },
      );
    }
  return out;
}

// ---- DtlsConnection over UDP: what listen does not offer in 1.2 yet (a session cache by ID)

/** wolfSSL's example client (`-u -v 3 …clientArgs`) against our server, to its end (`-r`: two connections). */
async function fromWolfClient12(
  serverId: Identity,
  /** The server connections' options, or a function making each connection's. */
  options: DtlsOptions | (() => DtlsOptions),
  clientArgs: readonly string[],
): Promise<{ ours: Ours[]; wolf: WolfHandshake[]; output: string; code: number | null }> {
  const pem = writePem(serverId);
  const server = await Server12.start(
    () =>
      DtlsConnection.server({
        maxVersion: 'DTLSv1.2',
        certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
        allowCcm8: true,
        ...(typeof options === 'function' ? options() : options),
      }),
    OUR_REPLY,
  );
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
    return { ours: server.results(), wolf: wolfHandshakes(output), output, code };
  } finally {
    await server.close();
    pem.remove();
  }
}

/** What our end of a DtlsConnection run negotiated, once its 1.2 handshake completed. */
const negotiated12 = (o: Ours | undefined): Handshake12Result | undefined => o && state12Of(o.connection).negotiated;

/** Both ends agree on DTLS 1.2 and SUITE (connection `index` of a DtlsConnection run). */
function agreed12(t: ExecutionContext, r: { ours: Ours[]; wolf: WolfHandshake[]; output: string }, index = 0): void {
  t.is(
    negotiated12(r.ours[index])?.version,
    'DTLSv1.2',
    `ours: ${JSON.stringify(r.ours[index]?.connection.failure)}; wolfSSL: ${r.output}`,
  );
  t.is(negotiated12(r.ours[index])?.cipherSuite, SUITE);
  t.is(r.wolf[index]?.version, 'DTLSv1.2', r.output);
  t.is(r.wolf[index]?.cipher, SUITE.toUpperCase(), r.output);
}

// ---- the cases

test('client authentication: dtls13 client (connect, cert/key) → wolfSSL server requiring a certificate (-A, -F); an unknown client CA refused', (t) =>
  slot(async () => {
    const ca = writePem(clientId);
    try {
      const { cert, key } = pemOf(clientId);
      const r = await againstWolfServer(ecdsa, ['-A', ca.ca, '-F'], { cert, key });
      agreed(t, r);
      t.true(r.ours?.parameters?.clientAuthenticated);
      t.deepEqual(r.ours?.parameters?.peerCertificate, ecdsa.chain[0], "wolfSSL's certificate");
      t.regex(r.output, /Client message: hello from dtls13/);
      // wolfSSL checks our certificate: one from a CA it was not given is refused.
      const stranger = pemOf(makeIdentity('p256', 'client.test', { at: now }));
      const refused = await againstWolfServer(ecdsa, ['-A', ca.ca, '-F'], { cert: stranger.cert, key: stranger.key });
      t.is(refused.ours?.protocol, undefined);
      t.regex(refused.ours?.error ?? '', /unknown_ca|bad_certificate/);
    } finally {
      ca.remove();
    }
  }));

test('client authentication: wolfSSL client with a certificate (-c, -k) → dtls13 server (listen, requestCert)', (t) =>
  slot(async () => {
    const ca = writePem(clientId);
    try {
      const r = await fromWolfClient(ecdsa, { requestCert: true, ca: pemOf(clientId).ca }, [
        '-c',
        ca.cert,
        '-k',
        ca.key,
      ]);
      agreed(t, r);
      t.true(r.ours?.parameters?.clientAuthenticated);
      t.deepEqual(r.ours?.parameters?.peerCertificateChain, clientId.chain, "wolfSSL's certificate, verified");
      t.deepEqual(r.ours?.data, [WOLF_CLIENT_MESSAGES[0]]);
      t.true(r.output.includes(OUR_REPLY));
      // Without a certificate it is refused (requestCert with rejectUnauthorized's default).
      const refused = await fromWolfClient(ecdsa, { requestCert: true, ca: pemOf(clientId).ca }, ['-x']);
      t.not(refused.code, 0, refused.output);
      t.regex(refused.output, /received alert fatal error/);
    } finally {
      ca.remove();
    }
  }));

test("HelloVerifyRequest both ways: our client answers the cookie of wolfSSL's server, wolfSSL's client answers ours", (t) =>
  slot(async () => {
    const a = await againstWolfServer(ecdsa, ['-d'], {});
    agreed(t, a);
    t.true(a.ours?.parameters?.helloRetryRequest, 'our client reports the cookie exchange');
    t.is(
      plainHandshakes(a.wire.server.slice(0, 1))[0]?.type,
      'hello_verify_request',
      "wolfSSL's first answer is a HelloVerifyRequest",
    );
    t.deepEqual(
      plainHandshakes(a.wire.client)
        .filter((h) => h.type === 'client_hello')
        .map((h) => (h.cookie ?? 0) > 0),
      [false, true],
      'our second ClientHello carries its cookie',
    );
    const b = await fromWolfClient(ecdsa, {}, ['-x']);
    agreed(t, b);
    t.true(b.ours?.parameters?.helloRetryRequest);
    t.is(plainHandshakes(b.wire.server.slice(0, 1))[0]?.type, 'hello_verify_request');
    t.deepEqual(
      plainHandshakes(b.wire.client)
        .filter((h) => h.type === 'client_hello')
        .map((h) => (h.cookie ?? 0) > 0),
      [false, true],
      "wolfSSL's second ClientHello carries our cookie",
    );
    // Without the cookie exchange (cookies: false) wolfSSL's ClientHello gets a HelloVerifyRequest only where our flight
    // would not fit three times it (RFC 9147 §5.1's limit, runtime/connection/cookieless-hello.ts); otherwise the flight
    // goes at once. Either way our first answer is within 3x the ClientHellos before it.
    const c = await fromWolfClient(ecdsa, { cookies: false }, ['-x']);
    agreed(t, c);
    const asked = cookieAskedFor(c.wire.client[0], ecdsa.chain);
    t.is(c.ours?.parameters?.helloRetryRequest, asked);
    t.is(plainHandshakes(c.wire.server.slice(0, 1))[0]?.type, asked ? 'hello_verify_request' : 'server_hello');
    const hellos = plainHandshakes(c.wire.client).filter((h) => h.type === 'client_hello');
    t.true(hellos.length >= 1 && hellos.every((h) => (h.cookie ?? 0) === 0) !== asked);
    const before = asked ? 1 : hellos.length;
    const helloBytes = c.wire.client.slice(0, before).reduce((n, d) => n + d.length, 0);
    t.true(c.wire.server[0]!.length <= 3 * helloBytes, 'our first answer is within 3x the ClientHellos before it');
  }));

const longChain = longRsaChain('server.test', now);
const longClientChain = longRsaChain('client.test', now);
const chainBytes = (id: Identity): number => id.chain.reduce((n, c) => n + c.length, 0);
const MTU = 300;

/** Every datagram each way fits MTU, and each side's flight with its chain took as many as it must. */
function fitted(
  t: ExecutionContext,
  wire: Run['wire'],
  chains: { readonly client: Identity; readonly server: Identity },
): void {
  for (const from of ['client', 'server'] as const) {
    const sizes = wire[from].map((d) => d.length);
    t.true(Math.max(...sizes) <= MTU, `${from} datagrams: ${JSON.stringify(sizes)}`);
    t.true(sizes.length >= Math.ceil(chainBytes(chains[from]) / MTU), `${from} datagrams: ${JSON.stringify(sizes)}`);
  }
}

test(`a ${MTU}-byte MTU on both ends (ours mtu, wolfSSL -u${MTU}): 4 kB RSA chains in fragments both ways, with client authentication`, (t) =>
  slot(async () => {
    t.true(
      chainBytes(longChain) > 4000 && chainBytes(longClientChain) > 4000,
      `chains of ${chainBytes(longChain)} and ${chainBytes(longClientChain)} bytes`,
    );
    const suite = 'tls_ecdhe_rsa_with_aes_128_gcm_sha256';
    const chains = { client: longClientChain, server: longChain };
    const ca = writePem(longClientChain);
    try {
      const { cert, key } = pemOf(longClientChain);
      const a = await againstWolfServer(longChain, [`-u${MTU}`, '-A', ca.ca, '-F'], {
        cert,
        key,
        mtu: MTU,
        ciphers: suite.toUpperCase(),
      });
      agreed(t, a, suite);
      t.true(a.ours?.parameters?.clientAuthenticated);
      t.deepEqual(a.ours?.parameters?.peerCertificateChain, longChain.chain, "wolfSSL's whole chain, reassembled");
      t.regex(a.output, /Client message: hello from dtls13/);
      fitted(t, a.wire, chains);
      const b = await fromWolfClient(longChain, { mtu: MTU, requestCert: true, ca: pemOf(longClientChain).ca }, [
        `-u${MTU}`,
        '-c',
        ca.cert,
        '-k',
        ca.key,
      ]);
      agreed(t, b, suite);
      t.deepEqual(
        b.ours?.parameters?.peerCertificateChain,
        longClientChain.chain,
        "wolfSSL's whole chain, reassembled",
      );
      t.true(b.output.includes(OUR_REPLY), b.output);
      fitted(t, b.wire, chains);
    } finally {
      ca.remove();
    }
  }));

test('close_notify answered both ways: wolfSSL waiting for a bidirectional shutdown (-w) sees ours', (t) =>
  slot(async () => {
    const a = await againstWolfServer(ecdsa, ['-d', '-w'], {});
    agreed(t, a);
    t.regex(a.output, /Bidirectional shutdown complete/);
    const b = await fromWolfClient(ecdsa, {}, ['-x', '-w']);
    agreed(t, b);
    t.regex(b.output, /Bidirectional shutdown complete/, 'our server answered its close_notify with ours');
  }));

test('extended master secret: wolfSSL client without it (-n) is refused (RFC 7627 §5.2), accepted by a DtlsConnection that does not require it', (t) =>
  slot(async () => {
    const refused = await fromWolfClient(ecdsa, {}, ['-x', '-n']);
    t.not(refused.code, 0);
    t.regex(refused.output, /received alert fatal error/);
    t.is(refused.ours?.protocol, undefined);
    t.regex(refused.ours?.error ?? '', /extended_master_secret/);
    const accepted = await fromWolfClient12(ecdsa, { requireExtendedMasterSecret: false }, ['-x', '-n']);
    t.is(accepted.code, 0, accepted.output);
    t.false(negotiated12(accepted.ours[0])?.extendedMasterSecret);
    t.true(accepted.output.includes(OUR_REPLY));
  }));

/** The handshake messages our end sent in the clear (a NewSessionTicket goes before ChangeCipherSpec). */
const sentTypes = (o: Ours | undefined): string[] => plainHandshakes(o?.sentData ?? []).map((h) => h.type);

test('resumption by ticket: wolfSSL client (-r) → dtls13 server (listen issues RFC 5077 tickets), the second connection resumes', (t) =>
  slot(async () => {
    const r = await fromWolfClient(ecdsa, { ticketKeys: TICKET_KEYS }, ['-x', '-r'], false);
    t.is(r.code, 0, r.output);
    t.regex(r.output, /Session Ticket CB: ticketSz = \d+/, 'wolfSSL kept our ticket');
    t.deepEqual(
      r.all.map((s) => [s.protocol, s.parameters?.resumed]),
      [
        ['DTLSv1.2', false],
        ['DTLSv1.2', true],
      ],
      r.output,
    );
    t.deepEqual(
      r.wolf.map((w) => w.reused),
      [false, true],
      r.output,
    );
    t.deepEqual(
      r.all.map((s) => s.data),
      WOLF_CLIENT_MESSAGES.map((m) => [m]),
    );
  }));

test('resumption by session ID: wolfSSL client (-r) → a DtlsConnection server with a session cache and no tickets', (t) =>
  slot(async () => {
    const r = await fromWolfClient12(ecdsa, { sessionCache12: new SessionCache12(), sessionTickets12: false }, [
      '-x',
      '-r',
    ]);
    t.is(r.code, 0, r.output);
    t.notRegex(r.output, /Session Ticket CB/, 'no ticket');
    t.deepEqual(
      r.ours.map((o) => state12Of(o.connection).negotiated?.resumed),
      [false, true],
      r.output,
    );
    t.deepEqual(
      r.wolf.map((w) => w.reused),
      [false, true],
      r.output,
    );
    agreed12(t, r, 1);
    t.deepEqual(
      r.ours.map((o) => o.text),
      WOLF_CLIENT_MESSAGES,
    );
  }));

// wolfSSL 5.7.2's client, having offered a ticket, takes any ServerHello as a resumption (src/internal.c DSH_CheckSessionId:
// true whenever it holds a ticket, whatever the session ID), so a server that cannot open the ticket and falls back to a full
// handshake (RFC 5077 §3.4, which the client must follow) gets "Out of order message" at its Certificate. Pinned: it fails if
// wolfSSL starts accepting the fallback (then this should expect a full handshake).
test("a ticket the server cannot open (another key): wolfSSL's client refuses the full-handshake fallback (-373), a wolfSSL deviation", (t) =>
  slot(async () => {
    let n = 0;
    // Each connection with a ticket key of its own, as two servers that share no keys.
    const r = await fromWolfClient12(ecdsa, () => ({ ticketKeys: new Uint8Array(32).fill(++n) }), ['-x', '-r']);
    t.deepEqual(
      r.ours.map((o) => state12Of(o.connection).negotiated?.resumed),
      [false, undefined],
    );
    t.deepEqual(
      sentTypes(r.ours[1]).slice(1, 3),
      ['server_hello', 'certificate'],
      'our server fell back to a full handshake',
    );
    t.regex(r.output, /resume error -373, Out of order message/);
  }));

/**
 * Our client (connect) against wolfSSL's example server twice, from one local port (the example server's socket stays
 * connected to it): the second connection passes the first one's `session.session` as `session`.
 */
async function resumingAgainstWolfServer(
  serverId: Identity,
  serverArgs: readonly string[],
  options: DtlsConnectOptions,
): Promise<{ ours: OurSession[]; wolf: WolfHandshake[]; output: string; code: number | null }> {
  const pem = writePem(serverId);
  const { port, run } = await startWolfServer(pem, ['-v', '3', ...serverArgs]);
  const localPort = await freeUdpPort();
  const results: OurSession[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const previous = results.at(-1)?.session.session;
      const o = await ourClient(
        port,
        {
          ca: pemOf(serverId).ca,
          servername: 'server.test',
          ciphers: SUITE.toUpperCase(),
          bindHost: '127.0.0.1',
          bindPort: localPort,
          ...options,
          ...(previous !== undefined ? { session: previous } : {}),
        },
        'hello from dtls13',
        (r) => r.includes(WOLF_SERVER_REPLY),
      );
      results.push(o);
      if (o.protocol === undefined) break;
    }
    if (results.length < 2) run.kill();
    const { code, output } = await run.done;
    return { ours: results, wolf: wolfHandshakes(output), output, code };
  } finally {
    run.kill();
    pem.remove();
  }
}

for (const by of ['ticket', 'session ID'] as const) {
  // The default range: a TLS 1.3 suite too (`ciphers` must name one when 1.3 is enabled); wolfSSL `-v 3` answers in 1.2.
  for (const range of [FORCED, { ciphers: `TLS_AES_128_GCM_SHA256:${SUITE.toUpperCase()}` }]) {
    const name = range === FORCED ? 'maxVersion DTLSv1.2' : 'the default range';
    test(`resumption by ${by}: dtls13 client (connect, ${name}) → wolfSSL server (-r${by === 'session ID' ? ' -T a' : ''}), the second connection resumes`, (t) =>
      slot(async () => {
        const r = await resumingAgainstWolfServer(
          ecdsa,
          ['-d', '-r', ...(by === 'session ID' ? ['-T', 'a'] : [])],
          range,
        );
        t.is(r.code, 0, r.output);
        const first = r.ours[0]?.session.session;
        t.truthy(first, `ours: ${r.ours[0]?.error}`);
        t.is(
          decodeSession12(first!).ticket !== undefined,
          by === 'ticket',
          'the session holds a ticket only when resuming by one',
        );
        t.deepEqual(
          r.ours.map((o) => o.parameters?.resumed),
          [false, true],
        );
        t.deepEqual(
          r.wolf.map((w) => w.reused),
          [false, true],
          r.output,
        );
        t.is(r.ours[1]?.protocol, 'DTLSv1.2', `ours: ${r.ours[1]?.error}; wolfSSL: ${r.output}`);
        t.is(r.ours[1]?.suite, SUITE);
        t.is(r.wolf[1]?.version, 'DTLSv1.2', r.output);
        t.is(r.wolf[1]?.cipher, SUITE.toUpperCase(), r.output);
        t.true(r.ours[1]?.data.join('').includes(WOLF_SERVER_REPLY));
      }));
  }
}

// ECDSA keys on P-384 and P-521. Ours sign with the scheme of their curve (ecdsa_secp384r1_sha384, ...), which wolfSSL
// takes. wolfSSL's sign with ECDSA and SHA-256 (0x0403, ecdsa_secp256r1_sha256): in TLS 1.2 that names only the hash
// (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10; the curve binding is TLS 1.3's, RFC 8446 §4.2.3), and our 1.2 end verifies it
// (runtime/dtls12/signing.ts verify12 through the provider's ecdsaVerify).
for (const kind of ['p384', 'p521'] as const) {
  const peerId = makeIdentity(kind, 'server.test', { at: now });
  const peerClient = makeIdentity(kind, 'client.test', { at: now });
  const groups = { groups: ['x25519', 'secp256r1', 'secp384r1', 'secp521r1'] as const };
  test(`a ${kind} ECDSA certificate of ours: wolfSSL's client verifies our ServerKeyExchange, its server our CertificateVerify`, (t) =>
    slot(async () => {
      const a = await fromWolfClient(peerId, {}, ['-x']);
      agreed(t, a);
      const ca = writePem(peerClient);
      try {
        const { cert, key } = pemOf(peerClient);
        const b = await againstWolfServer(ecdsa, ['-A', ca.ca, '-F'], { cert, key, ...groups });
        agreed(t, b);
        t.true(b.ours?.parameters?.clientAuthenticated);
      } finally {
        ca.remove();
      }
    }));
  test(`a ${kind} ECDSA certificate of wolfSSL's server (ServerKeyExchange signed ECDSA with SHA-256, as TLS 1.2 allows)`, (t) =>
    slot(async () => {
      const r = await againstWolfServer(peerId, ['-d'], groups);
      agreed(t, r);
    }));
  test(`a ${kind} ECDSA client certificate of wolfSSL's client (CertificateVerify signed ECDSA with SHA-256, as TLS 1.2 allows)`, (t) =>
    slot(async () => {
      const ca = writePem(peerClient);
      try {
        const r = await fromWolfClient(ecdsa, { requestCert: true, ca: pemOf(peerClient).ca }, [
          '-c',
          ca.cert,
          '-k',
          ca.key,
        ]);
        agreed(t, r);
        t.true(r.ours?.parameters?.clientAuthenticated);
      } finally {
        ca.remove();
      }
    }));
}
