import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { ConnectionStateError } from '../../runtime/connection/connection.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';

// ALPN (RFC 7301) and exporters (RFC 8446 §7.5) between two dtls13 connections.

const serverId = makeIdentity('p256', 'server.test');

test('ALPN: the server picks its preferred protocol among those offered; both sides report it', (t) => {
  const { link, parameters } = handshake(serverId, {
    client: { alpn: ['coap', 'h3'] },
    server: { alpn: ['h3', 'coap'] },
  });
  t.is(parameters?.alpnProtocol, 'h3');
  const atServer = link.events.server.find((e) => e.type === 'handshakeComplete');
  t.is(atServer?.type === 'handshakeComplete' ? atServer.parameters.alpnProtocol : 'missing', 'h3');
});

test('ALPN: a function chooses (it sees the offer and the server name); nothing in common is no_application_protocol on both sides', (t) => {
  const seen: string[] = [];
  const { parameters } = handshake(serverId, {
    client: { alpn: ['coap', 'mqtt'] },
    server: {
      alpn: (offered: readonly string[], serverName: string | undefined) => {
        seen.push(`${offered.join(',')}@${serverName}`);
        return offered.at(-1);
      },
    },
  });
  t.is(parameters?.alpnProtocol, 'mqtt');
  t.deepEqual(seen, ['coap,mqtt@server.test']);
  const none = handshake(serverId, { client: { alpn: ['coap'] }, server: { alpn: ['h3'] } });
  t.is(none.link.server.failure?.alert, 'no_application_protocol');
  t.regex(none.link.server.failure?.message ?? '', /the client offered coap/);
  t.is(none.link.client.failure?.alert, 'no_application_protocol');
});

test('ALPN: nothing negotiated when either side has none; bad names are ConfigErrors', (t) => {
  t.is(handshake(serverId, { client: { alpn: ['coap'] } }).parameters?.alpnProtocol, undefined);
  t.is(handshake(serverId, { server: { alpn: ['coap'] } }).parameters?.alpnProtocol, undefined);
  t.is(t.throws(() => handshake(serverId, { client: { alpn: [] } }), { instanceOf: ConfigError })?.option, 'alpn');
  t.is(
    t.throws(() => handshake(serverId, { client: { alpn: ['x'.repeat(256)] } }), { instanceOf: ConfigError })?.option,
    'alpn',
  );
});

test('ALPN: early data only for the protocol its ticket was issued under', (t) => {
  const ticketKeys = new Uint8Array(32).fill(3);
  const server = { ticketKeys, maxEarlyData: 100, alpn: ['coap', 'h3'] };
  const first = handshake(serverId, { client: { alpn: ['coap'] }, server });
  const ticket = first.link.events.client.find((e) => e.type === 'sessionTicket');
  if (ticket?.type !== 'sessionTicket') return void t.fail('no ticket');
  const same = handshake(serverId, {
    client: { alpn: ['coap'], session: ticket.session, earlyData: Uint8Array.of(1) },
    server,
  });
  t.is(same.parameters?.earlyData, 'accepted');
  const other = handshake(serverId, {
    client: { alpn: ['h3'], session: ticket.session, earlyData: Uint8Array.of(1) },
    server,
  });
  t.is(other.parameters?.earlyData, 'rejected');
  t.true(other.parameters?.resumed);
});

test('exporters: both sides export the same bytes; labels, contexts and connections give different ones', (t) => {
  const a = handshake(serverId).link;
  const b = handshake(serverId).link;
  const ctx = Uint8Array.of(1, 2, 3);
  const client = a.client.exportKeyingMaterial(32, 'EXPERIMENTAL dtls13 test', ctx);
  t.deepEqual(a.server.exportKeyingMaterial(32, 'EXPERIMENTAL dtls13 test', ctx), client);
  t.notDeepEqual(a.client.exportKeyingMaterial(32, 'EXPERIMENTAL other', ctx), client);
  t.notDeepEqual(a.client.exportKeyingMaterial(32, 'EXPERIMENTAL dtls13 test'), client);
  t.notDeepEqual(b.client.exportKeyingMaterial(32, 'EXPERIMENTAL dtls13 test', ctx), client);
  t.is(a.client.exportKeyingMaterial(60, 'EXTRACTOR-dtls_srtp').length, 60);
  t.is(t.throws(() => a.client.exportKeyingMaterial(0, 'x'), { instanceOf: ConfigError })?.option, 'length');
  const fresh = makePair(serverId);
  t.throws(() => fresh.client.exportKeyingMaterial(16, 'x'), { instanceOf: ConnectionStateError });
});
