/**
 * OpenSSL's names of the 1.2 suites (runtime/dtls12/openssl-names.ts): each maps to exactly one suite dtls13 knows and
 * back, lookups by either name take any case, an unknown or 1.3 name finds nothing, and a suite without an OpenSSL
 * name is printed by its IANA name in capitals.
 */
import test from 'ava';
import { OPENSSL_NAMES_12, opensslName12, suite12ByName } from '../../runtime/dtls12/openssl-names.js';
import { dtls12Suite, type Dtls12CipherSuite } from '../../runtime/versions/suites12.js';

test('every OpenSSL name is unique, names a suite dtls13 knows and maps back to it in any case', (t) => {
  const entries = Object.entries(OPENSSL_NAMES_12) as [Dtls12CipherSuite, string][];
  t.is(new Set(entries.map(([, n]) => n)).size, entries.length);
  for (const [iana, openssl] of entries) {
    t.not(dtls12Suite(iana), undefined, iana);
    t.is(suite12ByName(openssl), iana);
    t.is(suite12ByName(openssl.toLowerCase()), iana);
    t.is(opensslName12(iana), openssl);
  }
  t.is(suite12ByName('ECDHE-ECDSA-AES128-GCM-SHA256'), 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256');
});

test('IANA names are taken in any case; a suite without an OpenSSL name prints as its IANA name', (t) => {
  t.is(suite12ByName('TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256'), 'tls_ecdhe_psk_with_aes_128_gcm_sha256');
  t.is(suite12ByName('tls_ecdhe_rsa_with_aes_256_gcm_sha384'), 'tls_ecdhe_rsa_with_aes_256_gcm_sha384');
  t.is(opensslName12('tls_ecdhe_psk_with_aes_128_gcm_sha256'), 'TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256');
});

test('unknown names, 1.3 suites and near misses find nothing', (t) => {
  for (const name of [
    '',
    'AES128-GCM-SHA256',
    'TLS_AES_128_GCM_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA',
    'toString',
    'constructor',
  ])
    t.is(suite12ByName(name), undefined, name);
});
