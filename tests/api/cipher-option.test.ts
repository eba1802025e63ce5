import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { ciphersOption } from '../../runtime/api/cipher-option.js';

/** `ciphers`, node:tls's OpenSSL cipher string, read into the TLS 1.3 and DTLS 1.2 suite lists (cipher-option.ts). */

const configError = (t: import('ava').ExecutionContext, run: () => unknown, option: string, reason: RegExp): void => {
  const e = t.throws(run, { instanceOf: ConfigError });
  t.is(e?.option, option);
  t.regex(e?.reason ?? '', reason);
};

test('TLS 1.3 and DTLS 1.2 names are read in order, each once; OpenSSL keywords select nothing', (t) => {
  const choice = ciphersOption(
    'TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:HIGH:!aNULL:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256@SECLEVEL=0',
    {},
  );
  t.deepEqual(choice.suites13, ['tls_chacha20_poly1305_sha256', 'tls_aes_128_gcm_sha256']);
  t.deepEqual(choice.suites12, ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256']);
  t.deepEqual(ciphersOption(undefined, {}), { suites13: undefined, suites12: undefined });
});

test('only DTLS 1.2 names: refused while the range enables DTLS 1.3, taken with maxVersion DTLSv1.2', (t) => {
  configError(t, () => ciphersOption('ECDHE-ECDSA-AES128-GCM-SHA256', {}), 'ciphers', /names no TLS 1\.3 cipher suite/);
  const choice = ciphersOption('ECDHE-ECDSA-AES128-GCM-SHA256', { maxVersion: 'DTLSv1.2' });
  t.is(choice.suites13, undefined);
  t.deepEqual(choice.suites12, ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256']);
});

test('a bad version range is reported before anything about ciphers', (t) => {
  const e = t.throws(() => ciphersOption('NOT-A-SUITE', { minVersion: 'DTLSv9' as never }), {
    instanceOf: ConfigError,
  });
  t.is(e?.option, 'minVersion');
});

test('unknown names, an empty string, non-strings, cipherSuites beside it and CCM_8 without allowCcm8 are ConfigErrors', (t) => {
  configError(t, () => ciphersOption('TLS_AES_512_GCM_SHA1024', {}), 'ciphers', /no TLS 1\.3 cipher suite/);
  configError(t, () => ciphersOption('ECDHE-FOO-BAR', {}), 'ciphers', /no cipher suite dtls13 does/);
  configError(t, () => ciphersOption('', {}), 'ciphers', /is empty/);
  configError(t, () => ciphersOption('HIGH:!aNULL', {}), 'ciphers', /OpenSSL keywords/);
  configError(t, () => ciphersOption(42, {}), 'ciphers', /must be a string/);
  const suites = ['tls_aes_128_gcm_sha256'] as const;
  configError(t, () => ciphersOption('TLS_AES_128_GCM_SHA256', { cipherSuites: suites }), 'ciphers', /not both/);
  configError(t, () => ciphersOption('TLS_AES_128_CCM_8_SHA256', {}), 'ciphers', /allowCcm8: true/);
  t.deepEqual(ciphersOption('TLS_AES_128_CCM_8_SHA256', { allowCcm8: true }).suites13, ['tls_aes_128_ccm_8_sha256']);
});
