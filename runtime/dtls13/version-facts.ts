/** DTLS 1.3's answers to what a session above the connection asks (connection-api.ts, VersionFacts). */
import { CIPHER_SUITES } from '../crypto/suites.js';
import type { VersionFacts } from '../shared/connection-api.js';
import type { NegotiatedParameters, SessionParameters } from '../shared/events.js';
import { maxMessageSize } from '../shared/message-size.js';

/** A 1.3 connection's parameters are always 1.3's. */
const settled13 = (p: SessionParameters): NegotiatedParameters => p as NegotiatedParameters;

export const FACTS13: VersionFacts = {
  maxMessageSize: (mtu, settled, peerCidLength) =>
    maxMessageSize(mtu, settled && settled13(settled).cipherSuite, peerCidLength, settled?.recordSizeLimit),
  exporterLengthLimit: (settled) => 255 * CIPHER_SUITES[settled13(settled).cipherSuite].hashLength,
  cipherName: (settled) => settled.cipherSuite.toUpperCase(),
  ticketsAfterHandshake: true,
  clientAwaitsConfirmation: true,
  hibernates: true,
  rebindRefusal: () => undefined,
};
