import test from 'ava';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { findExtension } from '../../runtime/handshake/extensions.js';
import { resolveConfig } from '../../runtime/shared/config.js';
import { openTicket } from '../../runtime/shared/psk-selection.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { state12Of } from '../support/inside12.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { SessionCache12, type Session12 } from '../../runtime/dtls12/session.js';
import { decodeTicket12Contents, encodeTicket12Contents, openTicket12 } from '../../runtime/dtls12/ticket.js';
import { encodeTicketContents } from '../../runtime/session/ticket-contents.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * RFC 5077 session tickets in DTLS 1.2, in memory: the server seals the
 * session with the 1.3 server's ticket keys, the client keeps the ticket
 * with its Session12 and offers it, and the server resumes with the
 * abbreviated handshake, echoing the client's session ID. A ticket that
 * is forged, expired, for another name or from 1.3 gives a full handshake,
 * never an alert; an unsolicited NewSessionTicket is unexpected_message.
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const TICKET_KEY = new Uint8Array(32).fill(0x5a);

function pair(client: DtlsOptions = {}, server: DtlsOptions = {}): Pair12 {
  return pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test', ...client }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, ticketKeys: TICKET_KEY, ...server }),
  );
}

/** The handshake types of the epoch-0 handshake records in a side's datagrams. */
function handshakeTypes(): {
  seen: { client: number[]; server: number[] };
  tap: (from: 'client' | 'server', d: Uint8Array) => Uint8Array;
} {
  const seen = { client: [] as number[], server: [] as number[] };
  return {
    seen,
    tap: (from, d) => {
      for (let off = 0; off + 13 <= d.length;) {
        const len = (d[off + 11]! << 8) | d[off + 12]!;
        if (d[off] === 22 && d[off + 3] === 0 && d[off + 4] === 0) seen[from].push(d[off + 13]!);
        off += 13 + len;
      }
      return d;
    },
  };
}

const NEW_SESSION_TICKET = 4;
const CERTIFICATE = 11;

function firstSession(client: DtlsOptions = {}, server: DtlsOptions = {}): Session12 {
  const p = pair(client, server);
  const rec = handshakeTypes();
  p.client.connect(0);
  pump(p, rec.tap);
  if (p.client.state !== 'connected') throw new Error('no first handshake');
  if (!rec.seen.server.includes(NEW_SESSION_TICKET)) throw new Error('no NewSessionTicket');
  return state12Of(p.client).lastSession!;
}

const alerts = (ev: readonly ConnectionEvent[]): string[] =>
  ev.flatMap((e) => (e.type === 'alert' ? [String(e.description)] : []));

test('a full handshake issues a ticket; the next connection resumes from it alone (no server cache), abbreviated, ID echoed, ticket renewed', (t) => {
  const session = firstSession();
  t.truthy(session.ticket);
  t.true(session.ticket!.length > 60);
  const p = pair({ session: encodeSession12(session) });
  const rec = handshakeTypes();
  let sentId: Uint8Array | undefined;
  p.client.connect(0);
  pump(p, (from, d) => {
    if (from === 'client' && sentId === undefined && d[0] === 22 && d[13] === 1) {
      const ch = decodeClientHello(d.subarray(25));
      sentId = ch.legacySessionId;
      t.deepEqual(findExtension(ch.extensions, 'session_ticket')?.ticket, session.ticket);
    }
    return rec.tap(from, d);
  });
  t.is(p.client.state, 'connected');
  t.true(state12Of(p.client).negotiated?.resumed);
  t.true(state12Of(p.server).negotiated?.resumed);
  t.false(rec.seen.server.includes(CERTIFICATE), 'no Certificate in an abbreviated handshake');
  t.true(rec.seen.server.includes(NEW_SESSION_TICKET), 'the ticket is renewed');
  t.deepEqual(state12Of(p.client).negotiated?.masterSecret, session.masterSecret);
  t.true(sentId !== undefined && sentId.length === 32);
  t.deepEqual(
    state12Of(p.client).lastSession?.id,
    sentId,
    'the server echoed the session ID sent with the ticket (RFC 5077 §3.4)',
  );
  t.notDeepEqual(state12Of(p.client).lastSession?.ticket, session.ticket);
  // The renewed ticket keeps the session's start: a session does not live forever by renewal.
  const opened = openTicket12(
    state12Of(p.server).config.base.ticketKeys!,
    state12Of(p.client).lastSession!.ticket!,
    Date.now(),
  );
  const original = openTicket12(state12Of(p.server).config.base.ticketKeys!, session.ticket!, Date.now());
  t.is(opened?.issuedAt, original?.issuedAt);
});

