import { cipherSuiteFromNumber, cipherSuiteToNumber } from '../../generated/wire/enums.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { Reader } from '../wire/reader.js';
import { scratchWriter } from '../wire/scratch.js';
import type { Writer } from '../wire/writer.js';
import type { TicketAddress } from './ticket-address.js';
import type { TicketKeys } from './ticket-keys.js';
import { readWallTime, writeWallTime } from './wall-time.js';

/** What a server needs to resume a session, sealed in its own ticket (RFC 8446 §4.6.1 leaves the contents to it). */
export interface TicketContents {
  readonly suite: SupportedCipherSuite;
  readonly psk: Uint8Array;
  /** Wall-clock ms when the server issued it. */
  readonly issuedAt: number;
  readonly lifetimeSeconds: number;
  readonly ticketAgeAdd: number;
  /** The server_name the client sent in the original handshake (undefined when none). */
  readonly serverName: string | undefined;
  readonly clientAuthenticated: boolean;
  /** The early data this ticket allows (0: none). */
  readonly maxEarlyData: number;
  /** The application protocol of the session (early data is only for it). */
  readonly alpn: string | undefined;
  /** The client's address when the ticket was issued: 0-RTT skips the cookie only from it (empty: from nowhere). */
  readonly address: TicketAddress;
  /** The external PSK identity the session stands on (made with it, or resumed from a ticket of such a session). */
  readonly pskIdentity: Uint8Array | undefined;
  /** What the issuing server granted (runtime/connection/ticket-grant.ts): a server resumes the ticket only when it would grant the same now. */
  readonly grant: Uint8Array;
  /** The anti-replay store's generation when the ticket was issued (session/anti-replay.ts): 0-RTT only under the same. */
  readonly replayGeneration: Uint8Array;
}

/**
 * The format: 4 added the grant and the PSK identity, 5 the anti-replay store's generation. Tickets of the formats
 * before carry neither, so they do not open: a full handshake.
 */
const VERSION = 5;
/** One decoder for every call (a decoder per call was a handshake's garbage). */
const utf8Decoder = new TextDecoder();

export function encodeTicketContents(t: TicketContents): Uint8Array {
  const w = scratchWriter('TicketContents');
  writeTicketContents(w, t);
  return w.finish().slice();
}

/** The ticket of `t` sealed under `keys` from the scratch writer, whose copy of the PSK is then zeroed. */
export function sealTicketContents(keys: TicketKeys, t: TicketContents): Uint8Array {
  const w = scratchWriter('TicketContents');
  writeTicketContents(w, t);
  const plain = w.finish();
  try {
    return keys.seal(plain);
  } finally {
    plain.fill(0);
  }
}

function writeTicketContents(w: Writer, t: TicketContents): void {
  w.u8(VERSION, 'version');
  w.u16(cipherSuiteToNumber(t.suite), 'suite');
  writeWallTime(w, t.issuedAt, 'issued_at');
  w.u32(t.lifetimeSeconds, 'lifetime');
  w.u32(t.ticketAgeAdd, 'ticket_age_add');
  w.u32(t.maxEarlyData, 'max_early_data');
  w.u8(t.clientAuthenticated ? 1 : 0, 'client_authenticated');
  w.u8(t.psk.length, 'len_psk');
  w.bytes(t.psk);
  writeName(w, t.serverName ?? '', 'len_server_name');
  writeName(w, t.alpn ?? '', 'len_alpn');
  w.u8(t.address.length, 'len_address');
  w.bytes(t.address);
  const identity = t.pskIdentity ?? EMPTY;
  w.u16(identity.length, 'len_psk_identity');
  w.bytes(identity);
  w.u8(t.grant.length, 'len_grant');
  w.bytes(t.grant);
  w.u8(t.replayGeneration.length, 'len_replay_generation');
  w.bytes(t.replayGeneration);
}

const EMPTY = new Uint8Array(0);

/** `name` in UTF-8 after its one-byte length. */
function writeName(w: Writer, name: string, field: string): void {
  const at = w.reserve(1);
  const start = w.pos;
  w.utf8(name);
  w.patchLength(at, 1, start, 0, 255, field);
}

/** The contents of a ticket that opened under one of our keys; a DecodeError when it does not parse (never for a peer's bytes: those failed to open). */
export function decodeTicketContents(bytes: Uint8Array): TicketContents {
  const r = new Reader(bytes, 'TicketContents');
  const version = r.u8('version');
  if (version !== VERSION) throw r.error('version', `version ${version} is not supported`, 0);
  const suiteNumber = r.u16('suite');
  const suite = cipherSuiteFromNumber(suiteNumber);
  if (typeof suite !== 'string' || !(suite in CIPHER_SUITES))
    throw r.error('suite', `cipher suite 0x${suiteNumber.toString(16)} is not supported`, 1);
  const issuedAt = readWallTime(r, 'issued_at');
  const lifetimeSeconds = r.u32('lifetime');
  const ticketAgeAdd = r.u32('ticket_age_add');
  const maxEarlyData = r.u32('max_early_data');
  const clientAuthenticated = r.u8('client_authenticated') === 1;
  const psk = r.bytes(r.u8('len_psk'), 'psk').slice();
  const name = r.bytes(r.u8('len_server_name'), 'server_name');
  const alpn = r.bytes(r.u8('len_alpn'), 'alpn');
  const address = r.bytes(r.u8('len_address'), 'address').slice();
  const identity = r.bytes(r.u16('len_psk_identity'), 'psk_identity');
  const grant = r.bytes(r.u8('len_grant'), 'grant').slice();
  const replayGeneration = r.bytes(r.u8('len_replay_generation'), 'replay_generation').slice();
  r.finish();
  return {
    suite: suite as SupportedCipherSuite,
    psk,
    issuedAt,
    lifetimeSeconds,
    ticketAgeAdd,
    serverName: name.length === 0 ? undefined : utf8Decoder.decode(name),
    clientAuthenticated,
    maxEarlyData,
    alpn: alpn.length === 0 ? undefined : utf8Decoder.decode(alpn),
    address,
    pskIdentity: identity.length === 0 ? undefined : identity.slice(),
    grant,
    replayGeneration,
  };
}
