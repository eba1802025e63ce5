/** The ECDHE groups DTLS 1.2 can use; X25519MLKEM768 alone keeps an end on 1.3 (RFC 8422, RFC 7748). */
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

/** The curves of {@link ECDSA_CURVES}. */
const ECDSA_CURVE_GROUPS: readonly KeyExchangeGroup[] = [...ECDSA_CURVES.values()];

/**
 * A DTLS 1.2 client's supported_groups, which also names the curves of ECDSA certificates it accepts (RFC 8422 §5.1: a
 * server whose curve is missing must not choose ECDHE_ECDSA). With an ECDHE_ECDSA suite offered, the 1.2 groups are
 * followed by the curve of each ECDSA scheme of `signatureAlgorithms` they leave out, unless `groups` names a NIST
 * curve itself (then it said which curves it means).
 */
export function clientGroups12(
  groups: readonly KeyExchangeGroup[],
  signatureAlgorithms: readonly SignatureAlgorithm[],
  suites: readonly Dtls12CipherSuite[],
  supported: (group: KeyExchangeGroup) => boolean,
): readonly KeyExchangeGroup[] {
  if (!suites.some((s) => dtls12Suite(s)?.keyExchange === 'ecdhe_ecdsa')) return groups;
  if (groups.some((g) => ECDSA_CURVE_GROUPS.includes(g))) return groups;
  const added: KeyExchangeGroup[] = [];
  for (const scheme of signatureAlgorithms) {
    const curve = ECDSA_CURVES.get(scheme);
    if (curve !== undefined && !groups.includes(curve) && !added.includes(curve) && supported(curve)) added.push(curve);
  }
  return added.length === 0 ? groups : [...groups, ...added];
}