test('a ticket flipped in any one of several bytes gives a full handshake, never an alert', (t) => {
  const session = firstSession();
  for (const at of [0, 4, 20, session.ticket!.length - 1]) {
    const ticket = session.ticket!.slice();
    ticket[at]! ^= 0x01;
    const p = pair({ session: encodeSession12({ ...session, ticket }) });
    const rec = handshakeTypes();
    p.client.connect(0);
    pump(p, rec.tap);
    t.is(p.client.state, 'connected', `byte ${at}`);
    t.false(state12Of(p.client).negotiated?.resumed, `byte ${at}`);
    t.true(rec.seen.server.includes(CERTIFICATE), `byte ${at}: a full handshake`);
    t.deepEqual(alerts(p.events.server), []);
  }
});

test('an expired ticket, one under another ticket key, or for another server name gives a full handshake', (t) => {
  const session = firstSession();
  const later = pair({ session: encodeSession12(session) }, { wallClock: () => Date.now() + 7201 * 1000 });
  later.client.connect(0);
  pump(later);
  t.is(later.client.state, 'connected');
  t.false(state12Of(later.client).negotiated?.resumed, 'expired by the server clock');
  const rotated = pair({ session: encodeSession12(session) }, { ticketKeys: new Uint8Array(32).fill(1) });
  rotated.client.connect(0);
  pump(rotated);
  t.false(state12Of(rotated.client).negotiated?.resumed, 'another key');
  const other = makeIdentity('p256', 'other.test', { at: now });
  const named = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [other.caDer],
      serverName: 'other.test',
      session: encodeSession12({ ...session, serverName: 'other.test' }),
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: other.chain, privateKey: other.privateKey },
      ticketKeys: TICKET_KEY,
    }),
  );
  named.client.connect(0);
  pump(named);
  t.is(named.client.state, 'connected');
  t.false(state12Of(named.client).negotiated?.resumed, 'issued for server.test');
});

test('a 1.3 ticket is never a 1.2 one, and a 1.2 ticket never opens as a 1.3 one (same ticket keys)', (t) => {
  const session = firstSession();
  const server = DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, ticketKeys: TICKET_KEY });
  const keys = state12Of(server).config.base.ticketKeys!;
  // The 1.3 server of the same options has the very same key ring.
  t.is(resolveConfig('server', { certificate, ticketKeys: TICKET_KEY }).ticketKeys, keys);
  // A 1.2 ticket offered to the 1.3 lookup: does not open.
  t.is(
    openTicket(resolveConfig('server', { certificate, ticketKeys: TICKET_KEY }), session.ticket!, Date.now()),
    undefined,
  );
  // A 1.3 ticket with the same master-secret-length PSK offered to the 1.2 server: a full handshake.
  const ticket13 = keys.seal(
    encodeTicketContents({
      suite: 'tls_aes_128_gcm_sha256',
      psk: session.masterSecret.slice(0, 32),
      issuedAt: Date.now(),
      lifetimeSeconds: 7200,
      ticketAgeAdd: 1,
      serverName: 'server.test',
      clientAuthenticated: false,
      maxEarlyData: 0,
      alpn: undefined,
      address: new Uint8Array(0),
      pskIdentity: undefined,
      grant: new Uint8Array(16),
      replayGeneration: new Uint8Array(0),
    }),
  );
  const p = pair({ session: encodeSession12({ ...session, ticket: ticket13 }) });
  p.client.connect(0);
  pump(p);
  t.is(p.client.state, 'connected');
  t.false(state12Of(p.client).negotiated?.resumed);
  t.deepEqual(alerts(p.events.server), []);
});

