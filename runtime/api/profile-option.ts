/**
 * `profile: 'rfc7925'`: what RFC 7925 IoT devices speak. It turns on `allowCcm8`, adds the CCM_8 suites (1.2's PSK and
 * ECDHE_ECDSA ones, §4.2 and §4.4; 1.3's CCM and CCM_8) to the defaults (a client first, a server last), keeps
 * secp256r1, and lets a plain PSK in (psk_ke: no forward secrecy). What the caller sets itself is kept.
 *
 * Without it CCM_8 is refused: an 8-byte tag lets a forgery through after about 2^7 tries (RFC 9147 §4.5.3).
 */
import { ConfigError } from '../config-error.js';
import type { PskKeyExchangeModeName } from '../../generated/wire/enums.js';
import { DEFAULT_SUITES_12 } from '../dtls12/config.js';
import { opensslName12 } from '../dtls12/openssl-names.js';
import { DEFAULT_PSK_SUITES_12 } from '../dtls12/psk.js';

/** The profiles `profile` names. */
export type ProfileName = 'rfc7925';

/** The options a profile reads and fills in. */
interface ProfiledOptions {
  readonly profile?: ProfileName;
  readonly ciphers?: string;
  readonly cipherSuites?: unknown;
  readonly allowCcm8?: boolean;
  readonly groups?: readonly string[];
  readonly pskKeyExchangeModes?: readonly PskKeyExchangeModeName[];
  readonly psk?: unknown;
}

const TLS13_DEFAULT = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const TLS13_IOT = ['TLS_AES_128_CCM_8_SHA256', 'TLS_AES_128_CCM_SHA256'];

/** The options `o` means under its `profile` (`ciphers`, `allowCcm8`, `pskKeyExchangeModes` filled in). */
export function withProfile<O extends ProfiledOptions>(role: 'client' | 'server', o: O): O {
  if (o.profile === undefined) return o;
  if (o.allowCcm8 === false)
    throw new ConfigError('profile', "'rfc7925' uses the CCM_8 suites, which allowCcm8: false refuses");
  if (o.groups !== undefined && !o.groups.includes('secp256r1'))
    throw new ConfigError('profile', "'rfc7925' needs secp256r1 among the groups (RFC 7925 §4.4.2)");
  const psk = o.psk !== undefined;
  const iot12 = [
    ...(psk ? ['tls_psk_with_aes_128_ccm_8' as const] : []),
    'tls_ecdhe_ecdsa_with_aes_128_ccm_8' as const,
  ];
  const defaults12 = [...(psk ? DEFAULT_PSK_SUITES_12 : []), ...DEFAULT_SUITES_12];
  const ordered12 = role === 'client' ? [...iot12, ...defaults12] : [...defaults12, ...iot12];
  const ordered13 = role === 'client' ? [...TLS13_IOT, ...TLS13_DEFAULT] : [...TLS13_DEFAULT, ...TLS13_IOT];
  const ciphers = [...ordered13, ...ordered12.map(opensslName12)].join(':');
  const modes: readonly PskKeyExchangeModeName[] = ['psk_dhe_ke', 'psk_ke'];
  return {
    ...o,
    allowCcm8: true,
    ...(o.ciphers === undefined && o.cipherSuites === undefined ? { ciphers } : {}),
    ...(psk && o.pskKeyExchangeModes === undefined ? { pskKeyExchangeModes: modes } : {}),
  };
}
