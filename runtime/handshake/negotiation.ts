import type { ClientHello, NamedGroup, SignatureScheme } from '../../generated/wire/index.js';
import type { HashAlgorithm, KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { duplicateExtension, findExtension } from './extensions.js';
import { dtls12Suite } from '../versions/suites12.js';
import { ProtocolError } from './protocol-error.js';

export type ServerChoice =
  | {
      readonly kind: 'proceed';
      readonly suite: SupportedCipherSuite;
      /** The (EC)DHE group and the client's share; undefined for psk_ke. */
      readonly keyExchange: { readonly group: KeyExchangeGroup; readonly peerShare: Uint8Array } | undefined;
      /** The scheme the server signs with; undefined when a PSK authenticates. */
      readonly signature: SignatureAlgorithm | undefined;
    }
  | { readonly kind: 'retry'; readonly suite: SupportedCipherSuite; readonly group: KeyExchangeGroup };

/** A PSK the server will accept: the suite must use its hash; psk_ke needs no key share, and neither mode a signature. */
export interface PskTerms {
  readonly hash: HashAlgorithm;
  readonly mode: 'psk_dhe_ke' | 'psk_ke';
}

/** The server's preferences, in order. */
export interface ServerPreferences {
  readonly cipherSuites: readonly SupportedCipherSuite[];
  readonly groups: readonly KeyExchangeGroup[];
  /** Schemes the server's certificate key can make, in preference order. */
  readonly signatureAlgorithms: readonly SignatureAlgorithm[];
}

const isString = <T extends string>(x: T | number): x is T => typeof x === 'string';

/** A list the client offered, for an error message: names, and code points the decoder does not know as 0x hex. */
const offered = (list: readonly (string | number)[]): string =>
  list.length === 0
    ? 'none'
    : list.map((x) => (typeof x === 'string' ? x : `0x${x.toString(16).padStart(4, '0')}`)).join(', ');

/** Picks suite, group and scheme for a ClientHello, or asks for a HelloRetryRequest; else ProtocolError. */
export function negotiate(ch: ClientHello, prefs: ServerPreferences, psk?: PskTerms): ServerChoice {
  if (duplicateExtension(ch.extensions) !== undefined)
    throw new ProtocolError('illegal_parameter', `duplicate extension ${String(duplicateExtension(ch.extensions))}`);
  const versions = findExtension(ch.extensions, 'supported_versions');
  if (!versions?.versions.includes('dtls1_3'))
    throw new ProtocolError('protocol_version', 'the client does not offer DTLS 1.3 in supported_versions');
  if (ch.legacyCookie.length !== 0)
    throw new ProtocolError('illegal_parameter', 'legacy_cookie must be empty in DTLS 1.3 (RFC 9147 §5.3)');
  if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) {
    throw new ProtocolError('illegal_parameter', 'legacy_compression_methods must be exactly [0] (RFC 8446 §4.1.2)');
  }
  const offeredSuites = ch.cipherSuites.filter(isString);
  const suite = prefs.cipherSuites.find(
    (s) => offeredSuites.includes(s) && (psk === undefined || CIPHER_SUITES[s].hash === psk.hash),
  );
  if (!suite)
    throw new ProtocolError(
      'handshake_failure',
      // The DTLS 1.2 suites of a client that also offers 1.2 have no part in a 1.3 negotiation: left out of the message.
      `no common cipher suite${psk ? ` with the PSK's hash ${psk.hash}` : ''}: client offered ${offered(ch.cipherSuites.filter((s) => typeof s !== 'string' || dtls12Suite(s) === undefined))}, server accepts ${prefs.cipherSuites.join(', ')}`,
    );
  let signature: SignatureAlgorithm | undefined;
  if (psk === undefined) {
    const sigs = findExtension(ch.extensions, 'signature_algorithms');
    if (!sigs)
      throw new ProtocolError(
        'missing_extension',
        'signature_algorithms is required for certificate authentication (RFC 8446 §9.2)',
      );
    const offeredSigs = sigs.supportedSignatureAlgorithms.filter(isString) as readonly (SignatureScheme & string)[];
    signature = prefs.signatureAlgorithms.find((s) => (offeredSigs as readonly string[]).includes(s));
    if (!signature) {
      throw new ProtocolError(
        'handshake_failure',
        prefs.signatureAlgorithms.length === 0
          ? 'this server authenticates with PSKs only, and the client offered no PSK it knows'
          : `no common signature scheme: client offered ${offered(sigs.supportedSignatureAlgorithms)}, the server certificate can make ${prefs.signatureAlgorithms.join(', ')}`,
      );
    }
  }
  if (psk?.mode === 'psk_ke') return { kind: 'proceed', suite, keyExchange: undefined, signature };
  const groupsExt = findExtension(ch.extensions, 'supported_groups');
  const shares = findExtension(ch.extensions, 'key_share');
  if (!groupsExt || !shares)
    throw new ProtocolError(
      'missing_extension',
      'supported_groups and key_share are required for (EC)DHE (RFC 8446 §9.2)',
    );
  const offeredGroups = groupsExt.namedGroupList.filter(isString) as readonly (NamedGroup & string)[];
  for (const share of shares.clientShares) {
    if (!(offeredGroups as readonly string[]).includes(String(share.group))) {
      throw new ProtocolError(
        'illegal_parameter',
        `key_share for ${String(share.group)}, which supported_groups does not list (RFC 8446 §4.2.8)`,
      );
    }
  }
  for (const group of prefs.groups) {
    const share = shares.clientShares.find((s) => s.group === group);
    if (share) return { kind: 'proceed', suite, keyExchange: { group, peerShare: share.keyExchange }, signature };
  }
  const group = prefs.groups.find((g) => (offeredGroups as readonly string[]).includes(g));
  if (!group)
    throw new ProtocolError(
      'handshake_failure',
      `no common key exchange group: client offered ${offered(groupsExt.namedGroupList)}, server accepts ${prefs.groups.join(', ')}`,
    );
  return { kind: 'retry', suite, group };
}
