import test, { type ExecutionContext } from 'ava';
import { handshakeTypeToNumber, type AlertDescriptionName } from '../../generated/wire/enums.js';
import {
  decodeClientHello,
  decodeServerHello,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeEncryptedExtensions,
  encodeFinished,
  encodeNewSessionTicket,
  encodeServerHello,
  type EncryptedExtensionsExtension,
  type ServerHello,
} from '../../generated/wire/index.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import type { ConnectionOptions, DtlsConnection } from '../../runtime/connection/connection.js';
import { isDtls12 } from '../../runtime/dtls12/negotiated.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshakeFragment, plaintextRecord } from '../support/attacker.js';
import { handshake } from '../support/handshake.js';
import { injectHandshakeMessage } from '../support/inject.js';
import { polledEvents, transmitted } from '../support/poll.js';
import { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair, splitRecords, type Pair, type ServerOverrides } from '../support/stepper.js';

/**
 * The 1.3 client's handshake steps (runtime/dtls13/client-handshake.ts, RFC 8446 §4, RFC 9147 §5) between real
 * connections in memory (real crypto, certificates made here), and against a hostile server: records built here where
 * a refusal needs them (a ServerHello or HelloRetryRequest in the clear, as anyone on the path can send one; the
 * encrypted messages handed in as if from an authenticated epoch-2 or epoch-3 record, as a server holding the keys
 * sends them). Each refusal asserts the alert the client sent, its failure's alert and which check refused it (the
 * message); each test fails under the one-line mutation of client-handshake.ts its comment names.
 */

const serverId = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('p256', 'client.test');
const ticketKeys = new Uint8Array(32).fill(0x5c);
const only13: ConnectionOptions = { minVersion: 'DTLSv1.3' };

/**
 * `c` refused with `alert`, by the check `message` names: failed, its failure says so, and it sent that one alert (a
 * datagram out). `seen`: the events already taken from `c` (a Link's), else they are drained here.
 */
function refused(
  t: ExecutionContext,
  c: DtlsConnection,
  alert: AlertDescriptionName,
  message: RegExp,
  seen: readonly ConnectionEvent[] = polledEvents(c),
): void {
  t.is(c.state, 'failed');
  t.is(c.failure?.alert, alert);
  t.regex(c.failure?.message ?? '', message);
  const sent = seen.flatMap((e) => (e.type === 'alert' && e.sent ? [e.description] : []));
  t.deepEqual(sent, [alert]);
  t.true(seen.some((e) => e.type === 'closed' && e.reason === 'failed'));
}

/**
 * A 1.3-only client (`client` over the defaults) whose first ClientHello the server (`server`) answered: the answer's
 * records, one a datagram, none delivered yet (the first is the ServerHello or HelloRetryRequest, in the clear).
 */
function answered(
  client: ConnectionOptions = {},
  server: ServerOverrides = {},
  withClientId = false,
): { pair: Pair; records: Uint8Array[] } {
  const pair = makePair(serverId, {
    client: { ...only13, ...client },
    server,
    ...(withClientId ? { clientId } : {}),
  });
  pair.client.connect(0);
  for (const d of transmitted(pair.client)) pair.server.receive(d, 0);
  return { pair, records: transmitted(pair.server).flatMap(splitRecords) };
}

/** The ServerHello (or HelloRetryRequest) a plaintext record carries whole. */
function serverHelloIn(record: Uint8Array): ServerHello {
  const r = decodeDatagram(record)[0];
  if (r?.kind !== 'plaintext') throw new Error('not a plaintext record');
  return decodeServerHello(r.record.fragment.subarray(12));
}

/** `sh` in one plaintext record, as anyone on the path can send it. */
function inClear(sh: ServerHello, messageSeq = 0, sequenceNumber = 0): Uint8Array {
  const body = encodeServerHello(sh);
  const fragment = handshakeFragment({
    msgType: 'server_hello',
    length: body.length,
    messageSeq,
    fragmentOffset: 0,
    fragment: body,
  });
  return plaintextRecord('handshake', fragment, sequenceNumber);
}

