import test from 'ava';
import { toHex } from '../../runtime/wire/bytes.js';
import { identity } from './sessions.js';
import {
  assertNssClientRun,
  assertNssServerRun,
  EXPORTER_LABEL,
  EXPORTER_LENGTH,
  holds,
  NSS_KEA_BITS,
  serveNssClient,
  talkToNssServer,
} from './nss.js';

/**
 * DTLS 1.3 with NSS 3.110 (tstclnt), both directions, where NSS can show
 * what wolfSSL's example programs cannot: HelloRetryRequests to the
 * X25519 + ML-KEM-768 hybrid (NSS's mlkem768x25519; wolfSSL 5.7.2 has no
 * ML-KEM), our ClientHello with its 1216-byte hybrid key share fragmented,
 * exporters with a context (tstclnt -x LABEL:LENGTH:CONTEXT), a server
 * certificate the client has no signature scheme for, and a peer limited
 * to DTLS 1.2 against an end limited to 1.3.
 */
const TO_NSS = 'dtls13 client → NSS server';
const FROM_NSS = 'NSS client → dtls13 server';
const MESSAGES = ['hello from NSS\n', `${'x'.repeat(1500)}\n`];
const OUR_MESSAGES = ['hello from dtls13\n', `${'y'.repeat(1500)}\n`];
const REPLY = 'reply from NSS\n';

/** A fatal alert (level 2) with `description`, in plaintext (content type 21) or as the tail of a datagram. */
const fatalAlert = (d: Uint8Array | undefined, description: number): boolean =>
  d !== undefined && d[0] === 21 && d.at(-2) === 2 && d.at(-1) === description;

// ---------------------------------------------------------------- HelloRetryRequest to the hybrid group

test(`${FROM_NSS}: HelloRetryRequest from X25519 to X25519MLKEM768 with our cookie (NSS shares x25519 first)`, async (t) => {
  const r = await serveNssClient(
    identity('p256'),
    { groups: ['x25519mlkem768'] },
    ['-I', 'x25519,mlkem768x25519'],
    MESSAGES,
  );
  const nss = assertNssClientRun(t, r, MESSAGES);
  t.like(r.handshakes[0], { group: 'x25519mlkem768', helloRetryRequest: true });
  t.is(nss.keaBits, NSS_KEA_BITS.x25519mlkem768);
  // The first ClientHello fits one datagram (an X25519 share); the second carries the 1216-byte hybrid share.
  t.true((r.captured.client[0]?.length ?? 0) < 400, `first ClientHello: ${r.captured.client[0]?.length} bytes`);
  t.true(r.captured.client.slice(1).reduce((n, d) => n + d.length, 0) > 1216);
});

test(`${TO_NSS}: HelloRetryRequest from x25519 to X25519MLKEM768 (a 1216-byte second key share)`, async (t) => {
  const r = await talkToNssServer(
    identity('p256'),
    ['-I', 'mlkem768x25519'],
    { groups: ['x25519', 'x25519mlkem768'] },
    OUR_MESSAGES,
    REPLY,
  );
  const nss = assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
  t.like(r.parameters, { group: 'x25519mlkem768', helloRetryRequest: true });
  t.is(nss.keaBits, NSS_KEA_BITS.x25519mlkem768);
  t.true((r.captured.client[0]?.length ?? 0) < 400, 'our first ClientHello: one X25519 share');
  const second = r.captured.client.slice(1).filter((d) => d[0] === 22);
  t.true(second.reduce((n, d) => n + d.length, 0) > 1216, 'our second ClientHello: the hybrid share');
});

test(`${TO_NSS}: our ClientHello with an X25519MLKEM768 share, fragmented into 300-byte datagrams (maxDatagramSize 300)`, async (t) => {
  // One short message: maxDatagramSize cuts handshake flights; a message goes out as one record whatever its size.
  const messages = ['hello from dtls13\n'];
  const r = await talkToNssServer(
    identity('p256'),
    ['-I', 'mlkem768x25519'],
    { groups: ['x25519mlkem768'], maxDatagramSize: 300 },
    messages,
    REPLY,
  );
  assertNssServerRun(t, r, messages, REPLY);
  t.like(r.parameters, { group: 'x25519mlkem768', helloRetryRequest: false });
  const sizes = r.captured.client.map((d) => d.length);
  t.true(Math.max(...sizes) <= 300, `our datagrams: ${sizes.join(' ')}`);
  // 1216 bytes of key share alone need at least five 300-byte datagrams.
  const hello = r.captured.client.filter((d) => d[0] === 22);
  t.true(hello.length >= 5, `our ClientHello in ${hello.length} datagrams`);
});

// ---------------------------------------------------------------- exporters with a context

const CONTEXT = 'interop context';
/** Both exporters for tstclnt -x: without a context (first; nssReport reads it) and with CONTEXT. */
const EXPORTERS = ['-x', `${EXPORTER_LABEL}:${EXPORTER_LENGTH},${EXPORTER_LABEL}:${EXPORTER_LENGTH}:${CONTEXT}`];

