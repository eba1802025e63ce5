import { cipherSuiteToNumber } from '../../generated/wire/enums.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { readName, readSuite, supportedSuite13, writeName, writeVector } from './blob-fields.js';
import { readWallTime, writeWallTime } from './wall-time.js';

/** What a client keeps of a NewSessionTicket to resume (RFC 8446 §4.6.1), bound to the authenticated server name. */
export interface ResumptionTicket {
  readonly suite: SupportedCipherSuite;
  /** The name (or address) the original handshake authenticated; undefined when no name was checked. */
  readonly serverName: string | undefined;
  readonly ticket: Uint8Array;
  /** HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
  readonly psk: Uint8Array;
  readonly ticketAgeAdd: number;
  /** Wall-clock time the ticket arrived, ms since the epoch. */
  readonly receivedAt: number;
  readonly lifetimeSeconds: number;
  /** max_early_data_size of the ticket's early_data extension; 0 when the server takes no early data. */
  readonly maxEarlyData: number;
}

/** @deprecated Use {@link ResumptionTicket} (the same thing: "session" is the `DtlsSession` only). */
export type ClientSession = ResumptionTicket;

const MAGIC = 0x44313353; // "D13S"
const VERSION = 1;

/** The ticket as bytes an application can store (a file, a database) and pass back to `connect({ session })`. Secret: it holds the PSK. */
export function encodeResumptionTicket(s: ResumptionTicket): Uint8Array {
  const w = new Writer('ClientSession');
  w.u32(MAGIC, 'magic');
  w.u8(VERSION, 'version');
  w.u16(cipherSuiteToNumber(s.suite), 'suite');
  writeWallTime(w, s.receivedAt, 'received_at');
  w.u32(s.lifetimeSeconds, 'lifetime');
  w.u32(s.ticketAgeAdd, 'ticket_age_add');
  w.u32(s.maxEarlyData, 'max_early_data');
  writeVector(w, 'psk', s.psk);
  writeVector(w, 'ticket', s.ticket, 2);
  writeName(w, 'server_name', s.serverName);
  return w.finish().slice();
}

/** Reads a stored ticket; a DecodeError names the field and offset of what is wrong. */
export function decodeResumptionTicket(bytes: Uint8Array): ResumptionTicket {
  const r = new Reader(bytes, 'ClientSession');
  if (r.u32('magic') !== MAGIC) throw r.error('magic', 'not a dtls13 session (bad magic)', 0);
  const version = r.u8('version');
  if (version !== VERSION) throw r.error('version', `version ${version} is not supported (expected ${VERSION})`, 4);
  const suite = readSuite(r, supportedSuite13, 'supported');
  const receivedAt = readWallTime(r, 'received_at');
  const lifetimeSeconds = r.u32('lifetime');
  const ticketAgeAdd = r.u32('ticket_age_add');
  const maxEarlyData = r.u32('max_early_data');
  const lenPsk = r.u8('len_psk');
  const hashLength = CIPHER_SUITES[suite].hashLength;
  if (lenPsk !== hashLength)
    throw r.error('len_psk', `${lenPsk} bytes, the suite's hash needs ${hashLength}`, r.pos - 1);
  const psk = r.bytes(lenPsk, 'psk').slice();
  const lenTicket = r.u16('len_ticket');
  if (lenTicket === 0) throw r.error('len_ticket', 'the ticket is empty', r.pos - 2);
  const ticket = r.bytes(lenTicket, 'ticket').slice();
  const serverName = readName(r, 'server_name');
  r.finish();
  return {
    suite,
    serverName,
    ticket,
    psk,
    ticketAgeAdd,
    receivedAt,
    lifetimeSeconds,
    maxEarlyData,
  };
}

/** @deprecated Use {@link encodeResumptionTicket}. */
export const encodeClientSession = encodeResumptionTicket;
/** @deprecated Use {@link decodeResumptionTicket}. */
export const decodeClientSession = decodeResumptionTicket;

/** Whether the ticket's lifetime has run out at `now` (ms). */
export function sessionExpired(s: ResumptionTicket, now: number): boolean {
  return now - s.receivedAt >= s.lifetimeSeconds * 1000;
}