/** `sh` with extension `type`'s data replaced by `data` (or the extension removed when `data` is undefined). */
function withExtension(sh: ServerHello, type: string, data: unknown): ServerHello {
  const kept = sh.extensions.filter((e) => e.extensionType !== type);
  const extensions = data === undefined ? kept : [...kept, { extensionType: type, extensionData: data }];
  return { ...sh, extensions } as ServerHello;
}

/** A server's first answer forged from the real one by `edit`, delivered to the client before the real one. */
function forgedAnswer(
  edit: (sh: ServerHello) => ServerHello,
  client: ConnectionOptions = {},
  server: ServerOverrides = {},
): DtlsConnection {
  const { pair, records } = answered(client, server);
  pair.client.receive(inClear(edit(serverHelloIn(records[0]!))), 0);
  return pair.client;
}

/** A client that took the real server's first `n` records (the ServerHello, then EncryptedExtensions, …). */
function after(n: number, client: ConnectionOptions = {}, server: ServerOverrides = {}, withClientId = false) {
  const { pair, records } = answered(client, server, withClientId);
  for (const r of records.slice(0, n)) pair.client.receive(r, 0);
  return pair.client;
}

/** A 1.3-only client (`client` over the defaults) and a server (`server`) after their handshake over a Link, however it ended. */
function ran(client: ConnectionOptions = {}, server: ServerOverrides = {}, withClientId = false): Link {
  return handshake(serverId, { client: { ...only13, ...client }, server, ...(withClientId ? { clientId } : {}) }).link;
}

const completed = (events: readonly ConnectionEvent[]) =>
  events.flatMap((e) => (e.type === 'handshakeComplete' && !isDtls12(e.parameters) ? [e.parameters] : []));

// ── ServerHello ────────────────────────────────────────────────────────────

test('a full handshake: the suite, group and signature the server chose are reported; no HelloRetryRequest', (t) => {
  // Mutation: `helloRetried: s.offer.retry !== undefined` → `helloRetried: true` fails this.
  const link = ran({ cipherSuites: ['tls_aes_256_gcm_sha384'], groups: ['secp256r1'] });
  t.is(link.client.state, 'connected');
  const [p] = completed(link.events.client);
  t.is(p?.cipherSuite, 'tls_aes_256_gcm_sha384');
  t.is(p?.group, 'secp256r1');
  t.is(p?.signatureAlgorithm, 'ecdsa_secp256r1_sha256');
  t.false(p?.helloRetryRequest);
  t.false(p?.resumed);
  t.deepEqual([...(p?.peerCertificate ?? [])], [...serverId.chain[0]!]);
});

test('a ServerHello with a cipher suite the client did not offer: illegal_parameter', (t) => {
  // Mutation: `const suite = offered.find((s) => s === sh.cipherSuite)` → `= sh.cipherSuite as SupportedCipherSuite` fails this.
  const c = forgedAnswer((sh) => ({ ...sh, cipherSuite: 'tls_aes_256_gcm_sha384' }), {
    cipherSuites: ['tls_aes_128_gcm_sha256'],
  });
  refused(t, c, 'illegal_parameter', /cipher suite tls_aes_256_gcm_sha384, which the client did not offer/);
});

test('a ServerHello whose key share is for a group the client sent no share for: illegal_parameter', (t) => {
  // Mutation: `if (!share || !own)` → `if (!share)` fails this (the derivation then throws internal_error).
  const c = forgedAnswer(
    (sh) =>
      withExtension(sh, 'key_share', { serverShare: { group: 'secp256r1', keyExchange: new Uint8Array(65).fill(4) } }),
    { groups: ['x25519', 'secp256r1'] },
  );
  refused(t, c, 'illegal_parameter', /key share is missing or not for a group the client sent/);
});

test('a ServerHello selecting DTLS 1.2 in supported_versions, or none: protocol_version', (t) => {
  // Mutation: `if (selectedVersion !== 'dtls1_3')` → `if (selectedVersion === 'dtls1_2')` fails the second case.
  refused(
    t,
    forgedAnswer((sh) => withExtension(sh, 'supported_versions', { selectedVersion: 'dtls1_2' })),
    'protocol_version',
    /did not select DTLS 1.3/,
  );
  refused(
    t,
    forgedAnswer((sh) => withExtension(sh, 'supported_versions', undefined)),
    'protocol_version',
    /did not select DTLS 1.3/,
  );
});

