import test from 'ava';
import {
  decodeClientHello,
  decodeDtlsHandshake,
  encodeClientHello,
  encodeDtlsHandshake,
  encodeDtlsPlaintext,
  encodeEncryptedExtensions,
  type ClientHello,
  type ClientHelloExtension,
} from '../../generated/wire/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { HelloRetryResponder } from '../../runtime/dtls13/hello-retry-responder.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, TEST_TIME, type Identity } from '../support/pki-fixtures.js';
import { makePair, reach } from '../support/stepper.js';
import { injectHandshakeMessage } from '../support/inject.js';

// Server Name Indication (RFC 6066 §3): the server's certificate chosen by the name the client asks for.

const a = makeIdentity('p256', 'a.test');
const b = makeIdentity('ed25519', 'b.test');
const fallback = makeIdentity('p256', 'other.test');
const wild = makeIdentity('p256', 'www.example.test');
const ADDRESS = '192.0.2.7:5000';
const creds = (id: Identity): { chain: readonly Uint8Array[]; privateKey: Uint8Array } => ({
  chain: id.chain,
  privateKey: id.privateKey,
});

/** A handshake whose client asks for `serverName` and trusts `trusted`; the server has only `sni` (and maybe `certificate`). */
function withSni(
  serverName: string,
  trusted: Identity,
  server: Record<string, unknown>,
  client: Record<string, unknown> = {},
): ReturnType<typeof handshake> {
  return handshake(a, {
    client: { serverName, trustAnchors: [trusted.caDer], ...client },
    server: { certificate: undefined, ...server },
  });
}

const serverParameters = (r: ReturnType<typeof handshake>): { servername: string | undefined } | undefined => {
  const e = r.link.events.server.find((x) => x.type === 'handshakeComplete');
  return e?.type === 'handshakeComplete' ? e.parameters : undefined;
};

test('a map picks the certificate by name; both sides report servername; case and a trailing dot do not matter', (t) => {
  const sni = new Map([
    ['a.test', creds(a)],
    ['B.Test', creds(b)],
    ['*', creds(fallback)],
  ]);
  const toA = withSni('a.test', a, { sni });
  t.deepEqual(toA.parameters?.peerCertificate, a.chain[0]);
  t.is(toA.parameters?.servername, 'a.test');
  t.is(serverParameters(toA)?.servername, 'a.test');
  const toB = withSni('b.TEST.', b, { sni });
  t.deepEqual(toB.parameters?.peerCertificate, b.chain[0]);
  t.is(toB.parameters?.signatureAlgorithm, 'ed25519'); // the schemes follow the chosen certificate's key
  t.is(serverParameters(toB)?.servername, 'b.test');
  const other = withSni('other.test', fallback, { sni });
  t.deepEqual(other.parameters?.peerCertificate, fallback.chain[0]);
  t.is(serverParameters(other)?.servername, 'other.test');
});

test('an object with a wildcard entry; a name nothing matches is unrecognized_name on both sides', (t) => {
  const sni = { 'a.test': creds(a), '*.example.test': creds(wild) };
  const toWild = withSni('www.example.test', wild, { sni });
  t.deepEqual(toWild.parameters?.peerCertificate, wild.chain[0]);
  const deeper = withSni('x.www.example.test', wild, { sni }); // a wildcard covers one label only
  t.is(deeper.link.server.failure?.alert, 'unrecognized_name');
  const none = withSni('c.test', a, { sni });
  t.is(none.parameters, undefined);
  t.is(none.link.server.failure?.alert, 'unrecognized_name');
  t.regex(none.link.server.failure?.message ?? '', /'c\.test'/);
  t.is(none.link.client.failure?.alert, 'unrecognized_name');
});

test('a function chooses: it sees the normalized name; undefined is unrecognized_name', (t) => {
  const seen: string[] = [];
  const sni = (name: string): ReturnType<typeof creds> | undefined => {
    seen.push(name);
    return name === 'a.test' ? creds(a) : undefined;
  };
  t.is(withSni('A.Test.', a, { sni }).parameters?.servername, 'a.test');
  t.is(withSni('z.test', a, { sni }).link.server.failure?.alert, 'unrecognized_name');
  t.deepEqual(seen, ['a.test', 'z.test']);
});

