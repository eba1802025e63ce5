import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { decodeClientSession, encodeClientSession } from '../../runtime/session/client-session.js';
import { handshake, roundTrip } from '../support/handshake.js';
import type { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

// Tickets and resumption (RFC 8446 §4.6.1, §2.2) on the scripted link.

const serverId = makeIdentity('p256', 'server.test');
const KEYS_A = new Uint8Array(32).fill(0xa1);
const KEYS_B = new Uint8Array(32).fill(0xb2);

function tickets(events: readonly ConnectionEvent[]): Uint8Array[] {
  return events.flatMap((e) => (e.type === 'sessionTicket' ? [e.session] : []));
}

function serverBytes(link: Link): { datagrams: number; bytes: number } {
  const sent = link.log.filter((l) => l.from === 'server');
  return { datagrams: sent.length, bytes: sent.reduce((n, l) => n + l.bytes, 0) };
}

function firstSession(server: object = { ticketKeys: KEYS_A }): Uint8Array {
  const { link } = handshake(serverId, { server });
  const got = tickets(link.events.client);
  if (got.length === 0) throw new Error(`no ticket: ${link.client.failure?.message ?? 'none sent'}`);
  return got[0]!;
}

test('the server sends a ticket after the handshake; the client hands it to the application; a resumed handshake carries no Certificate', (t) => {
  const full = handshake(serverId, { server: { ticketKeys: KEYS_A, tickets: 2 } });
  const sessions = tickets(full.link.events.client);
  t.is(sessions.length, 2);
  t.notDeepEqual(sessions[0], sessions[1]);
  const session = decodeClientSession(sessions[0]!);
  t.is(session.serverName, 'server.test');
  t.is(session.lifetimeSeconds, 7200);
  t.false(full.parameters?.resumed);
  const resumed = handshake(serverId, {
    client: { session: sessions[0]! },
    server: { ticketKeys: KEYS_A, tickets: 0 },
  });
  t.true(resumed.parameters?.resumed, resumed.link.server.failure?.message);
  t.is(resumed.parameters?.peerCertificate, undefined);
  t.is(resumed.parameters?.pskMode, 'psk_dhe_ke');
  // SH, EE, Finished: no Certificate or CertificateVerify.
  t.is(resumed.link.client.stats.handshakeMessagesReceived, 3);
  const fullHandshake = handshake(serverId, { server: { ticketKeys: KEYS_A, tickets: 0 } });
  t.is(fullHandshake.link.client.stats.handshakeMessagesReceived, 5);
  const a = serverBytes(fullHandshake.link);
  const b = serverBytes(resumed.link);
  t.log(
    `server → client: full ${a.datagrams} datagrams, ${a.bytes} bytes; resumed ${b.datagrams} datagrams, ${b.bytes} bytes`,
  );
  t.true(b.bytes < a.bytes / 2);
  t.deepEqual(roundTrip(resumed.link, 'again'), { atServer: ['again to server'], atClient: ['again to client'] });
});

test('a ticket resumes on another server instance with the same ticketKeys, also after a rotation; not on one with other keys', (t) => {
  const session = firstSession({ ticketKeys: KEYS_A });
  const other = handshake(serverId, { client: { session }, server: { ticketKeys: [KEYS_A] } });
  t.true(other.parameters?.resumed);
  const rotated = handshake(serverId, { client: { session }, server: { ticketKeys: [KEYS_B, KEYS_A] } });
  t.true(rotated.parameters?.resumed, 'the previous key still opens its tickets');
  // Tickets issued after the rotation are sealed under the new key.
  const fresh = tickets(rotated.link.events.client)[0];
  t.truthy(fresh);
  const retired = handshake(serverId, { client: { session: fresh! }, server: { ticketKeys: KEYS_A } });
  t.false(retired.parameters?.resumed);
  t.truthy(retired.parameters?.peerCertificate, 'a foreign ticket falls back to a full handshake');
});

test('a garbled ticket falls back to a full handshake; a garbled session is a ConfigError', (t) => {
  const bytes = firstSession().slice();
  const session = decodeClientSession(bytes);
  const garbled = { ...session, ticket: session.ticket.map((b, i) => (i === 20 ? b ^ 1 : b)) };
  const r = handshake(serverId, { client: { session: garbled }, server: { ticketKeys: KEYS_A } });
  t.false(r.parameters?.resumed);
  t.is(r.link.client.state, 'connected');
  const e = t.throws(() => handshake(serverId, { client: { session: bytes.subarray(0, 20) } }), {
    instanceOf: ConfigError,
  });
  t.is(e?.option, 'session');
  t.regex(e?.message ?? '', /ClientSession/);
});

test('a ticket is bound to the server name it was issued for: resuming against another name throws', (t) => {
  const session = firstSession();
  const e = t.throws(() => handshake(serverId, { client: { session, serverName: 'other.test' } }), {
    instanceOf: ConfigError,
  });
  t.is(e?.option, 'session');
  t.regex(e?.message ?? '', /server\.test, not other\.test/);
});

test('a session stored under an older spelling of the name (capitals, a trailing dot) still resumes: names compare canonical', (t) => {
  // Sessions saved before server names were made canonical hold the name as the application gave it.
  const stored = encodeClientSession({ ...decodeClientSession(firstSession()), serverName: 'Server.TEST.' });
  const resumed = handshake(serverId, { client: { session: stored }, server: { ticketKeys: KEYS_A, tickets: 0 } });
  t.true(resumed.parameters?.resumed, resumed.link.server.failure?.message);
});

test('an expired ticket is not offered by the client, and not accepted by the server', (t) => {
  const session = firstSession({ ticketKeys: KEYS_A, ticketLifetime: 60 });
  const later = { wallClock: () => TEST_TIME + 61_000 };
  const notOffered = handshake(serverId, { client: { session, ...later }, server: { ticketKeys: KEYS_A, ...later } });
  t.false(notOffered.parameters?.resumed);
  // A client whose clock lags still offers it; the server's own clock decides.
  const refused = handshake(serverId, { client: { session }, server: { ticketKeys: KEYS_A, ...later } });
  t.false(refused.parameters?.resumed);
  t.truthy(refused.parameters?.peerCertificate);
  const inTime = handshake(serverId, {
    client: { session },
    server: { ticketKeys: KEYS_A, wallClock: () => TEST_TIME + 59_000 },
  });
  t.true(inTime.parameters?.resumed);
});

test('attacker: a chain of resumptions lives one ticket lifetime from the full handshake (a resumed session\u2019s tickets expire with the one it resumed)', (t) => {
  const server = { ticketKeys: KEYS_A, ticketLifetime: 3600 };
  const first = firstSession(server);
  // Resumed 50 minutes in: the new ticket says it has the 10 minutes left of the first, not an hour more.
  const at50 = { wallClock: () => TEST_TIME + 3000_000 };
  const resumed = handshake(serverId, { client: { session: first, ...at50 }, server: { ...server, ...at50 } });
  t.true(resumed.parameters?.resumed);
  const chained = tickets(resumed.link.events.client)[0]!;
  t.is(decodeClientSession(chained).lifetimeSeconds, 600);
  // 61 minutes in, the chained ticket is refused by the server even from a client that still offers it.
  const at61 = { wallClock: () => TEST_TIME + 3660_000 };
  const late = handshake(serverId, { client: { session: chained, ...at50 }, server: { ...server, ...at61 } });
  t.false(late.parameters?.resumed, 'past the full handshake\u2019s lifetime: a full handshake');
  t.truthy(late.parameters?.peerCertificate);
  // Within it, the chained ticket resumes.
  const inTime = handshake(serverId, {
    client: { session: chained, ...at50 },
    server: { ...server, wallClock: () => TEST_TIME + 3500_000 },
  });
  t.true(inTime.parameters?.resumed);
});

test('a resumed session keeps the original client authentication', (t) => {
  const clientId = makeIdentity('ed25519', 'client.test');
  const { link } = handshake(serverId, { clientId, server: { clientAuthentication: 'required', ticketKeys: KEYS_A } });
  const session = tickets(link.events.client)[0]!;
  const resumed = handshake(serverId, {
    clientId,
    client: { session },
    server: { clientAuthentication: 'required', ticketKeys: KEYS_A },
  });
  const atServer = resumed.link.events.server.find((e) => e.type === 'handshakeComplete');
  t.true(
    atServer?.type === 'handshakeComplete' && atServer.parameters.resumed && atServer.parameters.clientAuthenticated,
  );
});

test("the server's ACK of the client's Finished and its NewSessionTicket go in one datagram, not two", (t) => {
  const without = handshake(serverId, { server: { ticketKeys: KEYS_A, tickets: 0 } });
  const withTickets = handshake(serverId, { server: { ticketKeys: KEYS_A } });
  t.is(tickets(withTickets.link.events.client).length, 1);
  // Both send their flight and one datagram after the client's Finished: the ACK alone, or the ACK with the ticket.
  t.is(serverBytes(withTickets.link).datagrams, serverBytes(without.link).datagrams);
  t.true(serverBytes(withTickets.link).bytes > serverBytes(without.link).bytes);
});

test('a lost NewSessionTicket datagram is retransmitted; a ticket flight never ACKed is dropped and the session stays', (t) => {
  // Server datagrams: 0 its flight, 1 the ACK of the client's Finished with the tickets. Lose the first copy of the tickets.
  const lossy = handshake(serverId, {
    server: { ticketKeys: KEYS_A },
    link: { filter: (from, index) => !(from === 'server' && index === 1) },
  });
  lossy.link.run(lossy.link.now + 10_000);
  t.is(tickets(lossy.link.events.client).length, 1);
  t.true(lossy.link.server.stats.retransmissions >= 1);
  // Every datagram from the client after its Finished is lost: the tickets are never acknowledged.
  const deaf = handshake(serverId, {
    server: { ticketKeys: KEYS_A },
    link: { filter: (from, index) => !(from === 'client' && index >= 2) },
  });
  deaf.link.run(deaf.link.now + 3_600_000);
  t.is(deaf.link.server.state, 'connected');
  t.is(deaf.link.server.failure, undefined);
  t.is(deaf.link.server.pollTimeout(), undefined, 'the ticket flight was dropped, nothing is retransmitted');
});

test('tickets reordered with application data, and duplicated, give one session each', (t) => {
  const { link } = handshake(serverId, {
    server: { ticketKeys: KEYS_A, tickets: 2 },
    link: {
      delay: (from, index) => (from === 'server' && index === 1 ? 50 : 0),
      copies: (from, index) => (from === 'server' && index === 1 ? 3 : 1),
    },
  });
  link.server.send(Uint8Array.of(1, 2, 3));
  link.run(link.now + 10_000);
  t.is(tickets(link.events.client).length, 2);
  t.is(link.client.failure, undefined);
});
