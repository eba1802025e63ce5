/**
 * DTLS 1.2 session tickets (RFC 5077, kept by RFC 6347 §4.2.x for DTLS): the session state a 1.2 server seals into a
 * ticket and opens again. The ticket is sealed with the same keys as the 1.3 server's tickets
 * (`ResolvedConfig.ticketKeys`, runtime/session/ticket-keys.ts: key_id, nonce, AES-256-GCM), so a key rotation covers
 * both versions.
 *
 * The contents start with a format byte of their own (0x12) followed by the protocol version: the 1.3 decoder
 * (ticket-contents.ts) refuses this format byte, and this decoder refuses the 1.3 one, so a ticket of one version never
 * resumes a session of the other.
 *
 * What a 1.2 ticket holds: the suite, the master secret (made with the extended master secret: only such sessions are
 * kept, RFC 7627 §5.3), when the session began and for how long it may be resumed, the server name of the original
 * ClientHello, the PSK identity of a PSK session, whether the client authenticated with a certificate, and what the
 * issuing server granted (runtime/shared/ticket-grant.ts: resumed only where the same is granted now). No
 * certificate is kept: a resumed handshake reports the peer as not re-authenticated, as resumption by session ID does.
 */
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/client-hello.js';
import { cipherSuiteToNumber } from '../../generated/wire/enums.js';
import {
  decodeTls12NewSessionTicket,
  encodeTls12NewSessionTicket,
} from '../../generated/wire/tls12-new-session-ticket.js';
import type { Tls12ServerHelloExtension } from '../../generated/wire/tls12-server-hello.js';
import { openSealedTicket, requestedName, resumableHere } from '../shared/psk-selection.js';
import { ticketGrant } from '../shared/ticket-grant.js';
import { findExtension } from '../handshake/extensions.js';
import { DTLS12_VERSION } from '../record/codec12.js';
import { readName, readOptionalVector, readSuite, readVector, writeName, writeVector } from '../session/blob-fields.js';
import type { TicketKeys } from '../session/ticket-keys.js';
import { readWallTime, writeWallTime } from '../session/wall-time.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import type { Config12 } from './config.js';
import { MASTER_SECRET_LENGTH } from './key-derivation.js';
import type { Session12 } from './session.js';
import { dtls12Suite, type Dtls12CipherSuite } from '../versions/suites12.js';

/** The format byte of a 1.2 ticket's contents (1.3's are 2 and 3). */
export const TICKET12_FORMAT = 0x12;

/** The session state inside a 1.2 ticket. */
export interface Ticket12Contents {
  readonly suite: Dtls12CipherSuite;
  readonly masterSecret: Uint8Array;
  /** Wall-clock ms when the session's full handshake completed (a renewed ticket keeps it: a session is not made to live forever). */
  readonly issuedAt: number;
  readonly lifetimeSeconds: number;
  /** The host_name of the original ClientHello (undefined: none): the ticket resumes only for the same name. */
  readonly serverName: string | undefined;
  /** The PSK identity the session was made with (PSK and ECDHE_PSK suites). */
  readonly pskIdentity: Uint8Array | undefined;
  /** The client proved a certificate in the full handshake: a server requiring client authentication resumes only such sessions. */
  readonly clientAuthenticated: boolean;
  /** What the issuing server granted (runtime/shared/ticket-grant.ts): a server resumes the ticket only when it would grant the same now. */
  readonly grant: Uint8Array;
}

export function encodeTicket12Contents(t: Ticket12Contents): Uint8Array {
  const w = new Writer('Ticket12Contents');
  w.u8(TICKET12_FORMAT, 'format');
  w.u16(DTLS12_VERSION, 'version');
  w.u16(cipherSuiteToNumber(t.suite), 'suite');
  writeWallTime(w, t.issuedAt, 'issued_at');
  w.u32(t.lifetimeSeconds, 'lifetime');
  w.u8(t.clientAuthenticated ? 1 : 0, 'client_authenticated');
  writeVector(w, 'master_secret', t.masterSecret);
  writeName(w, 'server_name', t.serverName);
  writeVector(w, 'psk_identity', t.pskIdentity, 2);
  writeVector(w, 'grant', t.grant);
  return w.finish().slice();
}

