/**
 * The ECDHE groups DTLS 1.2 can use (RFC 8422, RFC 7748), and what a
 * `groups` option naming none of them means for the version range. The
 * hybrid X25519MLKEM768 is a TLS 1.3 group only: an end configured with it
 * alone (a post-quantum-only deployment) speaks 1.3 and never falls back to
 * 1.2, which would have no key exchange it allows. When the range is 1.2
 * only, `resolveConfig12` refuses the option instead (ConfigError naming
 * `groups`).
 */
import type { KeyExchangeGroup } from '../crypto/provider.js';
import type { DtlsVersionName } from '../versions/versions.js';

export const GROUPS_12: readonly KeyExchangeGroup[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];

/** The enabled versions (newest first) less DTLS 1.2 when 1.3 is enabled too and `groups` names no group 1.2 can use. */
export function versionsForGroups(enabled: readonly DtlsVersionName[], groups: readonly KeyExchangeGroup[]): readonly DtlsVersionName[] {
  if (!enabled.includes('DTLSv1.3') || groups.some((g) => GROUPS_12.includes(g))) return enabled;
  return enabled.filter((v) => v !== 'DTLSv1.2');
}
