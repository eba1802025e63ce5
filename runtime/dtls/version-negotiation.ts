/**
 * Version negotiation (RFC 8446 §4.2.1 as RFC 9147 §5.3 keeps it; RFC 6347 §4.2.1), read off the first datagrams before
 * any connection or state takes them.
 *
 * The listener's choice from the first ClientHello (hello-responder.ts): a ClientHello whose supported_versions lists
 * DTLS 1.3 gets 1.3 when 1.3 is enabled; one without it gets 1.2 when 1.2 is enabled, which then writes the RFC 8446
 * §4.1.3 downgrade sentinel if this server could have done 1.3 (`offers13`). Anything else is refused. (A connection's
 * own server chooses by the same rule, runtime/connection/offered-versions.ts, in its 1.3 state's ClientHello step.)
 *
 * The client's reading of the server's first answer to a ClientHello that offered both (version-choice.ts): a
 * ServerHello or HelloRetryRequest with supported_versions is 1.3; a ServerHello without it whose server_version is
 * DTLS 1.2, or a HelloVerifyRequest, is 1.2, and the 1.2 state takes over from the ClientHello exactly as sent
 * (`SentClientHello`).
 *
 * Pure readers: a datagram in, a decision out; they never throw.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { decodeClientHello12 } from '../dtls12/client-hello-body12.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { offeredVersions } from '../connection/offered-versions.js';
import { isHelloVerifyRequest } from '../connection/hello-verify-request.js';
import { Reader } from '../wire/reader.js';
import { readDtls12Record, type Dtls12Record } from '../../generated/wire/dtls12-record.js';
import { decodeDatagram12 } from '../record/datagram12.js';
import type { DtlsVersionName } from '../versions/versions.js';

export type VersionChoice =
  /**
   * `clientHello`: the ClientHello read here, whole in the first record, for the cookie exchange and the version state
   * that takes it not to decode it again.
   */
  | { readonly version: 'DTLSv1.3'; readonly clientHello: DecodedClientHello }
  /**
   * `messageSeq`, `recordSequence`: the ClientHello's message_seq and its record's sequence number, which a
   * HelloVerifyRequest answering it repeats (hello-verify12.ts).
   */
  | {
      readonly version: 'DTLSv1.2';
      readonly offers13: boolean;
      readonly clientHello: DecodedClientHello;
      readonly messageSeq: number;
      readonly recordSequence: number;
    }
  /** Not a whole ClientHello in a first epoch-0 record: drop the datagram (no state, no answer). */
  | { readonly version: undefined; readonly reason: 'not-a-client-hello' }
  /** A ClientHello offering no enabled version: protocol_version. */
  | { readonly version: undefined; readonly reason: 'no-common-version' };

/**
 * The fragment of the datagram's first record when it is a DTLSPlaintext handshake record of epoch 0. Only that record
 * is read: what follows it (a 1.3 flight's protected records in the unified header, 0-RTT data) is the handshake's to
 * read. Throws DecodeError for a short first record.
 */
function firstHandshakeRecord(datagram: Uint8Array): Dtls12Record | undefined {
  const r = readDtls12Record(new Reader(datagram, 'Datagram12'));
  return r.epoch === 0 && r.type === 'handshake' ? r : undefined;
}

/** A ClientHello's body and what it decoded to. */
export interface DecodedClientHello {
  readonly body: Uint8Array;
  readonly hello: ClientHello;
}

/** The version to answer the ClientHello in `datagram` with, given the enabled versions (newest first). */
export function chooseServerVersion(datagram: Uint8Array, enabled: readonly DtlsVersionName[]): VersionChoice {
  let offered13: boolean;
  let legacy12: boolean;
  let clientHello: DecodedClientHello;
  let messageSeq: number;
  let recordSequence: number;
  try {
    const first = firstHandshakeRecord(datagram);
    if (first === undefined) return { version: undefined, reason: 'not-a-client-hello' };
    recordSequence = first.sequenceNumber;
    const f = readDtlsHandshake(new Reader(first.fragment, 'Handshake'));
    messageSeq = f.messageSeq;
    if (f.msgType !== 'client_hello' || f.fragmentOffset !== 0 || f.fragment.length !== f.length)
      return { version: undefined, reason: 'not-a-client-hello' };
    const ch = decodeClientHello12(f.fragment); // a 1.2 one may have no extensions (client-hello-body12.ts)
    clientHello = { body: f.fragment, hello: ch };
    // With supported_versions, only what it lists is offered (RFC 8446 §4.2.1); without, legacy_version says 1.2.
    ({ dtls13: offered13, dtls12: legacy12 } = offeredVersions(ch));
  } catch {
    return { version: undefined, reason: 'not-a-client-hello' };
  }
  if (offered13 && enabled.includes('DTLSv1.3')) return { version: 'DTLSv1.3', clientHello };
  if (legacy12 && enabled.includes('DTLSv1.2'))
    return { version: 'DTLSv1.2', offers13: enabled.includes('DTLSv1.3'), clientHello, messageSeq, recordSequence };
  return { version: undefined, reason: 'no-common-version' };
}

/** The supported_versions extension's type (RFC 8446 §4.2). */
const SUPPORTED_VERSIONS = 43;
const DTLS12 = 0xfefd;

