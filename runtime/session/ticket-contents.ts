import { cipherSuiteToNumber } from '../../generated/wire/enums.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import { Reader } from '../wire/reader.js';
import { scratchWriter } from '../wire/scratch.js';
import type { Writer } from '../wire/writer.js';
import {
  readName,
  readOptionalVector,
  readSuite,
  readVector,
  supportedSuite13,
  writeName,
  writeVector,
} from './blob-fields.js';
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
  /** What the issuing server granted (runtime/shared/ticket-grant.ts): a server resumes the ticket only when it would grant the same now. */
  readonly grant: Uint8Array;
  /** The anti-replay store's generation when the ticket was issued (session/anti-replay.ts): 0-RTT only under the same. */
  readonly replayGeneration: Uint8Array;
}

/**
 * The format: 4 added the grant and the PSK identity, 5 the anti-replay store's generation. Tickets of the formats
 * before carry neither, so they do not open: a full handshake.
 */
const VERSION = 5;

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
  writeVector(w, 'psk', t.psk);
  writeName(w, 'server_name', t.serverName);
  writeName(w, 'alpn', t.alpn);
  writeVector(w, 'address', t.address);
  writeVector(w, 'psk_identity', t.pskIdentity, 2);
  writeVector(w, 'grant', t.grant);
  writeVector(w, 'replay_generation', t.replayGeneration);
}

/** The contents of a ticket that opened under one of our keys; a DecodeError when it does not parse (never for a peer's bytes: those failed to open). */
export function decodeTicketContents(bytes: Uint8Array): TicketContents {
  const r = new Reader(bytes, 'TicketContents');
  const version = r.u8('version');
  if (version !== VERSION) throw r.error('version', `version ${version} is not supported`, 0);
  const suite = readSuite(r, supportedSuite13, 'supported');
  const issuedAt = readWallTime(r, 'issued_at');
  const lifetimeSeconds = r.u32('lifetime');
  const ticketAgeAdd = r.u32('ticket_age_add');
  const maxEarlyData = r.u32('max_early_data');
  const clientAuthenticated = r.u8('client_authenticated') === 1;
  const psk = readVector(r, 'psk');
  const serverName = readName(r, 'server_name');
  const alpn = readName(r, 'alpn');
  const address = readVector(r, 'address');
  const pskIdentity = readOptionalVector(r, 'psk_identity', 2);
  const grant = readVector(r, 'grant');
  const replayGeneration = readVector(r, 'replay_generation');
  r.finish();
  return {
    suite,
    psk,
    issuedAt,
    lifetimeSeconds,
    ticketAgeAdd,
    serverName,
    clientAuthenticated,
    maxEarlyData,
    alpn,
    address,
    pskIdentity,
    grant,
    replayGeneration,
  };
}