test('a ServerHello echoing a session id or naming a compression method: illegal_parameter', (t) => {
  // Mutations: `if (sh.legacySessionIdEcho.length !== 0)` → `> 1`, and `legacyCompressionMethod !== 0` → `> 1`, fail this.
  refused(
    t,
    forgedAnswer((sh) => ({ ...sh, legacySessionIdEcho: Uint8Array.of(7) })),
    'illegal_parameter',
    /legacy_session_id_echo/,
  );
  refused(
    t,
    forgedAnswer((sh) => ({ ...sh, legacyCompressionMethod: 1 })),
    'illegal_parameter',
    /legacy_compression_method/,
  );
});

test('a ServerHello with an extension the client did not offer there: unsupported_extension', (t) => {
  // Mutation: `checkServerHelloExtensions(sh.extensions, s.offer.psk !== undefined, …)` → `true` for the PSK flag fails this.
  refused(
    t,
    forgedAnswer((sh) => withExtension(sh, 'pre_shared_key', { selectedIdentity: 0 })),
    'unsupported_extension',
    /ServerHello carries pre_shared_key/,
  );
});

// ── HelloRetryRequest ──────────────────────────────────────────────────────

/** A client offering x25519 then secp256r1 (a share for x25519 only) to a server that takes secp256r1 only. */
const retryClient: ConnectionOptions = { groups: ['x25519', 'secp256r1'] };
const retryServer: ServerOverrides = { groups: ['secp256r1'] };

test('a HelloRetryRequest for another group: the second ClientHello carries it, and the handshake completes', (t) => {
  // Mutation: `keyShares = [c.parts.provider.generateKeyShare(group)]` → `[]` fails this.
  const link = ran(retryClient, retryServer);
  t.is(link.client.state, 'connected');
  const [p] = completed(link.events.client);
  t.true(p?.helloRetryRequest);
  t.is(p?.group, 'secp256r1');
});

test('a second HelloRetryRequest: unexpected_message', (t) => {
  // Mutation (client-handshake.ts's guard): `s.offer.retry === undefined` → `true` fails this (the second one is then taken, and answered with a third ClientHello).
  const { pair, records } = answered(retryClient, retryServer);
  const hrr = serverHelloIn(records[0]!);
  t.true(hrr.isHelloRetryRequest);
  pair.client.receive(records[0]!, 0);
  t.is(pair.client.state, 'waitServerHello');
  t.is(transmitted(pair.client).length, 1, 'the second ClientHello');
  pair.client.receive(inClear(withExtension(hrr, 'key_share', { selectedGroup: 'x25519' }), 1, 1), 0);
  refused(t, pair.client, 'unexpected_message', /the handshake chart answered with unexpected_message/);
});

test('a HelloRetryRequest naming the group the client already sent a share for, or one it never offered: illegal_parameter', (t) => {
  // Mutation: `if (group === undefined || s.offer.keyShares.some((k) => k.group === group))` → `if (group === undefined)` fails the first case.
  const hrr = (group: string) => (sh: ServerHello) => withExtension(sh, 'key_share', { selectedGroup: group });
  refused(
    t,
    forgedAnswer(hrr('x25519'), retryClient, retryServer),
    'illegal_parameter',
    /selects x25519: not offered, or already shared/,
  );
  refused(
    t,
    forgedAnswer(hrr('secp384r1'), retryClient, retryServer),
    'illegal_parameter',
    /selects secp384r1: not offered, or already shared/,
  );
});

test('a HelloRetryRequest that would change nothing (no group, no cookie): illegal_parameter', (t) => {
  // Mutation: `if (selected === undefined && cookie === undefined)` → `if (false)` fails this.
  const c = forgedAnswer((sh) => withExtension(sh, 'key_share', undefined), retryClient, retryServer);
  refused(t, c, 'illegal_parameter', /would change nothing/);
});