test('the ticket contents: encoded and decoded back; another format byte or version is refused', (t) => {
  const contents = {
    suite: 'tls_psk_with_aes_128_gcm_sha256' as const,
    masterSecret: new Uint8Array(48).fill(3),
    issuedAt: 1_700_000_000_123,
    lifetimeSeconds: 3600,
    serverName: 'a.test',
    pskIdentity: new TextEncoder().encode('node'),
    clientAuthenticated: true,
    grant: new Uint8Array(16).fill(9),
  };
  const bytes = encodeTicket12Contents(contents);
  t.deepEqual(decodeTicket12Contents(bytes), contents);
  for (const [at, value] of [
    [0, 3],
    [1, 0x03],
    [2, 0xfc],
  ] as const) {
    const changed = bytes.slice();
    changed[at] = value;
    t.throws(() => decodeTicket12Contents(changed), undefined, `byte ${at}`);
  }
});

test('session-ID resumption still works beside tickets: a server that issues none, a client that offers none', (t) => {
  const cache = new SessionCache12();
  const first = pair({}, { sessionCache12: cache, tickets: 0 });
  first.client.connect(0);
  pump(first);
  const session = state12Of(first.client).lastSession!;
  t.is(session.ticket, undefined);
  t.is(cache.size, 1);
  const second = pair({ session: encodeSession12(session) }, { sessionCache12: cache, tickets: 0 });
  second.client.connect(0);
  pump(second);
  t.true(state12Of(second.client).negotiated?.resumed);
  const third = pair({ session: encodeSession12(session), sessionTickets12: false }, { sessionCache12: cache });
  third.client.connect(0);
  pump(third);
  t.true(state12Of(third.client).negotiated?.resumed);
});

test('attacker: a session cache shared by two servers resumes a session by ID only where its grant holds (other client CA: full handshake)', (t) => {
  const cache = new SessionCache12();
  const clientId = makeIdentity('p256', 'client.test', { at: now });
  const otherCa = makeIdentity('p256', 'other.test', { at: now });
  const client = { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } };
  const trustingA = {
    sessionCache12: cache,
    tickets: 0,
    clientAuthentication: 'required' as const,
    trustAnchors: [clientId.caDer],
  };
  const first = pair(client, trustingA);
  first.client.connect(0);
  pump(first);
  const session = state12Of(first.client).lastSession!;
  t.is(cache.size, 1);
  // The attacker holds the session but no certificate that the other server's CA issued.
  const elsewhere = pair({ session: encodeSession12(session) }, { ...trustingA, trustAnchors: [otherCa.caDer] });
  elsewhere.client.connect(0);
  pump(elsewhere);
  t.not(state12Of(elsewhere.server).negotiated?.resumed, true, 'not resumed under another client CA');
  t.not(elsewhere.server.state, 'connected');
  // Where the same is granted, it resumes.
  const same = pair({ ...client, session: encodeSession12(session) }, trustingA);
  same.client.connect(0);
  pump(same);
  t.true(state12Of(same.server).negotiated?.resumed);
});

test('a server requiring client authentication resumes only a ticket whose session had a client certificate', (t) => {
  const clientId = makeIdentity('p256', 'client.test', { at: now });
  const client = { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } };
  const requiring = { clientAuthentication: 'required' as const, trustAnchors: [clientId.caDer] };
  // Made where no certificate was asked for: under a server that requires one, a full handshake with the certificate.
  const unauthenticated = firstSession(client);
  const a = pair({ ...client, session: encodeSession12(unauthenticated) }, requiring);
  a.client.connect(0);
  pump(a);
  t.is(a.server.state, 'connected');
  t.false(state12Of(a.server).negotiated?.resumed);
  t.true(state12Of(a.server).negotiated?.clientAuthenticated);
  // Made with the certificate: resumed.
  const authenticated = state12Of(a.client).lastSession!;
  const b = pair({ ...client, session: encodeSession12(authenticated) }, requiring);
  b.client.connect(0);
  pump(b);
  t.true(state12Of(b.server).negotiated?.resumed);
});

test('a PSK session resumes from its ticket with its identity', (t) => {
  const key = new Uint8Array(32).fill(9);
  const options = { psk: { identity: 'meter-4', key }, cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256' as const] };
  const server = {
    psk: { 'meter-4': key },
    cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256' as const],
    ticketKeys: TICKET_KEY,
  };
  const first = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...options }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', ...server }),
  );
  first.client.connect(0);
  pump(first);
  const session = state12Of(first.client).lastSession!;
  t.truthy(session.ticket);
  const second = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...options, session: encodeSession12(session) }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', ...server }),
  );
  second.client.connect(0);
  pump(second);
  t.true(state12Of(second.server).negotiated?.resumed);
  t.deepEqual(state12Of(second.server).negotiated?.pskIdentity, new TextEncoder().encode('meter-4'));
});

