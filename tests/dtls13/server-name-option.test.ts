import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { connect } from '../../runtime/api/connect.js';
import { createCertificate, generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import { resolveServerName } from '../../runtime/pki/server-name.js';
import { handshake } from '../support/handshake.js';
import { TEST_TIME, type Identity } from '../support/pki-fixtures.js';

// The client's serverName (RFC 6066 §3, RFC 9525 §6): an internationalized name goes out and is checked in
// A-labels, an IP address literal (brackets and all) is checked as an address and never sent as server_name, and
// anything that is neither is a ConfigError at configuration, naming the option.

const YEAR = 365 * 24 * 3600 * 1000;

/** A CA and a leaf for the given subjectAltNames. */
function identityFor(names: { dnsNames?: readonly string[]; ipAddresses?: readonly string[] }): Identity {
  const ca = generateKeyPair('p256');
  const caCert = createCertificate({
    subjectCommonName: 'server-name test CA',
    subjectPublicKey: ca.publicKey,
    issuer: { selfSigned: true, privateKey: ca.privateKey },
    notBefore: new Date(TEST_TIME - YEAR),
    notAfter: new Date(TEST_TIME + YEAR),
    isCa: true,
  });
  const leaf = generateKeyPair('p256');
  const leafCert = createCertificate({
    subjectCommonName: 'server',
    subjectPublicKey: leaf.publicKey,
    issuer: { certificateDer: caCert.der, privateKey: ca.privateKey },
    notBefore: new Date(TEST_TIME - YEAR),
    notAfter: new Date(TEST_TIME + YEAR),
    dnsNames: names.dnsNames ?? [],
    ipAddresses: names.ipAddresses ?? [],
  });
  return { caDer: caCert.der, chain: [leafCert.der], privateKey: leaf.pkcs8Der };
}

interface Outcome {
  readonly parameters: ReturnType<typeof handshake>['parameters'];
  /** The server_name the server saw, per its handshakeComplete (undefined: none sent). */
  readonly serverSaw: string | undefined;
  readonly failure: string | undefined;
}

/** A handshake to a server with `id` (as its one certificate, so a hello without server_name is served too). */
function connectAs(id: Identity, serverName: string): Outcome {
  const r = handshake(id, { client: { serverName, trustAnchors: [id.caDer] } });
  const done = r.link.events.server.find((e) => e.type === 'handshakeComplete');
  return {
    parameters: r.parameters,
    serverSaw: done?.type === 'handshakeComplete' ? done.parameters.servername : undefined,
    failure: r.link.client.failure?.alert ?? r.link.server.failure?.alert,
  };
}

test('an internationalized name is sent as server_name and checked against the certificate in A-labels', (t) => {
  const id = identityFor({ dnsNames: ['xn--bcher-kva.test'] });
  for (const name of ['bücher.test', 'BÜCHER.test.', 'xn--bcher-kva.test']) {
    const r = connectAs(id, name);
    t.is(r.failure, undefined, name);
    t.is(r.parameters?.servername, 'xn--bcher-kva.test', name);
    t.is(r.serverSaw, 'xn--bcher-kva.test', name);
  }
});

test('an IP address literal, bracketed or with a zone index, is checked as an address and not sent as server_name', (t) => {
  const v6 = identityFor({ ipAddresses: ['::1'] });
  for (const name of ['::1', '[::1]', '[::1%lo]']) {
    const r = connectAs(v6, name);
    t.is(r.failure, undefined, name);
    t.truthy(r.parameters, name);
    t.is(r.serverSaw, undefined, name);
  }
  const v4 = identityFor({ ipAddresses: ['192.0.2.9'] });
  t.is(connectAs(v4, '192.0.2.9').failure, undefined);
  t.is(connectAs(v4, '192.0.2.10').failure, 'certificate_unknown'); // the address is still checked
});

test('a serverName that is neither a host name nor an IP address is a ConfigError at configuration', (t) => {
  const cases: readonly [string, RegExp][] = [
    ['a b.test', /not a valid internationalized domain name|not a host name label/],
    ['exa$mple.test', /holds characters other than letters, digits, hyphens and underscores/],
    ['a..test', /empty label/],
    [`${'x'.repeat(64)}.test`, /longer than 63/],
    [`${'abcdefghi.'.repeat(26)}test`, /must be 1\.\.253 characters/],
    ['127.1', /neither a dotted-quad IPv4 address nor a DNS name/],
    ['[a.test]', /only an IPv6 address goes in brackets/],
    ['bad\u0000.test', /control characters/],
    ['', /non-empty/],
  ];
  for (const [name, message] of cases) {
    const e = t.throws(
      () => DtlsConnection.client({ serverName: name, trustAnchors: [] }),
      { instanceOf: ConfigError },
      JSON.stringify(name),
    );
    t.is(e?.option, 'serverName', JSON.stringify(name));
    t.regex(e?.message ?? '', message, JSON.stringify(name));
  }
});

test('node:dtls-style connect names servername, or host when that is the default, before any socket or lookup', (t) => {
  const byServername = t.throws(() => connect('127.0.0.1', 1, { servername: 'a b.test', ca: [] }), {
    instanceOf: ConfigError,
  });
  t.is(byServername?.option, 'servername');
  const byHost = t.throws(() => connect('exa$mple.test', 1, { ca: [] }), { instanceOf: ConfigError });
  t.is(byHost?.option, 'host');
});

test('a name resolved before gives the same form again, past the remembered names, and a refused one is refused each time', (t) => {
  for (let round = 0; round < 2; round++) {
    t.is(resolveServerName('Bücher.Example.'), 'xn--bcher-kva.example');
    t.is(resolveServerName('[::FFFF:192.0.2.1]'), '::ffff:c000:201');
    t.is(resolveServerName('bücher.example'), 'xn--bcher-kva.example');
    for (let i = 0; i < 100; i++) t.is(resolveServerName(`Host${i}.Example`), `host${i}.example`);
    t.throws(() => DtlsConnection.client({ serverName: '127.1' }), { instanceOf: ConfigError, message: /serverName/ });
    t.throws(() => resolveServerName('a..b', 'servername'), { instanceOf: ConfigError, message: /servername/ });
  }
});