/** The contents of an opened 1.2 ticket; a DecodeError for anything else (a 1.3 ticket's contents, another format). */
export function decodeTicket12Contents(bytes: Uint8Array): Ticket12Contents {
  const r = new Reader(bytes, 'Ticket12Contents');
  const format = r.u8('format');
  if (format !== TICKET12_FORMAT) throw r.error('format', `format ${format} is not a DTLS 1.2 ticket`, 0);
  const version = r.u16('version');
  if (version !== DTLS12_VERSION) throw r.error('version', `version 0x${version.toString(16)} is not DTLS 1.2`, 1);
  const suite = readSuite(r, dtls12Suite, 'a DTLS 1.2 suite');
  const issuedAt = readWallTime(r, 'issued_at');
  const lifetimeSeconds = r.u32('lifetime');
  const clientAuthenticated = r.u8('client_authenticated');
  if (clientAuthenticated > 1) throw r.error('client_authenticated', `is ${clientAuthenticated}, not 0 or 1`);
  const masterLength = r.u8('len_master_secret');
  if (masterLength !== MASTER_SECRET_LENGTH)
    throw r.error('len_master_secret', `is ${masterLength}, not ${MASTER_SECRET_LENGTH}`);
  const masterSecret = r.bytes(masterLength, 'master_secret').slice();
  const serverName = readName(r, 'server_name');
  const pskIdentity = readOptionalVector(r, 'psk_identity', 2);
  // Tickets of the format before the grant end here: they no longer decode, so they do not resume.
  const grant = readVector(r, 'grant');
  r.finish();
  return {
    suite: suite.name,
    masterSecret,
    issuedAt,
    lifetimeSeconds,
    serverName,
    pskIdentity,
    clientAuthenticated: clientAuthenticated === 1,
    grant,
  };
}

/** A ticket for the session: its contents sealed under the current ticket key. */
export function sealTicket12(keys: TicketKeys, contents: Ticket12Contents): Uint8Array {
  const plain = encodeTicket12Contents(contents);
  try {
    return keys.seal(plain);
  } finally {
    plain.fill(0);
  }
}

/**
 * The session in a ticket the client offered, when it is ours, a 1.2 one, and unexpired by our clock; undefined for
 * anything else (openSealedTicket): the server then goes on with a full handshake (RFC 5077 §3.4), never an alert.
 */
export function openTicket12(keys: TicketKeys, ticket: Uint8Array, wallNow: number): Ticket12Contents | undefined {
  return openSealedTicket(keys, ticket, wallNow, decodeTicket12Contents);
}

const EMPTY = new Uint8Array(0);

/** Client: the session ID and SessionTicket extension of a ClientHello (RFC 5077 §3.2, §3.4). */
export interface TicketOffer12 {
  readonly sessionId: Uint8Array;
  readonly extensions: readonly ClientHelloExtension[];
}

/**
 * Client: an empty SessionTicket extension asks for a ticket; the session's ticket offers it. With a ticket the
 * ClientHello carries a session ID the server echoes when it accepts the ticket (RFC 5077 §3.4): the session's own, or
 * 32 random bytes when the server gave none.
 */
export function ticketOffer12(config: Config12, offered: Session12 | undefined): TicketOffer12 {
  if (!config.sessionTickets) return { sessionId: offered?.id ?? EMPTY, extensions: [] };
  const ticket = offered?.ticket;
  const sessionId =
    offered === undefined
      ? EMPTY
      : ticket !== undefined && offered.id.length === 0
        ? config.base.provider.randomBytes(32)
        : offered.id;
  return { sessionId, extensions: [{ extensionType: 'session_ticket', extensionData: { ticket: ticket ?? EMPTY } }] };
}

/** The server issues tickets: the client asked (SessionTicket in its ClientHello), and tickets are on here (`sessionTickets12`, `tickets` > 0). */
export function issuesTicket12(config: Config12, ch: ClientHello): boolean {
  return (
    config.sessionTickets &&
    config.base.tickets > 0 &&
    config.base.ticketKeys !== undefined &&
    findExtension(ch.extensions, 'session_ticket') !== undefined
  );
}

/** Server: a ClientHello's ticket that opens, with the session it resumes under the ClientHello's session ID. */
export interface TicketResumption12 {
  readonly session: Session12;
  readonly contents: Ticket12Contents;
}

