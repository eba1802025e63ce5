/**
 * The `fingerprint` option (WebRTC, RFC 8122 §5): the peer's certificate must hash to one of them, in place of `ca` and
 * the name (else bad_certificate); a server given it requires a client certificate.
 */
import { ConfigError } from '../config-error.js';
import { fingerprintOption, fingerprintVerifier } from '../pki/fingerprint.js';
import type { CertificateVerifier } from '../pki/verify-chain.js';

/** What `fingerprint` is given as: `'sha-256 AB:CD:...'` (sha-1 to sha-512, hex in either case), or a list of them (any one may match). */
export type FingerprintOptionValue = string | readonly string[];

/** The options `fingerprint` replaces or rules out. */
interface PinnedOptions {
  readonly fingerprint?: FingerprintOptionValue;
  readonly ca?: unknown;
  readonly rejectUnauthorized?: boolean;
  readonly requestCert?: boolean;
  readonly verifyPeer?: unknown;
}

function exclusive(o: PinnedOptions): void {
  if (o.ca !== undefined)
    throw new ConfigError(
      'fingerprint',
      'replaces ca (the peer is checked against the fingerprint alone): give one of them',
    );
  if (o.verifyPeer !== undefined)
    throw new ConfigError('fingerprint', 'is a verifier of its own: give fingerprint or verifyPeer, not both');
  if (o.rejectUnauthorized === false)
    throw new ConfigError('fingerprint', 'is checked in the handshake; rejectUnauthorized: false does not go with it');
}

/** Client: the verifier `fingerprint` makes, or undefined without it. */
export function clientFingerprint(o: PinnedOptions): CertificateVerifier | undefined {
  if (o.fingerprint === undefined) return undefined;
  exclusive(o);
  return fingerprintVerifier(fingerprintOption(o.fingerprint));
}

/** Server: the verifier `fingerprint` makes and the client certificate it requires, or undefined without it. */
export function serverFingerprint(
  o: PinnedOptions,
): { readonly verifyPeer: CertificateVerifier; readonly clientAuthentication: 'required' } | undefined {
  if (o.fingerprint === undefined) return undefined;
  exclusive(o);
  if (o.requestCert === false)
    throw new ConfigError('fingerprint', 'checks the client certificate, so it needs requestCert (true, or left out)');
  return { verifyPeer: fingerprintVerifier(fingerprintOption(o.fingerprint)), clientAuthentication: 'required' };
}
