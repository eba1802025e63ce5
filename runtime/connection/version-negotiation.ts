/**
 * The listener's version choice, read off a first datagram before any connection exists (hello-responder.ts): the
 * ClientHello whole in its first record, chosen on by the hello phase's rule (hello-phase.ts `chooseVersion`, the one
 * a connection's server hello phase calls). DTLS 1.2 chosen where 1.3 is enabled too writes the RFC 8446 §4.1.3
 * downgrade sentinel (`offers13`). None in common is refused.
 *
 * A pure reader: a datagram in, a decision out; it never throws.
 */
import { decodeClientHello12 } from '../dtls12/client-hello-body.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { chooseVersion, type DecodedClientHello } from './hello-phase.js';
import { Reader } from '../wire/reader.js';
import { readDtls12Record } from '../../generated/wire/dtls12-record.js';
import type { DtlsVersionName } from '../versions/versions.js';

export type ServerVersionChoice =
  /**
   * `clientHello`: the ClientHello read here, whole in the first record, for the cookie exchange and the version state
   * that takes it not to decode it again.
   */
  | { readonly version: 'DTLSv1.3'; readonly clientHello: DecodedClientHello }
  /**
   * `messageSeq`, `recordSequence`: the ClientHello's message_seq and its record's sequence number, which a
   * HelloVerifyRequest answering it repeats (hello-verify.ts).
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

export type { DecodedClientHello };

/** The version to answer the ClientHello in `datagram` with, given the enabled versions (newest first). */
export function chooseServerVersion(datagram: Uint8Array, enabled: readonly DtlsVersionName[]): ServerVersionChoice {
  let clientHello: DecodedClientHello;
  let messageSeq: number;
  let recordSequence: number;
  try {
    // Only the first record, a DTLSPlaintext handshake one of epoch 0, is read: what follows it (a 1.3 flight's
    // protected records, 0-RTT data) is the handshake's.
    const first = readDtls12Record(new Reader(datagram, 'Datagram12'));
    if (first.epoch !== 0 || first.type !== 'handshake') return { version: undefined, reason: 'not-a-client-hello' };
    recordSequence = first.sequenceNumber;
    const f = readDtlsHandshake(new Reader(first.fragment, 'Handshake'));
    messageSeq = f.messageSeq;
    if (f.msgType !== 'client_hello' || f.fragmentOffset !== 0 || f.fragment.length !== f.length)
      return { version: undefined, reason: 'not-a-client-hello' };
    const ch = decodeClientHello12(f.fragment); // a 1.2 one may have no extensions (client-hello-body.ts)
    clientHello = { body: f.fragment, hello: ch };
  } catch {
    return { version: undefined, reason: 'not-a-client-hello' };
  }
  const version = chooseVersion(clientHello, enabled);
  if (version === 'DTLSv1.3') return { version, clientHello };
  if (version === 'DTLSv1.2')
    return { version: 'DTLSv1.2', offers13: enabled.includes('DTLSv1.3'), clientHello, messageSeq, recordSequence };
  return { version: undefined, reason: 'no-common-version' };
}