test('after a HelloRetryRequest, a ServerHello with another cipher suite: illegal_parameter', (t) => {
  // Mutation: `s.offer.retry?.suite` → `undefined` (the suite the HelloRetryRequest fixed) fails this.
  const client = { ...retryClient, cipherSuites: ['tls_aes_128_gcm_sha256', 'tls_aes_256_gcm_sha384'] as const };
  const { pair, records } = answered(client, retryServer);
  pair.client.receive(records[0]!, 0);
  for (const d of transmitted(pair.client)) pair.server.receive(d, 0);
  const second = transmitted(pair.server).flatMap(splitRecords);
  const sh = serverHelloIn(second[0]!);
  t.false(sh.isHelloRetryRequest);
  t.is(sh.cipherSuite, 'tls_aes_128_gcm_sha256');
  pair.client.receive(inClear({ ...sh, cipherSuite: 'tls_aes_256_gcm_sha384' }, 1, 1), 0);
  refused(t, pair.client, 'illegal_parameter', /changes the HelloRetryRequest cipher suite/);
});

// ── EncryptedExtensions ────────────────────────────────────────────────────

const ee = (...extensions: EncryptedExtensionsExtension[]) => encodeEncryptedExtensions({ extensions });
const alpn = (name: string): EncryptedExtensionsExtension => ({
  extensionType: 'application_layer_protocol_negotiation',
  extensionData: { protocolNameList: [{ name: new TextEncoder().encode(name) }] },
});

test('EncryptedExtensions answering ALPN or early data the client did not offer: unsupported_extension', (t) => {
  // Mutation: `c.parts.config.alpnOffer !== undefined` → `true` in the checkEncryptedExtensions call fails the first case;
  // `const offered = s.earlyData === 'offered'` → `= true` fails the second.
  const c = after(1);
  t.is(c.state, 'waitEncryptedExtensions');
  injectHandshakeMessage(c, handshakeTypeToNumber('encrypted_extensions'), ee(alpn('h2')), 2);
  refused(t, c, 'unsupported_extension', /EncryptedExtensions carries application_layer_protocol_negotiation/);
  const d = after(1);
  injectHandshakeMessage(
    d,
    handshakeTypeToNumber('encrypted_extensions'),
    ee({ extensionType: 'early_data', extensionData: {} } as never),
    2,
  );
  refused(t, d, 'unsupported_extension', /EncryptedExtensions carries early_data/);
});

test('EncryptedExtensions acknowledging server_name the client sent is taken; the offered ALPN answer is reported', (t) => {
  // Mutation: `const alpn = alpnAnswer && acceptedAlpn(…)` → `const alpn = undefined` fails this.
  const link = ran({ alpn: ['h2', 'coap'] }, { alpn: ['coap'] });
  t.is(link.client.state, 'connected');
  t.is(completed(link.events.client)[0]?.alpnProtocol, 'coap');
  const c = after(1);
  injectHandshakeMessage(
    c,
    handshakeTypeToNumber('encrypted_extensions'),
    ee({ extensionType: 'server_name', extensionData: {} } as never),
    2,
  );
  t.is(c.failure, undefined);
  t.is(c.state, 'waitCertificateOrCertificateRequest');
});

// ── Certificate, CertificateRequest, CertificateVerify, Finished ──────────

test('an empty server Certificate is decode_error; one with a request context is illegal_parameter', (t) => {
  // Mutations: `cert.certificateList.length === 0` → `< 0` fails the first; `certificateRequestContext.length !== 0` → `> 2` the second.
  const empty = after(2);
  t.is(empty.state, 'waitCertificateOrCertificateRequest');
  injectHandshakeMessage(
    empty,
    handshakeTypeToNumber('certificate'),
    encodeCertificate({ certificateRequestContext: new Uint8Array(0), certificateList: [] }),
    2,
  );
  refused(t, empty, 'decode_error', /empty Certificate/);
  const context = after(2);
  const entry = { certData: serverId.chain[0]!, extensions: [] };
  injectHandshakeMessage(
    context,
    handshakeTypeToNumber('certificate'),
    encodeCertificate({ certificateRequestContext: Uint8Array.of(1, 2), certificateList: [entry] } as never),
    2,
  );
  refused(t, context, 'illegal_parameter', /empty certificate_request_context/);
});

