/**
 * Connection IDs in a DTLS 1.2 handshake (RFC 9146 §3): each side names in its hello the CID it wants on the records
 * sent to it; an empty one means "send me none" while still agreeing to put the peer's in its own records. CIDs are in
 * force only when both hellos carry connection_id, and only on the records protected after ChangeCipherSpec (epoch 1):
 * those go out as tls12_cid records (content type 25) in each direction whose receiver asked for a non-empty CID. The
 * option is the 1.3 connection's (`cid`, resolved as `connectionIds`); 1.2 has no NewConnectionId, so only the length
 * and `generate` apply (no spares), and RRC (RFC 9853) is not negotiated in 1.2: dtls13 does not offer rrc there, and a
 * ServerHello that carries it is unsupported_extension.
 *
 * A peer's CID may be up to 255 bytes (RFC 9146 §3), and every record to it carries it: one that leaves less than
 * MIN_RECORD_ROOM_12 bytes of content in a record within `maxDatagramSize` (after the header, the type byte and the
 * largest AEAD overhead) is not taken. A server then leaves connection_id unanswered (no CIDs); a client refuses the
 * ServerHello with handshake_failure.
 */
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/client-hello.js';
import type { Tls12ServerHello, Tls12ServerHelloExtension } from '../../generated/wire/tls12-server-hello.js';
import type { ResolvedConnectionIds } from '../cid/cid-options.js';
import type { NegotiatedIds } from '../shared/connection-facts.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';

/** The CIDs both sides settled on; an empty CID means records in that direction carry none. */
export interface Cids12 {
  /** Ours: the CID on the records the peer sends here. */
  readonly local: Uint8Array;
  /** The peer's: the CID on the records we send. */
  readonly peer: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Content bytes a record to the peer must still hold beside its CID. */
export const MIN_RECORD_ROOM_12 = 64;
/** Header (13), DTLSInnerPlaintext's type byte, and the largest 1.2 AEAD overhead (8-byte explicit nonce, 16-byte tag). */
const CID_RECORD_OVERHEAD = 13 + 1 + 8 + 16;

/** Whether records carrying a peer's CID of `length` bytes still fit `maxDatagramSize` with room for content. */
export function peerCidFits12(length: number, maxDatagramSize: number): boolean {
  return CID_RECORD_OVERHEAD + length + MIN_RECORD_ROOM_12 <= maxDatagramSize;
}

/** A new CID of ours (empty for a zero-length one). */
export function newLocalCid12(options: ResolvedConnectionIds): Uint8Array {
  return options.length === 0 ? EMPTY : options.generate(options.length);
}

/** The ClientHello's connection_id carrying `local`; none without the option. */
export function cidOffer12(local: Uint8Array | undefined): ClientHelloExtension[] {
  return local === undefined ? [] : [{ extensionType: 'connection_id', extensionData: { cid: local } }];
}

/** The CID a ClientHello offered (empty for a zero-length one); undefined when it carries no connection_id. */
export function offeredCid12(ch: ClientHello): Uint8Array | undefined {
  return findExtension(ch.extensions, 'connection_id')?.cid;
}

/**
 * Client: the CIDs the ServerHello settled, given the CID we offered. Undefined when the server did not answer (or we
 * did not offer: the generic check refused an answer to nothing).
 *
 * @throws ProtocolError unsupported_extension for rrc, which 1.2 does not negotiate here; handshake_failure for a CID
 *         too long for `maxDatagramSize`.
 */
export function acceptedCids12(
  offered: Uint8Array | undefined,
  sh: Tls12ServerHello,
  maxDatagramSize: number,
): Cids12 | undefined {
  if (sh.extensions.some((e) => e.extensionType === 'rrc'))
    throw new ProtocolError(
      'unsupported_extension',
      'a DTLS 1.2 ServerHello carries rrc, which dtls13 does not negotiate in 1.2',
    );
  const answer = findExtension(sh.extensions, 'connection_id');
  if (answer === undefined) return undefined;
  if (offered === undefined)
    throw new ProtocolError(
      'unsupported_extension',
      'ServerHello answers connection_id, which the client did not offer (RFC 9146 §3)',
    );
  if (!peerCidFits12(answer.cid.length, maxDatagramSize)) {
    throw new ProtocolError(
      'handshake_failure',
      `the server's ${answer.cid.length}-byte CID leaves too little room in a ${maxDatagramSize}-byte datagram`,
    );
  }
  return { local: offered, peer: answer.cid.slice() };
}

/**
 * Server: when the client offered connection_id and we have the option, our CID for the ServerHello and the CIDs
 * settled.
 */
export function answerCid12(
  options: ResolvedConnectionIds | undefined,
  ch: ClientHello,
  maxDatagramSize: number,
): { readonly answer: Tls12ServerHelloExtension; readonly cids: Cids12 } | undefined {
  const offered = offeredCid12(ch);
  if (options === undefined || offered === undefined || !peerCidFits12(offered.length, maxDatagramSize))
    return undefined;
  const local = newLocalCid12(options);
  return {
    answer: { extensionType: 'connection_id', extensionData: { cid: local } },
    cids: { local, peer: offered.slice() },
  };
}

/**
 * Connection IDs settled by the hellos, as both versions keep them (connection-facts.ts): `local.current` is the CID on
 * records to us (undefined for a zero-length one), `peer.current` the one on ours; 1.2 has no spares and no RRC.
 */
export function negotiatedIds12(c: Cids12): NegotiatedIds {
  const local = c.local.length > 0 ? c.local : undefined;
  return {
    local: { current: local, active: local === undefined ? [] : [local] },
    peer: { current: c.peer, spares: 0 },
    rrcNegotiated: false,
  };
}
