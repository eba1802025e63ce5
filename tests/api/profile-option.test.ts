/**
 * withProfile (runtime/api/profile-option.ts): `profile: 'rfc7925'` turns on CCM_8, puts RFC 7925's suites first
 * for a client and last for a server, adds the PSK suite and psk_ke with a psk, and keeps what the caller set.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import type { PskKeyExchangeModeName } from '../../generated/wire/enums.js';
import { withProfile as profiled } from '../../runtime/api/profile-option.js';
import { checkOptions } from '../../runtime/api/option-names.js';

/** The options withProfile reads and fills in, as connect and listen hold them. */
interface Options {
  readonly profile?: 'rfc7925';
  readonly ciphers?: string;
  readonly cipherSuites?: unknown;
  readonly allowCcm8?: boolean;
  readonly groups?: readonly string[];
  readonly pskKeyExchangeModes?: readonly PskKeyExchangeModeName[];
  readonly psk?: unknown;
}
const withProfile = (role: 'client' | 'server', o: Options): Options => profiled(role, o);

test('without a profile the options are returned as they are', (t) => {
  const o = { ciphers: 'X' };
  t.is(withProfile('client', o), o);
});

test('a client offers the IoT suites first, a server takes them after its stronger ones', (t) => {
  const client = withProfile('client', { profile: 'rfc7925' });
  const server = withProfile('server', { profile: 'rfc7925' });
  t.true(client.allowCcm8);
  t.true(server.allowCcm8);
  const c = client.ciphers!.split(':');
  const s = server.ciphers!.split(':');
  t.deepEqual(c.slice(0, 2), ['TLS_AES_128_CCM_8_SHA256', 'TLS_AES_128_CCM_SHA256']);
  t.is(s[0], 'TLS_AES_128_GCM_SHA256');
  t.true(s.indexOf('TLS_AES_128_CCM_8_SHA256') > s.indexOf('TLS_CHACHA20_POLY1305_SHA256'));
  t.true(c.includes('ECDHE-ECDSA-AES128-CCM8'));
  t.is(s.at(-1), 'ECDHE-ECDSA-AES128-CCM8');
  t.false(c.includes('PSK-AES128-CCM8'), 'no PSK suite without a psk');
  t.deepEqual([...c].sort(), [...s].sort(), 'the same suites, in another order');
  t.is(client.pskKeyExchangeModes, undefined);
});

test('with a psk: the PSK CCM_8 suite and psk_ke', (t) => {
  const client = withProfile('client', { profile: 'rfc7925', psk: {} });
  const c = client.ciphers!.split(':');
  t.is(c[c.indexOf('TLS_CHACHA20_POLY1305_SHA256') + 1], 'PSK-AES128-CCM8', 'the first 1.2 suite');
  t.deepEqual(client.pskKeyExchangeModes, ['psk_dhe_ke', 'psk_ke']);
  const kept = withProfile('server', { profile: 'rfc7925', psk: {}, pskKeyExchangeModes: ['psk_dhe_ke'] });
  t.deepEqual(kept.pskKeyExchangeModes, ['psk_dhe_ke']);
});

test('what the caller set is kept', (t) => {
  t.is(
    withProfile('client', { profile: 'rfc7925', ciphers: 'TLS_AES_128_CCM_SHA256' }).ciphers,
    'TLS_AES_128_CCM_SHA256',
  );
  const suites = withProfile('client', { profile: 'rfc7925', cipherSuites: ['x'] });
  t.is(suites.ciphers, undefined);
  t.deepEqual(suites.cipherSuites, ['x']);
  t.truthy(withProfile('client', { profile: 'rfc7925', groups: ['x25519', 'secp256r1'] }));
});

test('an unknown profile (its option-names.ts row), allowCcm8: false, groups without secp256r1: ConfigError naming profile', (t) => {
  const unknown = t.throws(() => checkOptions('connect', { profile: 'rfc9999' }), { instanceOf: ConfigError });
  t.is(unknown?.option, 'profile', unknown?.message);
  for (const o of [
    { profile: 'rfc7925', allowCcm8: false },
    { profile: 'rfc7925', groups: ['x25519'] },
  ] as const) {
    const e = t.throws(() => withProfile('client', o), { instanceOf: ConfigError })!;
    t.is(e.option, 'profile', e.message);
  }
});
