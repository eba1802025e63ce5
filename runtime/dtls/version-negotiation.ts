/**
 * The listener's version negotiation (RFC 8446 §4.2.1 as RFC 9147 §5.3 keeps it; RFC 6347 §4.2.1), read off a first
 * datagram before any connection exists (hello-responder.ts): a ClientHello whose supported_versions lists DTLS 1.3
 * gets 1.3 when 1.3 is enabled; one without it gets 1.2 when 1.2 is enabled, which then writes the RFC 8446 §4.1.3
 * downgrade sentinel if this server could have done 1.3 (`offers13`). Anything else is refused. (A connection chooses
 * in its 1.3 state's hello steps: the server's first ClientHello by the same rule, runtime/connection/offered-versions.ts,
 * the client's first answer by runtime/connection/first-answer.ts.)
 *
 * A pure reader: a datagram in, a decision out; it never throws.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { decodeClientHello12 } from '../dtls12/client-hello-body12.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { offeredVersions } from '../connection/offered-versions.js';
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

/** A ClientHello's body and what it decoded to. */
export interface DecodedClientHello {
  readonly body: Uint8Array;
  readonly hello: ClientHello;
}

/** The version to answer the ClientHello in `datagram` with, given the enabled versions (newest first). */
export function chooseServerVersion(datagram: Uint8Array, enabled: readonly DtlsVersionName[]): ServerVersionChoice {
  let offered13: boolean;
  let legacy12: boolean;
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
