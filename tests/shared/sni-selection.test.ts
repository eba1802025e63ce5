/**
 * The server name a peer's ClientHello asks for (runtime/shared/sni-selection.ts, RFC 6066 §3): normalized
 * (lower case, one trailing dot dropped); two host_names, a byte outside printable ASCII, something that is no host
 * name, or an IP literal are illegal_parameter, never another error; a client sends no server_name for an address.
 */
import test from 'ava';
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { normalizeServerName, offeredServerName, sentServerName } from '../../runtime/shared/sni-selection.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';

const base: ClientHello = {
  legacyVersion: 'dtls1_2',
  random: new Uint8Array(32),
  legacySessionId: new Uint8Array(0),
  legacyCookie: new Uint8Array(0),
  cipherSuites: ['tls_aes_128_gcm_sha256'],
  legacyCompressionMethods: Uint8Array.of(0),
  extensions: [],
};

const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const hello = (...names: Uint8Array[]): ClientHello => ({
  ...base,
  extensions: [
    {
      extensionType: 'server_name',
      extensionData: { serverNameList: names.map((hostName) => ({ nameType: 'host_name' as const, hostName })) },
    },
  ],
});

test('no server_name, or an empty list: no name', (t) => {
  t.is(offeredServerName(base), undefined);
  t.is(offeredServerName(hello()), undefined);
});

test('the name, normalized: lower case, one trailing dot dropped', (t) => {
  t.is(offeredServerName(hello(ascii('Example.COM'))), 'example.com');
  t.is(offeredServerName(hello(ascii('example.com.'))), 'example.com');
  t.is(offeredServerName(hello(ascii('xn--bcher-kva.example'))), 'xn--bcher-kva.example');
  t.is(offeredServerName(hello(ascii('Example.COM'))), 'example.com', 'the same text again (the remembered one)');
  t.is(normalizeServerName('A.B.'), 'a.b');
});

test('forged server_names are illegal_parameter ProtocolErrors', (t) => {
  const cases: [ClientHello, RegExp][] = [
    [hello(ascii('a.example'), ascii('b.example')), /more than one host_name/],
    [hello(ascii('caf\xe9.example')), /not printable ASCII/],
    [hello(ascii('a b.example')), /not printable ASCII/],
    [hello(Uint8Array.of(0x61, 0x00, 0x62)), /not printable ASCII/],
    [hello(ascii('127.0.0.1')), /server_name '127\.0\.0\.1'/],
    [hello(ascii('under_score..example')), /server_name 'under_score\.\.example'/],
    [hello(ascii(`${'a'.repeat(64)}.example`)), /server_name/],
  ];
  for (const [ch, message] of cases) {
    const error = t.throws(() => offeredServerName(ch), { instanceOf: ProtocolError });
    t.is(error?.alert, 'illegal_parameter');
    t.regex(error?.message ?? '', message);
  }
});

test('a name that fails after a good one is still refused (the remembered name is only for the same text)', (t) => {
  t.is(offeredServerName(hello(ascii('good.example'))), 'good.example');
  t.throws(() => offeredServerName(hello(ascii('bad..example'))), { instanceOf: ProtocolError });
  t.is(offeredServerName(hello(ascii('good.example'))), 'good.example');
});

test('random printable names never throw anything but a ProtocolError', (t) => {
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; i < 5_000; i++) {
    const bytes = Uint8Array.from({ length: 1 + (next() % 40) }, () => 0x21 + (next() % 94));
    try {
      offeredServerName(hello(bytes));
    } catch (e) {
      if (!(e instanceof ProtocolError)) return t.fail(`${Buffer.from(bytes).toString('latin1')}: ${String(e)}`);
    }
  }
  t.pass();
});

test('a client sends the normalized name, and none for an IP address or an empty name', (t) => {
  t.is(sentServerName('Host.Example.'), 'host.example');
  t.is(sentServerName(undefined), undefined);
  t.is(sentServerName('192.0.2.1'), undefined);
  t.is(sentServerName('::1'), undefined);
  t.is(sentServerName('.'), undefined);
});
