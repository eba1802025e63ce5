/**
 * OpenSSL's names of the (D)TLS 1.2 suites (what `openssl ciphers -V` prints, what node:tls's `ciphers` option and
 * `getCipher().name` use) beside the IANA names the wire enum has (RFC 5289, 7905, 7251, 5487, 8442). Those without an
 * OpenSSL name in OpenSSL 3.0 are not listed.
 */
import type { CipherSuiteName } from '../../generated/wire/enums.js';
import { dtls12Suite, type Dtls12CipherSuite } from '../versions/suites12.js';

export const OPENSSL_NAMES_12: Readonly<Partial<Record<Dtls12CipherSuite, string>>> = {
  tls_ecdhe_ecdsa_with_aes_128_gcm_sha256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  tls_ecdhe_ecdsa_with_aes_256_gcm_sha384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  tls_ecdhe_rsa_with_aes_128_gcm_sha256: 'ECDHE-RSA-AES128-GCM-SHA256',
  tls_ecdhe_rsa_with_aes_256_gcm_sha384: 'ECDHE-RSA-AES256-GCM-SHA384',
  tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  tls_ecdhe_rsa_with_chacha20_poly1305_sha256: 'ECDHE-RSA-CHACHA20-POLY1305',
  tls_ecdhe_ecdsa_with_aes_128_ccm: 'ECDHE-ECDSA-AES128-CCM',
  tls_ecdhe_ecdsa_with_aes_128_ccm_8: 'ECDHE-ECDSA-AES128-CCM8',
  tls_psk_with_aes_128_gcm_sha256: 'PSK-AES128-GCM-SHA256',
  tls_psk_with_aes_256_gcm_sha384: 'PSK-AES256-GCM-SHA384',
  tls_psk_with_chacha20_poly1305_sha256: 'PSK-CHACHA20-POLY1305',
  tls_psk_with_aes_128_ccm: 'PSK-AES128-CCM',
  tls_psk_with_aes_128_ccm_8: 'PSK-AES128-CCM8',
  tls_ecdhe_psk_with_chacha20_poly1305_sha256: 'ECDHE-PSK-CHACHA20-POLY1305',
};

const BY_OPENSSL_NAME: ReadonlyMap<string, Dtls12CipherSuite> = new Map(
  Object.entries(OPENSSL_NAMES_12).map(([iana, openssl]) => [openssl.toUpperCase(), iana as Dtls12CipherSuite]),
);

/** The 1.2 suite of an OpenSSL name (`ECDHE-ECDSA-AES128-GCM-SHA256`) or an IANA one (`TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`), any case. */
export function suite12ByName(name: string): Dtls12CipherSuite | undefined {
  const upper = name.toUpperCase();
  const byOpenssl = BY_OPENSSL_NAME.get(upper);
  if (byOpenssl !== undefined) return byOpenssl;
  return dtls12Suite(name.toLowerCase() as CipherSuiteName)?.name;
}

/** OpenSSL's name of a 1.2 suite, else its IANA name in capitals. */
export function opensslName12(suite: Dtls12CipherSuite): string {
  return OPENSSL_NAMES_12[suite] ?? suite.toUpperCase();
}
