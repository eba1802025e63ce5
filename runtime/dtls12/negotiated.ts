/**
 * What a session reports of its handshake, whichever version it spoke: the 1.3 connection's `NegotiatedParameters`, or
 * a DTLS 1.2 handshake's in the same shape (`version: 'DTLSv1.2'`, a 1.2 suite, extended master secret), so
 * `session.parameters`, the CLI's `connected:` line and the endpoint read both alike (the types are in
 * runtime/shared/events.ts).
 */
import type { Negotiated12Parameters, SessionParameters } from '../shared/events.js';
import type { Handshake12Result } from './handshake-result.js';

/** The protocol a handshake's parameters are of. */
export function protocolOf(p: SessionParameters): 'DTLSv1.2' | 'DTLSv1.3' {
  return 'version' in p && p.version === 'DTLSv1.2' ? 'DTLSv1.2' : 'DTLSv1.3';
}

export function isDtls12(p: SessionParameters): p is Negotiated12Parameters {
  return protocolOf(p) === 'DTLSv1.2';
}

/** A 1.2 handshake's result as session parameters; `servername` as the client sent it or the server read it. */
export function negotiated12(r: Handshake12Result, servername: string | undefined): Negotiated12Parameters {
  const chain =
    r.peerCertificateChain !== undefined && r.peerCertificateChain.length > 0 ? r.peerCertificateChain : undefined;
  return {
    version: 'DTLSv1.2',
    cipherSuite: r.cipherSuite,
    group: r.group,
    signatureAlgorithm: r.signatureAlgorithm,
    helloRetryRequest: r.helloVerifyRequest,
    clientAuthenticated: r.clientAuthenticated,
    peerCertificate: chain?.[0],
    peerCertificateChain: chain,
    resumed: r.resumed,
    pskIdentity: r.pskIdentity,
    // RFC 4279's PSK suites, RFC 5489's ECDHE_PSK ones: the same keying as 1.3's psk_ke and psk_dhe_ke.
    pskMode: r.pskIdentity === undefined ? undefined : r.group === undefined ? 'psk_ke' : 'psk_dhe_ke',
    earlyData: 'not sent',
    alpnProtocol: r.alpnProtocol,
    servername,
    srtpProfile: r.srtpProfile,
    recordSizeLimit: undefined,
    extendedMasterSecret: r.extendedMasterSecret,
  };
}
