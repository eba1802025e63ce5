/**
 * The key shares of a hybrid-first client's first ClientHello (runtime/dtls13/key-share-offer.ts): with
 * `groups: ['x25519mlkem768', 'x25519']` the hybrid and X25519 shares go together when the ClientHello fits one
 * datagram, else none (an empty key_share), the hybrid group still first in supported_groups, and the server asks
 * for the share of its choice: a dtls13 server ranking the hybrid group first gets it, one ranking X25519 first that.
 */
import test, { type ExecutionContext } from 'ava';
import { decodeClientHello, decodeDtlsHandshake } from '../../generated/wire/index.js';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import type { SessionParameters } from '../../runtime/shared/events.js';
import { findExtension } from '../../runtime/handshake/extensions.js';
import { connect } from '../../runtime/api/connect.js';
import { listen } from '../../runtime/api/listener.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const hybridFirst: ConnectionOptions = {
  trustAnchors: [id.caDer],
  serverName: 'localhost',
  wallClock,
  groups: ['x25519mlkem768', 'x25519'],
};

/** The datagrams of a client's first flight, and the key share groups and supported_groups of its ClientHello. */
function firstHello(options: ConnectionOptions): { datagrams: Uint8Array[]; shares: string[]; groups: string[] } {
  const client = DtlsConnection.client(options);
  client.connect(0);
  const datagrams: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) datagrams.push(d);
  const fragments = datagrams
    .flatMap((d) => decodeDatagram(d))
    .map((r) => (r.kind === 'plaintext' ? decodeDtlsHandshake(r.record.fragment) : undefined));
  const whole = new Uint8Array(fragments[0]!.length);
  for (const f of fragments) whole.set(f!.fragment, f!.fragmentOffset);
  const ch = decodeClientHello(whole);
  return {
    datagrams,
    shares: findExtension(ch.extensions, 'key_share')!.clientShares.map((s) => String(s.group)),
    groups: findExtension(ch.extensions, 'supported_groups')!.namedGroupList.map(String),
  };
}

test('at the default 1,200 bytes: one datagram, no key share, x25519mlkem768 first in supported_groups', (t) => {
  const h = firstHello(hybridFirst);
  t.is(h.datagrams.length, 1);
  t.true(h.datagrams[0]!.length <= 1200, String(h.datagrams[0]!.length));
  t.deepEqual(h.shares, []);
  t.deepEqual(h.groups.slice(0, 2), ['x25519mlkem768', 'x25519']);
});

test('at maxDatagramSize 1,500: both shares, hybrid first, in one datagram', (t) => {
  const h = firstHello({ ...hybridFirst, maxDatagramSize: 1500 });
  t.is(h.datagrams.length, 1);
  t.true(h.datagrams[0]!.length > 1216 && h.datagrams[0]!.length <= 1500, String(h.datagrams[0]!.length));
  t.deepEqual(h.shares, ['x25519mlkem768', 'x25519']);
});

test('post-quantum only (groups [x25519mlkem768]): the hybrid share alone, in fragments at 1,200 bytes', (t) => {
  const h = firstHello({ ...hybridFirst, groups: ['x25519mlkem768'] });
  t.deepEqual(h.shares, ['x25519mlkem768']);
  t.true(h.datagrams.length >= 2);
});

test('a classical group first: its one share, as before', (t) => {
  t.deepEqual(firstHello({ ...hybridFirst, groups: ['x25519', 'x25519mlkem768'] }).shares, ['x25519']);
});

/** A listen() server (1.3 only, as the client) ranking `groups`, and a connect() client offering the hybrid group first. */
async function overUdp(
  t: ExecutionContext,
  groups: readonly KeyExchangeGroup[],
  cookies: boolean,
  mtu?: number,
): Promise<SessionParameters | undefined> {
  const versions = { minVersion: 'DTLSv1.3', maxVersion: 'DTLSv1.3' } as const;
  const size = mtu !== undefined ? { mtu } : {};
  const server = listen(() => {}, {
    cert: [...id.chain],
    key: id.privateKey,
    host: '127.0.0.1',
    wallClock,
    groups,
    cookies,
    ...versions,
    ...size,
  });
  t.teardown(() => server.close());
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, {
    ca: id.caDer,
    servername: 'localhost',
    wallClock,
    groups: ['x25519mlkem768', 'x25519'],
    ...versions,
    ...size,
  });
  t.teardown(() => client.close());
  await client.opened;
  return client.parameters;
}

for (const [name, size, cookies, retried] of [
  ['default size, cookies', 1200, true, true],
  ['default size, no cookies', 1200, false, true],
  ['1,500 bytes, no cookies', 1500, false, false],
  // The cookie's HelloRetryRequest asks for no group: the second ClientHello, now over 1,500 bytes with the cookie, keeps both shares.
  ['1,500 bytes, cookies', 1500, true, true],
] as const) {
  test(`over UDP, ${name}: a server ranking x25519mlkem768 first gets the hybrid exchange (a HelloRetryRequest: ${retried ? 'yes' : 'no'})`, async (t) => {
    const p = await overUdp(t, ['x25519mlkem768', 'x25519'], cookies, size);
    t.is(p?.group, 'x25519mlkem768');
    t.is(p?.helloRetryRequest, retried);
  });
}

test('over UDP: a server ranking x25519 first asks for X25519 (no key share came)', async (t) => {
  const p = await overUdp(t, ['x25519', 'x25519mlkem768'], false);
  t.is(p?.group, 'x25519');
  t.is(p?.helloRetryRequest, true);
});