test('no name sent (an IP address is never sent): certificate, else the * entry, else missing_extension', (t) => {
  const ip = { checkServerIdentity: false };
  const withCertificate = withSni('127.0.0.1', a, { certificate: creds(a), sni: { 'b.test': creds(b) } }, ip);
  t.deepEqual(withCertificate.parameters?.peerCertificate, a.chain[0]);
  t.is(withCertificate.parameters?.servername, undefined);
  t.is(serverParameters(withCertificate)?.servername, undefined);
  const star = withSni('127.0.0.1', fallback, { sni: { 'b.test': creds(b), '*': creds(fallback) } }, ip);
  t.deepEqual(star.parameters?.peerCertificate, fallback.chain[0]);
  const neither = withSni('::1', b, { sni: { 'b.test': creds(b) } }, ip);
  t.is(neither.link.server.failure?.alert, 'missing_extension');
});

test('without sni the server still reports the name asked for, and presents its one certificate', (t) => {
  const r = handshake(a, { client: { serverName: 'a.test', trustAnchors: [a.caDer] } });
  t.is(r.parameters?.servername, 'a.test');
  t.is(serverParameters(r)?.servername, 'a.test');
});

test('sni entries are checked when the options are given: ConfigError naming the entry', (t) => {
  const server = (sni: unknown): DtlsConnection =>
    DtlsConnection.server({ sni: sni as Map<string, never>, wallClock: () => TEST_TIME });
  t.is(
    t.throws(() => server({ 'a.test': { chain: [], privateKey: a.privateKey } }), { instanceOf: ConfigError })?.option,
    "sni['a.test']",
  );
  const mismatch = t.throws(() => server(new Map([['b.test', { chain: b.chain, privateKey: a.privateKey }]])), {
    instanceOf: ConfigError,
  });
  t.is(mismatch?.option, "sni['b.test']");
  t.regex(mismatch?.message ?? '', /privateKey/);
  t.is(t.throws(() => server({ 'a.test': 'cert.pem' }), { instanceOf: ConfigError })?.option, "sni['a.test']");
  t.is(
    t.throws(() => server({ 'A.test': creds(a), 'a.test.': creds(a) }), { instanceOf: ConfigError })?.option,
    "sni['a.test.']",
  );
  t.is(t.throws(() => server({ 'bad name': creds(a) }), { instanceOf: ConfigError })?.option, "sni['bad name']");
  t.is(t.throws(() => server({ '10.0.0.1': creds(a) }), { instanceOf: ConfigError })?.option, "sni['10.0.0.1']");
  t.is(t.throws(() => server({}), { instanceOf: ConfigError })?.option, 'sni');
  t.is(t.throws(() => server(42), { instanceOf: ConfigError })?.option, 'sni');
  t.is(
    t.throws(() => DtlsConnection.client({ sni: { 'a.test': creds(a) }, serverName: 'a.test' }), {
      instanceOf: ConfigError,
    })?.option,
    'sni',
  );
  t.notThrows(() => server({ 'a.test': creds(a), '*': creds(fallback) }));
});

/** The client's first ClientHello, decoded. */
function firstClientHello(client: DtlsConnection): ClientHello {
  client.connect(0);
  const [record] = decodeDatagram(client.pollTransmit()!);
  if (record?.kind !== 'plaintext') throw new Error('no ClientHello');
  return decodeClientHello(decodeDtlsHandshake(record.record.fragment).fragment);
}

const withName = (ch: ClientHello, ...names: Uint8Array[]): ClientHello => ({
  ...ch,
  extensions: [
    ...ch.extensions.filter((e) => e.extensionType !== 'server_name'),
    {
      extensionType: 'server_name',
      extensionData: { serverNameList: names.map((hostName) => ({ nameType: 'host_name' as const, hostName })) },
    },
  ],
});