test('a CertificateVerify with a bad signature: decrypt_error', (t) => {
  // Mutation: `const signature = checkCertificateVerify(…)` → `const signature = event.payload.algorithm` fails this.
  const c = after(3);
  t.is(c.state, 'waitCertificateVerify');
  const cv = encodeCertificateVerify({ algorithm: 'ecdsa_secp256r1_sha256', signature: new Uint8Array(70).fill(0x30) });
  injectHandshakeMessage(c, handshakeTypeToNumber('certificate_verify'), cv, 2);
  refused(t, c, 'decrypt_error', /signature|CertificateVerify/i);
});

test('a Finished with the wrong verify_data: decrypt_error', (t) => {
  // Mutation: `checkFinished(s.keys.schedule, …)` → deleted (the line) fails this.
  const c = after(4);
  t.is(c.state, 'waitFinished');
  injectHandshakeMessage(
    c,
    handshakeTypeToNumber('finished'),
    encodeFinished({ verifyData: new Uint8Array(32).fill(1) }),
    2,
  );
  refused(t, c, 'decrypt_error', /Finished|verify_data/);
});

test('a CertificateRequest without signature_algorithms: missing_extension', (t) => {
  // Mutation: `if (!sigs)` → `if (false)` fails this (the filter then throws internal_error).
  const c = after(2);
  const cr = encodeCertificateRequest({
    certificateRequestContext: new Uint8Array(0),
    extensions: [
      { extensionType: 'signature_algorithms_cert', extensionData: { supportedSignatureAlgorithms: ['ed25519'] } },
    ],
  });
  injectHandshakeMessage(c, handshakeTypeToNumber('certificate_request'), cr, 2);
  refused(t, c, 'missing_extension', /without signature_algorithms/);
});

test('a server that requires a certificate the client lacks: the client answers with an empty one, the server refuses it', (t) => {
  // Mutation: `if (s.request !== undefined) c.confirmation.begin('handshake')` → `if (false) …` fails this (confirmed at once).
  const link = ran({}, { clientAuthentication: 'required', trustAnchors: [clientId.caDer] });
  t.false(
    link.events.client.some((e) => e.type === 'handshakeConfirmed'),
    'a server that asked may still refuse',
  );
  t.is(link.server.failure?.alert, 'certificate_required');
  t.true(link.events.server.some((e) => e.type === 'alert' && e.sent && e.description === 'certificate_required'));
  t.true(
    link.events.client.some((e) => e.type === 'alert' && !e.sent && e.description === 'certificate_required'),
    'the client was told why',
  );
  t.is(completed(link.events.client)[0]?.clientAuthenticated, false);
});

test('a server that asks (optional) for a certificate the client lacks: connected, unauthenticated; one it has: authenticated', (t) => {
  // Mutation: `const presents = … || c.parts.config.certificate !== undefined` → `|| false` fails the second case.
  const without = ran({}, { clientAuthentication: 'optional', trustAnchors: [clientId.caDer] });
  t.is(without.server.state, 'connected');
  t.is(completed(without.events.client)[0]?.clientAuthenticated, false);
  const withCert = ran({}, { clientAuthentication: 'optional', trustAnchors: [clientId.caDer] }, true);
  t.is(withCert.server.state, 'connected');
  t.is(completed(withCert.events.client)[0]?.clientAuthenticated, true);
  t.is(completed(withCert.events.server)[0]?.clientAuthenticated, true);
});

// ── PSK resumption and early data ──────────────────────────────────────────

/** A session ticket from a first handshake with a server of `ticketKeys` allowing `maxEarlyData`. */
function ticket(maxEarlyData = 0): Uint8Array {
  const { link } = handshake(serverId, { client: only13, server: { ticketKeys, maxEarlyData } });
  const e = link.events.client.find((x) => x.type === 'sessionTicket');
  if (e?.type !== 'sessionTicket') throw new Error('no ticket');
  return e.session;
}

