/**
 * The ECDHE groups DTLS 1.2 can use (RFC 8422, RFC 7748), and what a `groups` option naming none of them means for the
 * version range. The hybrid X25519MLKEM768 is a TLS 1.3 group only: an end configured with it alone (a
 * post-quantum-only deployment) speaks 1.3 and never falls back to 1.2, which would have no key exchange it allows.
 * When the range is 1.2 only, `resolveConfig12` refuses the option instead (ConfigError naming `groups`).
 */
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import type { DtlsVersionName } from './versions.js';
import { dtls12Suite, type Dtls12CipherSuite } from './suites12.js';

export const GROUPS_12: readonly KeyExchangeGroup[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];

/** The enabled versions (newest first) less DTLS 1.2 when 1.3 is enabled too and `groups` names no group 1.2 can use. */
export function versionsForGroups(
  enabled: readonly DtlsVersionName[],
  groups: readonly KeyExchangeGroup[],
): readonly DtlsVersionName[] {
  if (!enabled.includes('DTLSv1.3') || groups.some((g) => GROUPS_12.includes(g))) return enabled;
  return enabled.filter((v) => v !== 'DTLSv1.2');
}

/** The curve of each ECDSA signature scheme (RFC 8446 §4.2.3): the curve of a certificate key that scheme verifies. */
const ECDSA_CURVES: ReadonlyMap<SignatureAlgorithm, KeyExchangeGroup> = new Map<SignatureAlgorithm, KeyExchangeGroup>([
  ['ecdsa_secp256r1_sha256', 'secp256r1'],
  ['ecdsa_secp384r1_sha384', 'secp384r1'],
  ['ecdsa_secp521r1_sha512', 'secp521r1'],
]);

/**
 * A DTLS 1.2 client's supported_groups. In 1.2 the list does two jobs (RFC 8422 §5.1): it names the ECDHE groups, and
 * the curves of the ECDSA certificates the client accepts — a server whose certificate's curve is not in the list must
 * not choose an ECDHE_ECDSA suite (OpenSSL answers "no shared cipher"). So when an ECDHE_ECDSA suite is offered, the
 * configured 1.2 groups (`groups`, in their order) are followed by the curve of each ECDSA scheme of
 * `signatureAlgorithms` they leave out, in the schemes' order (with the defaults: secp521r1, for
 * ecdsa_secp521r1_sha512). Being listed, such a curve may also be chosen for the key exchange, in 1.2 and, in a
 * ClientHello offering both versions, in 1.3; the client accepts it there. A `groups` that names a NIST curve itself
 * has said which curves the client means (a P-384-only policy stays P-384 in 1.3): it is kept as it is; only a list of
 * X25519, X448 and the hybrid (no certificate curve at all) gains them.
 */
export function clientGroups12(
  groups: readonly KeyExchangeGroup[],
  signatureAlgorithms: readonly SignatureAlgorithm[],
  suites: readonly Dtls12CipherSuite[],
  supported: (group: KeyExchangeGroup) => boolean,
): readonly KeyExchangeGroup[] {
  if (!suites.some((s) => dtls12Suite(s)?.keyExchange === 'ecdhe_ecdsa')) return groups;
  if (groups.some((g) => [...ECDSA_CURVES.values()].includes(g))) return groups;
  const added: KeyExchangeGroup[] = [];
  for (const scheme of signatureAlgorithms) {
    const curve = ECDSA_CURVES.get(scheme);
    if (curve !== undefined && !groups.includes(curve) && !added.includes(curve) && supported(curve)) added.push(curve);
  }
  return added.length === 0 ? groups : [...groups, ...added];
}