/** Every "Keying Material" tstclnt printed, hex, in the order of -x. */
function keyingMaterials(stdout: string): string[] {
  return [...stdout.matchAll(/Keying Material:\n((?:[ \t]+[0-9a-f:]+\n?)+)/g)].map((m) =>
    (m[1] ?? '').replace(/[\s:]/g, ''),
  );
}
/** tstclnt's stdout without its exporter blocks (they come last, after the data). */
const dataWithoutExporters = (stdout: string): string =>
  stdout.replace(/Exported Keying Material:\n(?:[ \t].*(?:\n|$))*/g, '');

test('keying material exporters with a context agree with NSS on both ends, both directions, and differ from the exports without one', async (t) => {
  const context = new TextEncoder().encode(CONTEXT);
  let oursWith: string | undefined;
  const s = await talkToNssServer(identity('p256'), EXPORTERS, {}, OUR_MESSAGES, REPLY, {
    beforeSend: (c) => (oursWith = toHex(c.connection.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL, context))),
  });
  t.is(s.error, undefined, s.stderr);
  t.is(s.code, 0, s.stderr);
  t.is(dataWithoutExporters(s.stdout), OUR_MESSAGES.join(''));
  const [nssWithout, nssWith] = keyingMaterials(s.stdout);
  t.is(nssWithout, s.exporter, 'without a context: equal');
  t.regex(oursWith ?? '', /^[0-9a-f]{64}$/);
  t.is(nssWith, oursWith, `${TO_NSS}: with a context, equal`);
  t.not(nssWith, nssWithout, 'the context changes the export');

  let theirsWith: string | undefined;
  const c = await serveNssClient(identity('p256'), {}, EXPORTERS, MESSAGES, {
    afterHandshake: (session) =>
      (theirsWith = toHex(session.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL, context))),
  });
  t.is(c.code, 0, c.stderr);
  const [clientWithout, clientWith] = keyingMaterials(c.stdout);
  t.is(clientWithout, c.exporter);
  t.is(clientWith, theirsWith, `${FROM_NSS}: with a context, equal`);
  t.not(clientWith, clientWithout);
  t.not(nssWith, clientWith, 'two connections, two exports');
});

// ---------------------------------------------------------------- a certificate the client cannot verify a signature of

// NSS 3.110 has no Ed25519 signature scheme for TLS: its signature_algorithms leave ed25519 out, and a server whose
// only certificate is Ed25519 has nothing to sign with (RFC 8446 §4.4.2.2) and must abort with handshake_failure.
test(`${FROM_NSS}: an Ed25519 certificate for a client that does not offer ed25519 fails with our handshake_failure`, async (t) => {
  const r = await serveNssClient(identity('ed25519'), {}, [], MESSAGES);
  t.not(r.code, 0, r.stderr);
  t.deepEqual(r.handshakes, []);
  t.deepEqual(r.received, []);
  t.true(
    r.captured.server.some((d) => fatalAlert(d, 40)),
    r.captured.server.map((d) => toHex(d)).join(' '),
  );
  // NSS reads a handshake_failure answering its ClientHello as "no cipher overlap" (lib/ssl/ssl3con.c, ssl3_HandleAlert).
  t.regex(r.stderr, /SSL_ERROR_NO_CYPHER_OVERLAP|SSL_ERROR_HANDSHAKE_FAILURE_ALERT/);
});

// ---------------------------------------------------------------- versions

test(`NSS limited to DTLS 1.2 (-V tls1.2:tls1.2) against a dtls13 end with minVersion 'DTLSv1.3': the handshake fails with protocol_version both ways`, async (t) => {
  const o = await talkToNssServer(
    identity('p256'),
    ['-V', 'tls1.2:tls1.2'],
    { minVersion: 'DTLSv1.3' },
    OUR_MESSAGES,
    REPLY,
  );
  t.regex(o.error ?? '', /protocol_version/, o.stderr);
  t.true(fatalAlert(o.captured.server.at(-1), 70), 'NSS sent protocol_version');
  t.not(o.code, 0);
  t.is(o.parameters, undefined);
  const s = await serveNssClient(identity('p256'), { minVersion: 'DTLSv1.3' }, ['-V', 'tls1.2:tls1.2'], MESSAGES);
  t.not(s.code, 0);
  t.regex(s.stderr, /SSL_ERROR_PROTOCOL_VERSION_ALERT/, s.stderr);
  t.deepEqual(s.handshakes, []);
  t.deepEqual(s.received, []);
  // (once for each of NSS's ClientHellos: it may have resent one before our alert came)
  t.true(s.captured.server.length >= 1);
  t.true(
    s.captured.server.every((d) => fatalAlert(d, 70)),
    'our only answer: protocol_version',
  );
  t.false(holds(s.captured.client[0] ?? new Uint8Array(), [0x00, 0x2b]), 'NSS offered no supported_versions');
});