test('PSK resumption accepted: resumed with psk_dhe_ke, no certificate exchanged', (t) => {
  // Mutation: `const psk = acceptedPsk(…)` → `const psk = undefined` fails this.
  const link = ran({ session: ticket() }, { ticketKeys });
  t.is(link.client.state, 'connected');
  const [p] = completed(link.events.client);
  t.true(p?.resumed);
  t.is(p?.pskMode, 'psk_dhe_ke');
  t.is(p?.peerCertificate, undefined);
});

test('PSK resumption refused by a server that cannot read the ticket: a full handshake', (t) => {
  // Mutation (the chart's guard): `pskAccepted: … s.keys.psk !== undefined` → `true` fails this.
  const link = ran({ session: ticket() }, { ticketKeys: new Uint8Array(32).fill(0x11) });
  t.is(link.client.state, 'connected');
  const [p] = completed(link.events.client);
  t.false(p?.resumed);
  t.deepEqual([...(p?.peerCertificate ?? [])], [...serverId.chain[0]!]);
});

test('a ServerHello selecting a PSK identity the client did not offer, or for a suite of another hash: illegal_parameter', (t) => {
  // Mutations: `if (!psk || selected !== 0)` → `if (!psk)` fails the first; `CIPHER_SUITES[suite].hash !== psk.hash` → `false` the second.
  const session = ticket();
  refused(
    t,
    forgedAnswer((sh) => withExtension(sh, 'pre_shared_key', { selectedIdentity: 1 }), { session }, { ticketKeys }),
    'illegal_parameter',
    /PSK identity 1, which the client did not offer/,
  );
  refused(
    t,
    forgedAnswer(
      (sh) => ({
        ...withExtension(sh, 'pre_shared_key', { selectedIdentity: 0 }),
        cipherSuite: 'tls_aes_256_gcm_sha384',
      }),
      { session },
      { ticketKeys },
    ),
    'illegal_parameter',
    /for a PSK whose hash is sha256/,
  );
});

test('a ServerHello choosing psk_ke, which the client did not offer: missing_extension', (t) => {
  // Mutation: `if (mode && !c.parts.config.pskModes.includes(mode))` → `if (false)` fails this (no share: illegal_parameter then).
  const c = forgedAnswer(
    (sh) => withExtension(withExtension(sh, 'pre_shared_key', { selectedIdentity: 0 }), 'key_share', undefined),
    { session: ticket() },
    { ticketKeys },
  );
  refused(t, c, 'missing_extension', /chose psk_ke, which the client did not offer/);
});

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('early data accepted: the client is told, and the server got it once', (t) => {
  // Mutation: `earlyData: offered ? (accepted ? 'accepted' : 'rejected') : …` → `'rejected'` fails this.
  const link = ran({ session: ticket(4096), earlyData: enc('early hello') }, { ticketKeys, maxEarlyData: 4096 });
  t.is(link.client.state, 'connected');
  const told = link.events.client.flatMap((e) => (e.type === 'earlyData' ? [e.accepted] : []));
  t.deepEqual(told, [true]);
  t.is(completed(link.events.client)[0]?.earlyData, 'accepted');
  const early = link.events.server.flatMap((e) =>
    e.type === 'data' && e.early ? [new TextDecoder().decode(e.data)] : [],
  );
  t.deepEqual(early, ['early hello']);
});

test('early data refused (the server takes the PSK but no early data): the client gets its data back to send again', (t) => {
  // Mutation: `if (s.earlyData !== 'not sent' && c.parts.config.earlyData)` → `if (false)` fails this.
  const link = ran({ session: ticket(4096), earlyData: enc('early hello') }, { ticketKeys, maxEarlyData: 0 });
  t.is(link.client.state, 'connected');
  const told = link.events.client.flatMap((e) => (e.type === 'earlyData' ? [{ ...e, data: [...e.data] }] : []));
  t.deepEqual(told, [{ type: 'earlyData', accepted: false, data: [...enc('early hello')] }]);
  t.is(completed(link.events.client)[0]?.earlyData, 'rejected');
  t.true(completed(link.events.client)[0]?.resumed);
  t.false(link.events.server.some((e) => e.type === 'data'));
});

