/**
 * The application extensions of a DTLS 1.2 handshake as one offer and one answer: ALPN (alpn-negotiation.ts), use_srtp
 * (srtp.ts) and connection_id (cid.ts), read from the options the 1.3 connection reads (`alpn`, `srtp`, `cid`).
 *
 * The client's checks work from `Offer12Extensions`, what a ClientHello offered, read back from the ClientHello itself:
 * the same checks hold whether the 1.2 client built the hello (hello.ts) or the 1.3 client did and a 1.2 server
 * answered (the three extensions have the same code points and bodies in both versions).
 */
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/client-hello.js';
import type { Tls12ServerHello, Tls12ServerHelloExtension } from '../../generated/wire/tls12-server-hello.js';
import type { ResolvedConfig } from '../shared/config.js';
import { findExtension } from '../handshake/extensions.js';
import { certificateTypeOffer } from '../shared/certificate-types.js';
import { acceptedAlpn, chooseAlpn, offeredAlpn, protocolNameList } from '../shared/alpn-negotiation.js';
import { acceptedCids12, answerCid12, cidOffer12, newLocalCid12, offeredCid12, type Cids12 } from './cid.js';
import { acceptedSrtp12, offeredSrtp12, type SrtpOffer12 } from './srtp.js';
import { chooseSrtp, srtpAnswer, srtpOffer, type SrtpProfileName } from '../shared/srtp.js';

/** What a ClientHello offered of ALPN, use_srtp and connection_id. */
export interface Offer12Extensions {
  readonly alpn: readonly string[] | undefined;
  readonly srtp: SrtpOffer12 | undefined;
  /** Our CID as offered (empty: a zero-length one); undefined: connection_id not offered. */
  readonly cid: Uint8Array | undefined;
}

/** What the hellos settled. */
export interface Negotiated12Extensions {
  readonly alpnProtocol: string | undefined;
  readonly srtpProfile: SrtpProfileName | undefined;
  /** Undefined when connection_id was not in both hellos. */
  readonly cids: Cids12 | undefined;
}

/** The client's ALPN, use_srtp and connection_id for a 1.2 ClientHello (a fresh CID of ours when `cid` is set). */
export function clientExtensions12(config: ResolvedConfig): ClientHelloExtension[] {
  const cid = config.connectionIds === undefined ? undefined : newLocalCid12(config.connectionIds);
  const alpn = config.alpnOffer;
  return [
    ...(alpn === undefined
      ? []
      : [{ extensionType: 'application_layer_protocol_negotiation' as const, extensionData: protocolNameList(alpn) }]),
    ...(config.srtp === undefined
      ? []
      : [{ extensionType: 'use_srtp' as const, extensionData: srtpOffer(config.srtp) }]),
    ...cidOffer12(cid),
    ...certificateTypeOffer(config),
  ];
}

/** What `ch` offered, whoever built it. */
export function offerFromClientHello12(ch: ClientHello): Offer12Extensions {
  return { alpn: offeredAlpn(ch), srtp: offeredSrtp12(ch), cid: offeredCid12(ch) };
}

/**
 * The client's reading of a ServerHello's answers (after checkServerHello12, which refused any extension not offered
 * with unsupported_extension).
 *
 * @throws ProtocolError illegal_parameter for an ALPN or SRTP answer that is not one of ours; unsupported_extension for rrc;
 *   handshake_failure for a server CID that leaves too little room in `maxDatagramSize`.
 */
export function acceptServerExtensions12(
  sh: Tls12ServerHello,
  offer: Offer12Extensions,
  maxDatagramSize: number,
): Negotiated12Extensions {
  const alpn = findExtension(sh.extensions, 'application_layer_protocol_negotiation');
  const srtp = findExtension(sh.extensions, 'use_srtp');
  return {
    alpnProtocol: alpn === undefined ? undefined : acceptedAlpn(offer.alpn, alpn),
    srtpProfile: srtp === undefined ? undefined : acceptedSrtp12(offer.srtp, srtp),
    cids: acceptedCids12(offer.cid, sh, maxDatagramSize),
  };
}

/**
 * The server's answers to a ClientHello, and what they settle.
 *
 * @throws ProtocolError no_application_protocol when ALPN finds nothing in common (RFC 7301 §3.2).
 */
export function answerClientExtensions12(
  config: ResolvedConfig,
  ch: ClientHello,
): { readonly answers: Tls12ServerHelloExtension[]; readonly negotiated: Negotiated12Extensions } {
  const alpnProtocol = chooseAlpn(config.alpnSelect, ch);
  const srtpProfile = chooseSrtp(config.srtp, ch);
  const cid = answerCid12(config.connectionIds, ch, config.maxDatagramSize);
  const answers: Tls12ServerHelloExtension[] = [];
  if (alpnProtocol !== undefined)
    answers.push({
      extensionType: 'application_layer_protocol_negotiation',
      extensionData: protocolNameList([alpnProtocol]),
    });
  if (srtpProfile !== undefined) answers.push({ extensionType: 'use_srtp', extensionData: srtpAnswer(srtpProfile) });
  if (cid !== undefined) answers.push(cid.answer);
  return { answers, negotiated: { alpnProtocol, srtpProfile, cids: cid?.cids } };
}