/** A ClientHello's bytes with `raw` appended as one more extension (type, length, body written by hand). */
function withRawExtension(ch: ClientHello, type: number, body: Uint8Array): Uint8Array {
  const full = encodeClientHello(ch);
  // legacy_version, random, legacy_session_id, legacy_cookie, cipher_suites, legacy_compression_methods, then extensions' length.
  const at =
    2 +
    32 +
    1 +
    ch.legacySessionId.length +
    1 +
    ch.legacyCookie.length +
    2 +
    2 * ch.cipherSuites.length +
    1 +
    ch.legacyCompressionMethods.length;
  const extensionsLength = full.length - at - 2 + 4 + body.length;
  const out = new Uint8Array(full.length + 4 + body.length);
  out.set(full);
  out.set([type >> 8, type & 0xff, body.length >> 8, body.length & 0xff], full.length);
  out.set(body, full.length + 4);
  out.set([extensionsLength >> 8, extensionsLength & 0xff], at);
  return out;
}

test('hostile server_name: two host names, non-ASCII bytes, an IP literal, a bad label, a malformed body', (t) => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const outcome = (body: Uint8Array): string | undefined => {
    const only13 = { minVersion: 'DTLSv1.3' } as const; // a 1.3 state from the start, to inject into
    const { server } = makePair(a, { server: { ...only13, sni: { 'a.test': creds(a) }, certificate: undefined } });
    injectHandshakeMessage(server, 1, body, 0);
    return server.failure?.alert ?? (server.pollTransmit() ? 'answered' : 'silent');
  };
  const { client } = makePair(a);
  const real = withName(firstClientHello(client), enc('a.test'));
  const without = { ...real, extensions: real.extensions.filter((e) => e.extensionType !== 'server_name') };
  t.is(outcome(encodeClientHello(real)), 'answered');
  t.is(outcome(encodeClientHello(withName(real, enc('a.test'), enc('b.test')))), 'illegal_parameter');
  t.is(outcome(encodeClientHello(withName(real, Uint8Array.of(0x61, 0xc3, 0xa9, 0x2e, 0x74)))), 'illegal_parameter');
  t.is(outcome(encodeClientHello(withName(real, enc('192.0.2.1')))), 'illegal_parameter');
  t.is(outcome(encodeClientHello(withName(real, enc('a..test')))), 'illegal_parameter');
  t.is(outcome(encodeClientHello(withName(real, enc('x'.repeat(64) + '.test')))), 'illegal_parameter');
  // The last name accepted is remembered (sni-selection.ts): the same text again, another spelling, then a bad one.
  t.is(outcome(encodeClientHello(real)), 'answered');
  t.is(outcome(encodeClientHello(real)), 'answered');
  t.is(outcome(encodeClientHello(withName(real, enc('A.Test.')))), 'answered');
  t.is(outcome(encodeClientHello(withName(real, enc('A.Test.'), enc('a.test')))), 'illegal_parameter');
  t.is(outcome(encodeClientHello(withName(real, enc('a..test')))), 'illegal_parameter');
  // server_name whose list length claims more than the body holds, and one whose name is empty.
  t.is(outcome(withRawExtension(without, 0, Uint8Array.of(0, 9, 0, 0, 1, 0x61))), 'decode_error');
  t.is(outcome(withRawExtension(without, 0, Uint8Array.of(0, 3, 0, 0, 0))), 'decode_error');
});