test('early data refused by a HelloRetryRequest: the second ClientHello carries none, the data comes back', (t) => {
  // Mutation: `const earlyData = s.offer.earlyData === 'offered' ? 'rejected' : …` → `= s.offer.earlyData` fails this.
  const { pair, records } = answered(
    { session: ticket(4096), earlyData: enc('early hello'), ...retryClient },
    { ticketKeys, maxEarlyData: 4096, ...retryServer },
  );
  t.true(serverHelloIn(records[0]!).isHelloRetryRequest);
  pair.client.receive(records[0]!, 0);
  const datagrams = transmitted(pair.client);
  const second = datagrams.flatMap((d) => decodeDatagram(d));
  t.deepEqual(
    second.map((r) => r.kind),
    ['plaintext'],
    'the second ClientHello alone, no 0-RTT record after it',
  );
  const r = second[0]!;
  if (r.kind !== 'plaintext') throw new Error('not a plaintext record');
  const hello = decodeClientHello(r.record.fragment.subarray(12));
  t.false(
    hello.extensions.some((e) => e.extensionType === 'early_data'),
    'no early_data in the second ClientHello (RFC 8446 §4.2.10)',
  );
  for (const d of datagrams) pair.server.receive(d, 0);
  const link = new Link(pair.client, pair.server);
  link.run();
  t.is(link.client.state, 'connected');
  const events = link.events.client;
  const [p] = completed(events);
  t.true(p?.helloRetryRequest);
  t.is(p?.earlyData, 'rejected');
  t.deepEqual(
    events.flatMap((e) => (e.type === 'earlyData' ? [e.accepted] : [])),
    [false],
  );
  t.false(link.events.server.some((e) => e.type === 'data'));
});

test('EncryptedExtensions accepting early data the server refused the PSK for: illegal_parameter', (t) => {
  // Mutation: `if (accepted && s.keys.psk?.kind !== 'resumption')` → `if (false)` fails this.
  const c = after(
    1,
    { session: ticket(4096), earlyData: enc('early hello') },
    { ticketKeys: new Uint8Array(32).fill(0x11), maxEarlyData: 4096 },
  );
  t.is(c.state, 'waitEncryptedExtensions');
  injectHandshakeMessage(
    c,
    handshakeTypeToNumber('encrypted_extensions'),
    ee({ extensionType: 'early_data', extensionData: {} } as never),
    2,
  );
  refused(t, c, 'illegal_parameter', /early data accepted without the ticket/);
});

// ── NewSessionTicket ───────────────────────────────────────────────────────

const nst = (ticketLifetime: number) =>
  encodeNewSessionTicket({
    ticketLifetime,
    ticketAgeAdd: 1,
    ticketNonce: Uint8Array.of(1),
    ticket: Uint8Array.of(9, 9, 9),
    extensions: [],
  });

test('a NewSessionTicket of more than 7 days is illegal_parameter; one of 0 s is discarded; a valid one is handed over', (t) => {
  // Mutations: `nst.ticketLifetime > 604_800` → `> 604_801` fails the first; `=== 0) return s` → `=== -1)` the second.
  const long = ran({}, { tickets: 0 });
  injectHandshakeMessage(long.client, handshakeTypeToNumber('new_session_ticket'), nst(604_801), 3);
  refused(t, long.client, 'illegal_parameter', /above 7 days/);
  const zero = ran({}, { tickets: 0 });
  polledEvents(zero.client);
  injectHandshakeMessage(zero.client, handshakeTypeToNumber('new_session_ticket'), nst(0), 3);
  t.false(polledEvents(zero.client).some((e) => e.type === 'sessionTicket'));
  injectHandshakeMessage(zero.client, handshakeTypeToNumber('new_session_ticket'), nst(604_800), 3);
  const got = polledEvents(zero.client).flatMap((e) => (e.type === 'sessionTicket' ? [e.expiresAt] : []));
  t.is(got.length, 1);
  t.is(zero.client.failure, undefined);
});