test('attacker: an unsolicited NewSessionTicket (no SessionTicket in the ServerHello) is unexpected_message, never a throw', (t) => {
  const p = pair({}, { sessionTickets12: false });
  let lastServerSeq = -1;
  let injected = false;
  p.client.connect(0);
  t.notThrows(() =>
    pump(p, (from, d) => {
      if (from !== 'server') return d;
      for (let off = 0; off + 13 <= d.length;) {
        const len = (d[off + 11]! << 8) | d[off + 12]!;
        if (d[off] === 22 && d[off + 3] === 0 && d[off + 4] === 0)
          lastServerSeq = Math.max(lastServerSeq, (d[off + 17]! << 8) | d[off + 18]!);
        if (d[off] === 20 && !injected) {
          injected = true;
          const body = Uint8Array.of(0, 0, 0x1c, 0x20, 0, 4, 1, 2, 3, 4);
          const seq = lastServerSeq + 1;
          const hs = Uint8Array.of(4, 0, 0, body.length, seq >> 8, seq & 0xff, 0, 0, 0, 0, 0, body.length, ...body);
          const rec = Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0x30, hs.length >> 8, hs.length & 0xff, ...hs);
          const out = new Uint8Array(rec.length + d.length);
          out.set(rec);
          out.set(d, rec.length);
          return out;
        }
        off += 13 + len;
      }
      return d;
    }),
  );
  t.true(injected);
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'unexpected_message');
});

test('attacker: a NewSessionTicket that does not parse is decode_error, never a throw', (t) => {
  // A ticket length beyond the message.
  const bad = pair();
  bad.client.connect(0);
  t.notThrows(() => pump(bad, (from, d) => (from === 'server' ? truncateTicket(d) : d)));
  t.is(bad.client.state, 'failed');
  t.is(bad.client.failure?.alert, 'decode_error');
});

/** Sets the ticket length of a NewSessionTicket in this datagram past the end of the message. */
function truncateTicket(d: Uint8Array): Uint8Array {
  const out = d.slice();
  for (let off = 0; off + 13 <= out.length;) {
    const len = (out[off + 11]! << 8) | out[off + 12]!;
    if (out[off] === 22 && out[off + 3] === 0 && out[off + 4] === 0 && out[off + 13] === NEW_SESSION_TICKET) {
      out[off + 25 + 4] = 0xff;
      out[off + 25 + 5] = 0xff;
    }
    off += 13 + len;
  }
  return out;
}

test('attacker: a session resumed by ID gets a ticket that ends when the session does, not a lifetime later', (t) => {
  const T0 = now;
  const cache = new SessionCache12(16, 3600_000);
  const server = (at: number, tickets: boolean): DtlsOptions => ({
    sessionCache12: cache,
    sessionTickets12: tickets,
    ticketLifetime: 3600,
    wallClock: () => at,
  });
  // The full handshake: a session ID, no ticket.
  const first = pair({ wallClock: () => T0 }, server(T0, false));
  first.client.connect(0);
  pump(first);
  const session = state12Of(first.client).lastSession!;
  t.is(session.ticket, undefined);
  // 50 minutes on, resumed by ID: the server issues a ticket, which keeps the session's start.
  const at50 = T0 + 3000_000;
  const byId = pair({ session: encodeSession12(session), wallClock: () => at50 }, server(at50, true));
  byId.client.connect(0);
  pump(byId);
  t.true(state12Of(byId.server).negotiated?.resumed);
  const ticket = state12Of(byId.client).lastSession?.ticket;
  t.truthy(ticket);
  t.is(
    openTicket12(state12Of(byId.server).config.base.ticketKeys!, ticket!, at50)?.issuedAt,
    T0,
    'issued as of the full handshake',
  );
  // 61 minutes on the ticket no longer opens: the chain lived one lifetime.
  const at61 = T0 + 3660_000;
  t.is(openTicket12(state12Of(byId.server).config.base.ticketKeys!, ticket!, at61), undefined);
  const late = pair(
    { session: encodeSession12(state12Of(byId.client).lastSession!), wallClock: () => at50 },
    server(at61, true),
  );
  late.client.connect(0);
  pump(late);
  t.is(late.client.state, 'connected');
  t.false(state12Of(late.server).negotiated?.resumed, 'a full handshake');
});