test('after a HelloRetryRequest the second ClientHello must ask for the same name (RFC 8446 §4.1.2)', (t) => {
  const second = (name: string): string => {
    const { server } = makePair(a, {
      server: {
        minVersion: 'DTLSv1.3', // a 1.3 state from the start, to inject into
        sni: { 'a.test': creds(a), 'b.test': creds(b) },
        groups: ['x25519'],
        certificate: undefined,
      },
    });
    const ch = firstClientHello(
      DtlsConnection.client({ serverName: 'a.test', groups: ['secp256r1', 'x25519'], checkServerIdentity: false }),
    );
    injectHandshakeMessage(server, 1, encodeClientHello(ch), 0);
    if (server.state !== 'waitSecondClientHello') return `no HelloRetryRequest (${server.state})`;
    const share: ClientHelloExtension = {
      extensionType: 'key_share',
      extensionData: { clientShares: [{ group: 'x25519', keyExchange: new Uint8Array(32).fill(9) }] },
    };
    const ch2 = withName(
      { ...ch, extensions: [...ch.extensions.filter((e) => e.extensionType !== 'key_share'), share] },
      new TextEncoder().encode(name),
    );
    injectHandshakeMessage(server, 1, encodeClientHello(ch2), 0);
    return server.failure?.alert ?? server.state;
  };
  t.not(second('a.test'), 'illegal_parameter');
  t.is(second('b.test'), 'illegal_parameter');
});

