/** `ciphers`, node:tls's OpenSSL cipher string, read into the TLS 1.3 and DTLS 1.2 suite lists. */
import { ConfigError, described } from '../config-error.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { ConnectionOptions } from '../connection/connection.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';
import { OPENSSL_NAMES_12, opensslName12, suite12ByName } from '../dtls12/openssl-names.js';
import { resolveVersionRange } from '../versions/versions.js';

/** node:tls's TLS 1.3 cipher names (OpenSSL's, as `ciphers` takes them) → ours. */
const TLS13_CIPHERS: Readonly<Record<string, SupportedCipherSuite>> = {
  TLS_AES_128_GCM_SHA256: 'tls_aes_128_gcm_sha256',
  TLS_AES_256_GCM_SHA384: 'tls_aes_256_gcm_sha384',
  TLS_CHACHA20_POLY1305_SHA256: 'tls_chacha20_poly1305_sha256',
  TLS_AES_128_CCM_SHA256: 'tls_aes_128_ccm_sha256',
  TLS_AES_128_CCM_8_SHA256: 'tls_aes_128_ccm_8_sha256',
};

/**
 * `ciphers`: its TLS 1.3 names become `cipherSuites`, its 1.2 names (OpenSSL's or IANA's) the 1.2 suites, in order;
 * keywords (`HIGH`, `!aNULL`) are skipped. A ConfigError: an unknown name, no suite, only 1.2 suites while 1.3 is
 * enabled, or beside `cipherSuites`. One version's names leave the other's suites at their defaults.
 */
export function ciphersOption(
  ciphers: unknown,
  o: Pick<ConnectionOptions, 'cipherSuites' | 'allowCcm8' | 'minVersion' | 'maxVersion'>,
): { readonly suites13: SupportedCipherSuite[] | undefined; readonly suites12: Dtls12CipherSuite[] | undefined } {
  // Read first, as a range error is reported before any of ciphers.
  const enables13 = resolveVersionRange(o.minVersion, o.maxVersion).enabled.includes('DTLSv1.3');
  if (ciphers === undefined) return { suites13: undefined, suites12: undefined };
  if (typeof ciphers !== 'string')
    throw new ConfigError('ciphers', `must be a string (an OpenSSL cipher list), got ${described(ciphers)}`);
  if (o.cipherSuites !== undefined)
    throw new ConfigError('ciphers', 'give either ciphers (an OpenSSL cipher string) or cipherSuites, not both');
  const suites: SupportedCipherSuite[] = [];
  const suites12: Dtls12CipherSuite[] = [];
  const skipped: string[] = [];
  // OpenSSL lets a command follow a name without a separator ('PSK-AES128-CCM8@SECLEVEL=0'): split before each '@'.
  for (const item of ciphers.split(/[:, ]+|(?=@)/)) {
    if (item === '') continue;
    const suite = TLS13_CIPHERS[item.toUpperCase()];
    const suite12 = suite === undefined ? suite12ByName(item) : undefined;
    if (suite !== undefined) {
      if (!suites.includes(suite)) suites.push(suite);
    } else if (suite12 !== undefined) {
      if (!suites12.includes(suite12)) suites12.push(suite12);
    } else if (/^TLS_/i.test(item) && !/^TLS_(ECDHE|PSK|RSA|DHE|ECDH|DH)_/i.test(item)) {
      throw new ConfigError(
        'ciphers',
        `names ${item}, which is no TLS 1.3 cipher suite; those are ${Object.keys(TLS13_CIPHERS).join(', ')}`,
      );
    } else if (/^[!+\-@]/.test(item) || item.includes('+') || /^[A-Za-z0-9.=]+$/.test(item)) {
      skipped.push(item); // an OpenSSL keyword or operator
    } else {
      throw new ConfigError(
        'ciphers',
        `names ${item}, which is no cipher suite dtls13 does (DTLS 1.2: ${Object.values(OPENSSL_NAMES_12).join(', ')}; DTLS 1.3: ${Object.keys(TLS13_CIPHERS).join(', ')})`,
      );
    }
  }
  const names = Object.keys(TLS13_CIPHERS).slice(0, 3).join(':');
  if (suites.length === 0 && (suites12.length === 0 || enables13)) {
    const what =
      suites12.length > 0
        ? `names no TLS 1.3 cipher suite (only DTLS 1.2 ones: ${suites12.map(opensslName12).join(':')}) while the version range enables DTLS 1.3; add TLS 1.3 names, e.g. '${names}', or set maxVersion: 'DTLSv1.2'`
        : skipped.length === 0
          ? 'is empty'
          : `names no TLS 1.3 cipher suite (${skipped.join(':')} ${skipped.length === 1 ? 'is an OpenSSL keyword' : 'are OpenSSL keywords'}); name suites, e.g. '${names}' or 'ECDHE-ECDSA-AES128-GCM-SHA256'`;
    throw new ConfigError('ciphers', what);
  }
  if (suites.includes('tls_aes_128_ccm_8_sha256') && o.allowCcm8 !== true) {
    throw new ConfigError(
      'ciphers',
      'names TLS_AES_128_CCM_8_SHA256, which needs allowCcm8: true: with its 8-byte tag 2^7 forged records under one key end a session (RFC 9147 §4.5.3)',
    );
  }
  if (suites12.includes('tls_ecdhe_ecdsa_with_aes_128_ccm_8') && o.allowCcm8 !== true) {
    throw new ConfigError('ciphers', 'names ECDHE-ECDSA-AES128-CCM8, which needs allowCcm8: true (an 8-byte tag)');
  }
  return { suites13: suites.length > 0 ? suites : undefined, suites12: suites12.length > 0 ? suites12 : undefined };
}
