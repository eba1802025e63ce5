import type { ClientHello, SignatureScheme } from '../../generated/wire/index.js';
import type { SignatureAlgorithm } from '../crypto/provider.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { findExtension } from '../handshake/extensions.js';
import { unfitCertificate } from './certificate-schemes.js';
import type { SelectedCredentials } from './server-credentials.js';

/**
 * Which of several chains a server presents (RFC 8446 §4.4.2.2): the first whose key and chain signatures the client's
 * lists fit; else the first whose key fits (the RFC allows it); else the first, and the negotiation fails.
 */

/** The parts of a ClientHello and of our configuration the choice reads. */
export interface HelloSignaturePreferences {
  readonly ch: ClientHello;
  /** Our signatureAlgorithms option: the schemes we are willing to sign with. */
  readonly ourSchemes: readonly SignatureAlgorithm[];
}

const names = (list: readonly SignatureScheme[] | undefined): readonly string[] =>
  (list ?? []).filter((s): s is SignatureScheme & string => typeof s === 'string');

export function chooseCredentials(
  candidates: readonly SelectedCredentials[],
  hello: HelloSignaturePreferences,
): SelectedCredentials | undefined {
  if (candidates.length <= 1) return candidates[0];
  const offered = names(findExtension(hello.ch.extensions, 'signature_algorithms')?.supportedSignatureAlgorithms);
  const forCertificates = findExtension(hello.ch.extensions, 'signature_algorithms_cert');
  const accepted = (
    forCertificates ? names(forCertificates.supportedSignatureAlgorithms) : offered
  ) as readonly SignatureAlgorithm[];
  const usable = candidates.filter((c) =>
    schemesForKey(c.key).some((s) => hello.ourSchemes.includes(s) && offered.includes(s)),
  );
  const pool = usable.length > 0 ? usable : candidates;
  return pool.find((c) => unfitCertificate(accepted, c.chain) === undefined) ?? pool[0];
}