/**
 * Server: the session the ClientHello's ticket resumes, or undefined (no ticket, tickets off, a ticket that does not
 * open, has expired, or was issued for another server name): a full handshake.
 */
export function ticketResumption12(config: Config12, ch: ClientHello, wallNow: number): TicketResumption12 | undefined {
  const offered = findExtension(ch.extensions, 'session_ticket');
  const keys = config.base.ticketKeys;
  if (offered === undefined || offered.ticket.length === 0 || keys === undefined || !config.sessionTickets)
    return undefined;
  // An empty session ID is allowed: the client then tells a resumption by the messages after ServerHello (RFC 5077
  // §3.4), as wolfSSL's client does, which always sends its ticket with an empty session ID.
  const contents = openTicket12(keys, offered.ticket, wallNow);
  if (contents === undefined || !resumableHere(config.base, ch, contents)) return undefined;
  const session: Session12 = {
    id: ch.legacySessionId.slice(),
    masterSecret: contents.masterSecret,
    suite: contents.suite,
    serverName: contents.serverName,
    expiresAt: contents.issuedAt + contents.lifetimeSeconds * 1000,
    ...(contents.pskIdentity !== undefined ? { pskIdentity: contents.pskIdentity } : {}),
  };
  return { session, contents };
}

/**
 * Server: the NewSessionTicket body for a session (RFC 5077 §3.3), its lifetime hint the seconds it has left, bound to
 * what this server grants (ticket-grant.ts); an empty ticket (§3.3: none after all) for a session whose PSK identity is
 * no longer known here.
 */
export function newSessionTicket12(
  config: Config12,
  keys: TicketKeys,
  contents: Omit<Ticket12Contents, 'grant'> & { readonly grant?: Uint8Array },
  wallNow: number,
): Uint8Array {
  // A renewed ticket keeps the grant its predecessor held (checked against ours when it was opened).
  const grant = contents.grant ?? ticketGrant(config.base, contents.pskIdentity);
  if (grant === undefined) return encodeTls12NewSessionTicket({ ticketLifetimeHint: 0, ticket: new Uint8Array(0) });
  const left = Math.max(1, Math.floor((contents.issuedAt + contents.lifetimeSeconds * 1000 - wallNow) / 1000));
  return encodeTls12NewSessionTicket({
    ticketLifetimeHint: Math.min(left, contents.lifetimeSeconds),
    // A literal, not a spread: one shape, no copy of V8's slow path.
    ticket: sealTicket12(keys, {
      suite: contents.suite,
      masterSecret: contents.masterSecret,
      issuedAt: contents.issuedAt,
      lifetimeSeconds: contents.lifetimeSeconds,
      serverName: contents.serverName,
      pskIdentity: contents.pskIdentity,
      clientAuthenticated: contents.clientAuthenticated,
      grant,
    }),
  });
}

/** Client: a NewSessionTicket's ticket and lifetime (seconds, 0: unspecified); an empty ticket is the server not issuing one after all (§3.3). */
export function acceptNewSessionTicket12(
  body: Uint8Array,
): { readonly ticket: Uint8Array; readonly lifetimeSeconds: number } | undefined {
  const nst = decodeTls12NewSessionTicket(body);
  return nst.ticket.length === 0 ? undefined : { ticket: nst.ticket.slice(), lifetimeSeconds: nst.ticketLifetimeHint };
}

/** Server: what a ticket issued in this handshake holds besides the keys: when the session began, for how long, for which server name. */
export interface TicketPlan12 {
  readonly issuedAt: number;
  readonly lifetimeSeconds: number;
  readonly serverName: string | undefined;
}

/** Server: a new session's ticket plan (the `ticketLifetime` option), or undefined when no ticket is issued. */
export function ticketPlan12(config: Config12, ch: ClientHello, wallNow: number): TicketPlan12 | undefined {
  if (!issuesTicket12(config, ch)) return undefined;
  return { issuedAt: wallNow, lifetimeSeconds: config.base.ticketLifetime, serverName: requestedName(ch) };
}

/** The ServerHello's empty SessionTicket extension: a NewSessionTicket follows (RFC 5077 §3.2). */
export const SESSION_TICKET_ANSWER: readonly Tls12ServerHelloExtension[] = [
  { extensionType: 'session_ticket', extensionData: {} },
];
