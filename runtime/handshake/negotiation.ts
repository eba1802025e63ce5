import type { ClientHello, NamedGroup, SignatureScheme } from '../../generated/wire/index.js';
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import { duplicateExtension, findExtension } from './extensions.js';
import { ProtocolError } from './protocol-error.js';

/** What the server settles from a ClientHello (RFC 8446 §4.1.1). */
export type ServerChoice =
  | {
      readonly kind: 'proceed';
      readonly suite: SupportedCipherSuite;
      readonly group: KeyExchangeGroup;
      readonly peerShare: Uint8Array;
      readonly signature: SignatureAlgorithm;
    }
  | { readonly kind: 'retry'; readonly suite: SupportedCipherSuite; readonly group: KeyExchangeGroup };

/** The server's preferences, in order. */
export interface ServerPreferences {
  readonly cipherSuites: readonly SupportedCipherSuite[];
  readonly groups: readonly KeyExchangeGroup[];
  /** Schemes the server's certificate key can make, in preference order. */
  readonly signatureAlgorithms: readonly SignatureAlgorithm[];
}

const isString = <T extends string>(x: T | number): x is T => typeof x === 'string';

/**
 * Checks a ClientHello against DTLS 1.3's rules and picks suite, group and
 * signature scheme; asks for a HelloRetryRequest when the client offered no
 * share for an acceptable group it supports. Throws ProtocolError with the
 * RFC's alert otherwise.
 */
export function negotiate(ch: ClientHello, prefs: ServerPreferences): ServerChoice {
  if (duplicateExtension(ch.extensions) !== undefined)
    throw new ProtocolError('illegal_parameter', `duplicate extension ${String(duplicateExtension(ch.extensions))}`);
  const versions = findExtension(ch.extensions, 'supported_versions');
  if (!versions?.versions.includes('dtls1_3')) throw new ProtocolError('protocol_version', 'the client does not offer DTLS 1.3 in supported_versions');
  if (ch.legacyCookie.length !== 0) throw new ProtocolError('illegal_parameter', 'legacy_cookie must be empty in DTLS 1.3 (RFC 9147 §5.3)');
  if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) {
    throw new ProtocolError('illegal_parameter', 'legacy_compression_methods must be exactly [0] (RFC 8446 §4.1.2)');
  }
  const offeredSuites = ch.cipherSuites.filter(isString);
  const suite = prefs.cipherSuites.find((s) => offeredSuites.includes(s));
  if (!suite) throw new ProtocolError('handshake_failure', 'no cipher suite in common');
  const sigs = findExtension(ch.extensions, 'signature_algorithms');
  if (!sigs) throw new ProtocolError('missing_extension', 'signature_algorithms is required for certificate authentication (RFC 8446 §9.2)');
  const offeredSigs = sigs.supportedSignatureAlgorithms.filter(isString) as readonly (SignatureScheme & string)[];
  const signature = prefs.signatureAlgorithms.find((s) => (offeredSigs as readonly string[]).includes(s));
  if (!signature) throw new ProtocolError('handshake_failure', 'no signature scheme in common with the server certificate');
  const groupsExt = findExtension(ch.extensions, 'supported_groups');
  const shares = findExtension(ch.extensions, 'key_share');
  if (!groupsExt || !shares) throw new ProtocolError('missing_extension', 'supported_groups and key_share are required for (EC)DHE (RFC 8446 §9.2)');
  const offeredGroups = groupsExt.namedGroupList.filter(isString) as readonly (NamedGroup & string)[];
  for (const share of shares.clientShares) {
    if (!(offeredGroups as readonly string[]).includes(String(share.group))) {
      throw new ProtocolError('illegal_parameter', `key_share for ${String(share.group)}, which supported_groups does not list (RFC 8446 §4.2.8)`);
    }
  }
  for (const group of prefs.groups) {
    const share = shares.clientShares.find((s) => s.group === group);
    if (share) return { kind: 'proceed', suite, group, peerShare: share.keyExchange, signature };
  }
  const group = prefs.groups.find((g) => (offeredGroups as readonly string[]).includes(g));
  if (!group) throw new ProtocolError('handshake_failure', 'no key exchange group in common');
  return { kind: 'retry', suite, group };
}