test('the stateless cookie exchange selects by name too: unrecognized_name before any state, and the chosen key sets the schemes', (t) => {
  const responder = new HelloRetryResponder({ sni: { 'b.test': creds(b) }, wallClock: () => TEST_TIME });
  const toB = firstClientHello(DtlsConnection.client({ serverName: 'b.test', checkServerIdentity: false }));
  const datagram = (ch: ClientHello): Uint8Array => {
    const { client } = makePair(a);
    client.connect(0);
    const bytes = client.pollTransmit()!;
    const [record] = decodeDatagram(bytes);
    if (record?.kind !== 'plaintext') throw new Error('no record');
    const body = encodeClientHello(ch);
    const h = new Uint8Array(12 + body.length);
    h.set(record.record.fragment.subarray(0, 12));
    h.set([(body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff], 1);
    h.set([(body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff], 9);
    h.set(body, 12);
    const header = bytes.subarray(0, 11);
    const out = new Uint8Array(13 + h.length);
    out.set(header);
    out.set([h.length >> 8, h.length & 0xff], 11);
    out.set(h, 13);
    return out;
  };
  const ok = responder.handle(datagram(toB), '192.0.2.7:5000', 0);
  t.is(ok.kind === 'reply' ? ok.what : ok.kind, 'hello-retry-request');
  const unknown = responder.handle(datagram(withName(toB, new TextEncoder().encode('c.test'))), '192.0.2.7:5000', 0);
  t.is(unknown.kind === 'reply' ? unknown.what : unknown.kind, 'unrecognized_name');
});

test("several certificates for a name: the one whose key and chain the client's signature lists fit (RFC 8446 §4.4.2.2)", (t) => {
  const ed = makeIdentity('ed25519', 'multi.test');
  const ec = makeIdentity('p256', 'multi.test');
  const anchors = { trustAnchors: [ed.caDer, ec.caDer] };
  const sni = { 'multi.test': [creds(ed), creds(ec)] };
  const first = handshake(a, {
    client: { serverName: 'multi.test', ...anchors },
    server: { certificate: undefined, sni },
  });
  t.deepEqual(first.parameters?.peerCertificate, ed.chain[0]);
  const ecdsaOnly = handshake(a, {
    client: { serverName: 'multi.test', ...anchors, signatureAlgorithms: ['ecdsa_secp256r1_sha256'] },
    server: { certificate: undefined, sni },
  });
  t.deepEqual(ecdsaOnly.parameters?.peerCertificate, ec.chain[0]);
  t.is(ecdsaOnly.parameters?.signatureAlgorithm, 'ecdsa_secp256r1_sha256');
  // Two P-256 leaves, one signed by an Ed25519 CA: signature_algorithms_cert picks the other.
  const edSigned = makeIdentity('p256', 'multi.test', { caKind: 'ed25519' });
  const both = { 'multi.test': [creds(edSigned), creds(ec)] };
  const anchors2 = { trustAnchors: [edSigned.caDer, ec.caDer] };
  const byCertList = handshake(a, {
    client: { serverName: 'multi.test', ...anchors2, signatureAlgorithmsCert: ['ecdsa_secp256r1_sha256'] },
    server: { certificate: undefined, sni: both },
  });
  t.deepEqual(byCertList.parameters?.peerCertificate, ec.chain[0], byCertList.link.client.failure?.message);
  const noCertList = handshake(a, {
    client: { serverName: 'multi.test', ...anchors2 },
    server: { certificate: undefined, sni: both },
  });
  t.deepEqual(noCertList.parameters?.peerCertificate, edSigned.chain[0]);
  const server = (sni: unknown): DtlsConnection =>
    DtlsConnection.server({ sni: sni as Map<string, never>, wallClock: () => TEST_TIME });
  t.is(t.throws(() => server({ 'x.test': [] }), { instanceOf: ConfigError })?.option, "sni['x.test']");
  t.is(
    t.throws(() => server({ 'x.test': [creds(a), { chain: [], privateKey: a.privateKey }] }), {
      instanceOf: ConfigError,
    })?.option,
    "sni['x.test'][1]",
  );
});

test('through the stateless cookie exchange too: the cookie carries the first name, and a second ClientHello asking for another is illegal_parameter', (t) => {
  const options = { sni: { 'a.test': creds(a), 'b.test': creds(b) }, wallClock: () => TEST_TIME };
  const second = (rename: string | undefined): string => {
    const responder = new HelloRetryResponder(options);
    const client = DtlsConnection.client({ serverName: 'a.test', trustAnchors: [a.caDer], wallClock: () => TEST_TIME });
    client.connect(0);
    const hrr = responder.handle(client.pollTransmit()!, ADDRESS, 0);
    if (hrr.kind !== 'reply' || hrr.what !== 'hello-retry-request') return `no HelloRetryRequest: ${hrr.kind}`;
    client.receive(hrr.datagram, 0);
    const [record] = decodeDatagram(client.pollTransmit()!);
    if (record?.kind !== 'plaintext') return 'no second ClientHello';
    const handshakeMessage = decodeDtlsHandshake(record.record.fragment);
    const ch2 = decodeClientHello(handshakeMessage.fragment);
    const sent = rename === undefined ? ch2 : withName(ch2, new TextEncoder().encode(rename));
    const body = encodeClientHello(sent);
    const fragment = encodeDtlsHandshake({
      msgType: 'client_hello',
      length: body.length,
      messageSeq: handshakeMessage.messageSeq,
      fragmentOffset: 0,
      fragment: body,
    });
    const datagram = encodeDtlsPlaintext({
      type: 'handshake',
      legacyRecordVersion: 'dtls1_2',
      epoch: 0,
      sequenceNumber: record.record.sequenceNumber,
      fragment,
    });
    const accepted = responder.handle(datagram, ADDRESS, 1);
    if (accepted.kind !== 'accept') return `not accepted: ${accepted.kind}`;
    const server = DtlsConnection.server({ ...options, statelessRetry: accepted.retry });
    server.receive(accepted.datagram, 1);
    return server.failure?.alert ?? server.state;
  };
  t.is(second(undefined), 'waitClientFinished');
  t.is(second('A.TEST.'), 'waitClientFinished'); // the same name, written differently
  t.is(second('b.test'), 'illegal_parameter');
});

test('a client acknowledged for a server_name it never sent (it connected to an IP address) refuses it: unsupported_extension', (t) => {
  const answer = (serverName: string): string => {
    const pair = reach(
      makePair(a, { client: { serverName, checkServerIdentity: false } }),
      'client',
      'waitEncryptedExtensions',
    );
    if (!pair) return 'never waited for EncryptedExtensions';
    injectHandshakeMessage(
      pair.client,
      8,
      encodeEncryptedExtensions({ extensions: [{ extensionType: 'server_name', extensionData: {} }] }),
      2,
    );
    return pair.client.failure?.alert ?? pair.client.state;
  };
  t.is(answer('a.test'), 'waitCertificateOrCertificateRequest');
  t.is(answer('192.0.2.1'), 'unsupported_extension');
});
