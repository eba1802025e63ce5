/**
 * A client's DTLS 1.2 session as the bytes `session.session`, `session.ticket` and `onticket` hand out and `connect({
 * session })` takes back: the server's RFC 5077 ticket (when it gave one), the session ID (RFC 5246 §7.3), the master
 * secret, the suite and the server name. Only sessions made with the extended master secret are kept (RFC 7627 §5.3),
 * and the blob says so.
 *
 * It starts with its own magic, "D12S", where a 1.3 session (runtime/session/client-session.ts) starts with "D13S":
 * neither decoder takes the other's bytes, so a 1.2 session never resumes as 1.3 nor the reverse. It holds a secret.
 */
import { cipherSuiteToNumber } from '../../generated/wire/enums.js';
import { readName, readOptionalVector, readSuite, readVector, writeName, writeVector } from '../session/blob-fields.js';
import { readWallTime, writeWallTime } from '../session/wall-time.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { MASTER_SECRET_LENGTH } from './key-derivation.js';
import type { Session12 } from './session.js';
import { dtls12Suite } from '../versions/suites12.js';

/** "D12S". */
const MAGIC12 = 0x44313253;
const VERSION = 1;
/** A session ID is at most 32 bytes (RFC 5246 §7.4.1.2). */
const MAX_SESSION_ID = 32;

/** Whether `bytes` say they are a stored DTLS 1.2 session (its magic; {@link decodeSession12} checks the rest). */
export function isSession12Blob(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 === MAGIC12;
}

/**
 * magic(4) version(1) suite(2) expires_at(8) extended_master_secret(1) master_secret<48> session_id<0..32>
 * ticket<0..2^16-1> server_name<0..255> psk_identity<0..2^16-1>.
 */
export function encodeSession12(s: Session12): Uint8Array {
  const w = new Writer('Session12');
  w.u32(MAGIC12, 'magic');
  w.u8(VERSION, 'version');
  w.u16(cipherSuiteToNumber(s.suite), 'suite');
  writeWallTime(w, s.expiresAt, 'expires_at');
  w.u8(1, 'extended_master_secret');
  writeVector(w, 'master_secret', s.masterSecret);
  writeVector(w, 'session_id', s.id);
  writeVector(w, 'ticket', s.ticket, 2);
  writeName(w, 'server_name', s.serverName);
  writeVector(w, 'psk_identity', s.pskIdentity, 2);
  return w.finish().slice();
}

/** A stored 1.2 session; a DecodeError names the field and offset of what is wrong. */
export function decodeSession12(bytes: Uint8Array): Session12 {
  const r = new Reader(bytes, 'Session12');
  if (r.u32('magic') !== MAGIC12) throw r.error('magic', 'not a dtls13 DTLS 1.2 session (bad magic)', 0);
  const version = r.u8('version');
  if (version !== VERSION) throw r.error('version', `version ${version} is not supported (expected ${VERSION})`, 4);
  const suite = readSuite(r, dtls12Suite, 'a DTLS 1.2 suite');
  const expiresAt = readWallTime(r, 'expires_at');
  const ems = r.u8('extended_master_secret');
  if (ems !== 1)
    throw r.error(
      'extended_master_secret',
      `is ${ems}: only sessions made with the extended master secret resume (RFC 7627 §5.3)`,
      r.pos - 1,
    );
  const masterLength = r.u8('len_master_secret');
  if (masterLength !== MASTER_SECRET_LENGTH)
    throw r.error('len_master_secret', `is ${masterLength}, not ${MASTER_SECRET_LENGTH}`, r.pos - 1);
  const masterSecret = r.bytes(masterLength, 'master_secret').slice();
  const idLength = r.u8('len_session_id');
  if (idLength > MAX_SESSION_ID)
    throw r.error('len_session_id', `is ${idLength}, more than ${MAX_SESSION_ID}`, r.pos - 1);
  const id = r.bytes(idLength, 'session_id').slice();
  const ticket = readVector(r, 'ticket', 2);
  if (id.length === 0 && ticket.length === 0)
    throw r.error('len_ticket', 'a session with neither a session ID nor a ticket cannot be resumed', r.pos - 2);
  const serverName = readName(r, 'server_name');
  const pskIdentity = readOptionalVector(r, 'psk_identity', 2);
  r.finish();
  return {
    id,
    masterSecret,
    suite: suite.name,
    serverName,
    expiresAt,
    ...(ticket.length > 0 ? { ticket } : {}),
    ...(pskIdentity !== undefined ? { pskIdentity } : {}),
  };
}
