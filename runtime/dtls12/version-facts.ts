/** DTLS 1.2's answers to what a session above the connection asks (runtime/shared/connection-api.ts, VersionFacts). */
import type { VersionFacts } from '../shared/connection-api.js';
import type { Negotiated12Parameters, SessionParameters } from '../shared/events.js';
import { MAX_RECORD_PLAINTEXT } from '../shared/message-size.js';
import { DTLS12_CIPHER_SUITES } from '../versions/suites12.js';
import { HEADER12 } from '../record/codec12.js';
import { rebindRefused12 } from './feature-error.js';
import { opensslName12 } from './openssl-names.js';

/** The most a 1.2 suite adds to a record before the handshake settles it: an 8-byte explicit nonce and a 16-byte tag. */
const LONGEST_OVERHEAD_12 = 8 + 16;

/** A 1.2 connection's parameters are always 1.2's. */
const settled12 = (p: SessionParameters): Negotiated12Parameters => p as Negotiated12Parameters;

export const FACTS12: VersionFacts = {
  // One record in one datagram: the header, the explicit nonce and the tag; a tls12_cid record (RFC 9146 §4) also the
  // peer's CID and the inner content type byte. More would be cut into two records: two messages at the peer.
  maxMessageSize: (mtu, settled, peerCidLength) => {
    const s = settled && DTLS12_CIPHER_SUITES[settled12(settled).cipherSuite];
    const overhead = s === undefined ? LONGEST_OVERHEAD_12 : s.recordIvLength + s.tagLength;
    const cid = peerCidLength === 0 ? 0 : peerCidLength + 1;
    return Math.min(MAX_RECORD_PLAINTEXT, mtu - HEADER12 - overhead - cid);
  },
  // The TLS 1.2 PRF has no limit: node:dtls's 65,536 less one (a 16-bit length) is taken.
  exporterLengthLimit: () => 65_535,
  cipherName: (settled) => opensslName12(settled12(settled).cipherSuite),
  ticketsAfterHandshake: false,
  clientAwaitsConfirmation: false,
  hibernates: false,
  // The server finds the session from the new address by the CID it gave.
  rebindRefusal: (ids) => (ids?.peer === undefined ? rebindRefused12() : undefined),
};
