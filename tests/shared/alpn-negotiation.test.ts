/**
 * The ALPN rules both versions share (runtime/shared/alpn-negotiation.ts, RFC 7301): the server's pick among the
 * names offered, and the client's reading of an answer, including answers a hostile server makes up. The handshakes
 * that carry them are tested in tests/dtls12/alpn12.test.ts (1.2) and the 1.3 connection's suites.
 */
import test from 'ava';
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/client-hello.js';
import { acceptedAlpn, chooseAlpn, offeredAlpn, protocolNameList } from '../../runtime/shared/alpn-negotiation.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { serverAlpnSelector } from '../../runtime/session/alpn.js';

function hello(extensions: ClientHelloExtension[]): ClientHello {
  return {
    legacyVersion: 'dtls1_2',
    random: new Uint8Array(32),
    legacySessionId: new Uint8Array(0),
    legacyCookie: new Uint8Array(0),
    cipherSuites: [],
    legacyCompressionMethods: Uint8Array.of(0),
    extensions,
  };
}

const offering = (names: string[], serverName?: string): ClientHello =>
  hello([
    { extensionType: 'application_layer_protocol_negotiation', extensionData: protocolNameList(names) },
    ...(serverName === undefined
      ? []
      : [
          {
            extensionType: 'server_name' as const,
            extensionData: {
              serverNameList: [{ nameType: 'host_name' as const, hostName: new TextEncoder().encode(serverName) }],
            },
          },
        ]),
  ]);

const alertOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof ProtocolError) return e.alert;
    throw e;
  }
  return undefined;
};

test('the offer round trips: the names in the client order', (t) => {
  t.deepEqual(offeredAlpn(offering(['h2', 'coap'])), ['h2', 'coap']);
  t.is(offeredAlpn(hello([])), undefined);
});

test('the server picks by its own preference; the selector sees the server name', (t) => {
  t.is(chooseAlpn(serverAlpnSelector(['coap', 'h2']), offering(['h2', 'coap'])), 'coap');
  const seen: (string | undefined)[] = [];
  const pick = chooseAlpn((names, name) => (seen.push(name), names[1]), offering(['a', 'b'], 'x.test'));
  t.is(pick, 'b');
  t.deepEqual(seen, ['x.test']);
});

test('no ALPN on either side: no choice and no error', (t) => {
  t.is(chooseAlpn(undefined, offering(['h2'])), undefined);
  t.is(chooseAlpn(serverAlpnSelector(['h2']), hello([])), undefined);
});

test('nothing in common, or a selector naming what was not offered: no_application_protocol', (t) => {
  t.is(
    alertOf(() => chooseAlpn(serverAlpnSelector(['h3']), offering(['h2']))),
    'no_application_protocol',
  );
  t.is(
    alertOf(() => chooseAlpn(() => 'smuggled', offering(['h2']))),
    'no_application_protocol',
  );
});

test('the client takes exactly one name it offered', (t) => {
  t.is(acceptedAlpn(['h2', 'coap'], protocolNameList(['coap'])), 'coap');
});

test('attacker: an answer with two names, none, or one not offered is illegal_parameter', (t) => {
  t.is(
    alertOf(() => acceptedAlpn(['h2', 'coap'], protocolNameList(['h2', 'coap']))),
    'illegal_parameter',
  );
  t.is(
    alertOf(() => acceptedAlpn(['h2'], protocolNameList([]))),
    'illegal_parameter',
  );
  t.is(
    alertOf(() => acceptedAlpn(['h2'], protocolNameList(['h3']))),
    'illegal_parameter',
  );
  t.is(
    alertOf(() => acceptedAlpn(undefined, protocolNameList(['h2']))),
    'illegal_parameter',
  );
  t.is(
    alertOf(() => acceptedAlpn(['h2'], { protocolNameList: [{ name: Uint8Array.of(0xff, 0xfe) }] })),
    'illegal_parameter',
  );
});
