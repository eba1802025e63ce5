/**
 * DTLS-SRTP (RFC 5764) in a DTLS 1.2 handshake: the client's use_srtp in the ClientHello, the server's answer in the
 * ServerHello (RFC 5764 §4.1.1; 1.3 moves it to EncryptedExtensions, the body is the same). The option is the 1.3
 * connection's (`srtp`), the choice the same (runtime/shared/srtp.ts: the server's first preference the client
 * offered; none in common: no answer and no SRTP), and so are the keys: `srtpKeyingMaterial` over the 1.2 connection's
 * RFC 5705 exporter with "EXTRACTOR-dtls_srtp" (§4.2).
 *
 * MKI: dtls13 offers none. A server answers with an empty srtp_mki (it does not use the client's, RFC 5764 §4.1.1 lets
 * it); a client takes an answer whose MKI is empty or the one it offered (a ClientHello dtls13 did not build may carry
 * one), anything else is illegal_parameter.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import type { UseSrtpData } from '../../generated/wire/ext-use-srtp.js';
import { SRTP_PROFILES, acceptedSrtpProfile, type SrtpProfileName } from '../shared/srtp.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { bytesEqual } from '../wire/bytes.js';

/** What a ClientHello's use_srtp offered: the profiles dtls13 knows, in its order, and the MKI. */
export interface SrtpOffer12 {
  readonly profiles: readonly SrtpProfileName[];
  readonly mki: Uint8Array;
}

const NAMES = Object.keys(SRTP_PROFILES) as SrtpProfileName[];

/** What a ClientHello offered in use_srtp; undefined without it. */
export function offeredSrtp12(ch: ClientHello): SrtpOffer12 | undefined {
  const offer = findExtension(ch.extensions, 'use_srtp');
  if (offer === undefined) return undefined;
  const profiles = offer.protectionProfiles.flatMap((p) => NAMES.filter((n) => SRTP_PROFILES[n].wire === p));
  return { profiles, mki: offer.srtpMki };
}

/**
 * The client's reading of the answer.
 *
 * @throws ProtocolError illegal_parameter unless it names exactly one offered profile, with no MKI or the offered one
 *         (RFC 5764 §4.1.1).
 */
export function acceptedSrtp12(offer: SrtpOffer12 | undefined, answer: UseSrtpData): SrtpProfileName {
  if (offer !== undefined && offer.mki.length > 0 && answer.srtpMki.length > 0) {
    if (!bytesEqual(offer.mki, answer.srtpMki))
      throw new ProtocolError(
        'illegal_parameter',
        'the server answered use_srtp with an MKI we did not offer (RFC 5764 §4.1.1)',
      );
    return acceptedSrtpProfile(offer.profiles, { ...answer, srtpMki: new Uint8Array(0) });
  }
  return acceptedSrtpProfile(offer?.profiles, answer);
}