/**
 * Which version the server's first answer in `datagram` chose: 'DTLSv1.2' for a HelloVerifyRequest or a ServerHello
 * without supported_versions that says DTLS 1.2; 'DTLSv1.3' for one with supported_versions (the 1.3 connection checks
 * what it selects); undefined when the datagram starts with neither, whole and well-formed (anything else goes to the
 * 1.3 connection, which drops or refuses it). Reads, never throws.
 */
export function answeredVersion(datagram: Uint8Array): 'DTLSv1.2' | 'DTLSv1.3' | undefined {
  return firstAnswer(datagram)?.version;
}

/** The version the answer chose, and whether the answer is a HelloVerifyRequest (not authenticated by any handshake). */
export function firstAnswer(
  datagram: Uint8Array,
): { readonly version: 'DTLSv1.2' | 'DTLSv1.3'; readonly helloVerifyRequest: boolean } | undefined {
  let fragment: Uint8Array;
  let msgType: string;
  try {
    const first = firstHandshakeRecord(datagram);
    if (first === undefined) return undefined;
    const f = readDtlsHandshake(new Reader(first.fragment, 'Handshake'));
    if (f.fragmentOffset !== 0 || f.fragment.length !== f.length) return undefined;
    msgType = String(f.msgType);
    if (msgType === 'hello_verify_request')
      return isHelloVerifyRequest(f.fragment) ? { version: 'DTLSv1.2', helloVerifyRequest: true } : undefined;
    if (msgType !== 'server_hello') return undefined;
    fragment = f.fragment;
  } catch {
    return undefined;
  }
  const version = serverHelloVersion(fragment);
  return version === undefined ? undefined : { version, helloVerifyRequest: false };
}

/** Whether `datagram` holds nothing but plaintext (epoch 0) alert records. */
export function plaintextAlertsOnly(datagram: Uint8Array): boolean {
  try {
    const records = decodeDatagram12(datagram);
    return (
      records.length > 0 &&
      records.every((w) => w.kind === 'record' && w.record.epoch === 0 && w.record.type === 'alert')
    );
  } catch {
    return false;
  }
}

/** server_version(2) random(32) session_id<0..32> cipher_suite(2) compression(1) extensions<0..2^16-1>: is supported_versions there? */
function serverHelloVersion(b: Uint8Array): 'DTLSv1.2' | 'DTLSv1.3' | undefined {
  if (b.length < 35) return undefined;
  const version = (b[0]! << 8) | b[1]!;
  let at = 34 + 1 + b[34]! + 3;
  if (at + 2 > b.length) return version === DTLS12 && at === b.length ? 'DTLSv1.2' : undefined;
  const end = at + 2 + ((b[at]! << 8) | b[at + 1]!);
  if (end !== b.length) return undefined;
  for (at += 2; at + 4 <= end;) {
    const type = (b[at]! << 8) | b[at + 1]!;
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (type === SUPPORTED_VERSIONS) return 'DTLSv1.3';
    at += 4 + length;
  }
  return version === DTLS12 ? 'DTLSv1.2' : undefined;
}

/**
 * Our ClientHello as the 1.3 connection sent it, gathered from its datagrams (it may be fragmented). The datagrams are
 * kept as sent and read only when a 1.2 answer asks for the ClientHello: a handshake that goes on in 1.3 never parses
 * its own ClientHello again.
 */
export class SentClientHello {
  private readonly datagrams: Uint8Array[] = [];

  /** Keeps one of our datagrams (read if the server answers in 1.2; not to be changed by the caller). */
  sent(datagram: Uint8Array): void {
    this.datagrams.push(datagram);
  }

  /** The whole ClientHello and the highest epoch-0 record sequence number sent, once every byte of it was seen. */
  whole(): { readonly body: Uint8Array; readonly messageSeq: number; readonly lastRecord: number } | undefined {
    let messageSeq = -1;
    let body: Uint8Array | undefined;
    let lastRecord = -1;
    const covered = new Map<number, number>();
    for (const datagram of this.datagrams) {
      try {
        for (const w of decodeDatagram12(datagram)) {
          if (w.kind !== 'record' || w.record.epoch !== 0) continue;
          lastRecord = Math.max(lastRecord, w.record.sequenceNumber);
          if (w.record.type !== 'handshake') continue;
          const r = new Reader(w.record.fragment, 'Handshake');
          while (r.pos < r.end) {
            const f = readDtlsHandshake(r);
            if (f.msgType !== 'client_hello') continue;
            if (f.messageSeq !== messageSeq) {
              messageSeq = f.messageSeq;
              body = new Uint8Array(f.length);
              covered.clear();
            }
            if (body === undefined || f.fragmentOffset + f.fragment.length > body.length) continue;
            body.set(f.fragment, f.fragmentOffset);
            covered.set(f.fragmentOffset, f.fragment.length);
          }
        }
      } catch {
        // our own datagrams decode; nothing to learn from one that does not
      }
    }
    if (body === undefined) return undefined;
    let total = 0;
    for (const length of covered.values()) total += length;
    return total === body.length ? { body, messageSeq, lastRecord } : undefined;
  }
}
