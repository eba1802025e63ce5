import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { hostKey, hostPrefixes } from '../../runtime/node/host-key.js';
import { listen } from '../../runtime/index.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pemOptions } from './support.js';

test('an IPv4 address is its own host; a shorter ipv4HostPrefix groups a block', (t) => {
  t.is(hostKey('192.0.2.7'), '192.0.2.7');
  t.is(hostKey('192.0.2.7', { ipv4: 24, ipv6: 56 }), '192.0.2.0/24');
  t.is(hostKey('192.0.2.200', { ipv4: 24, ipv6: 56 }), hostKey('192.0.2.7', { ipv4: 24, ipv6: 56 }));
  t.is(hostKey('10.1.2.3', { ipv4: 12, ipv6: 56 }), '10.0.0.0/12');
  t.not(hostKey('192.0.2.7'), hostKey('192.0.2.8'));
  t.is(hostKey('192.0.2.7%eth0'), '192.0.2.7', 'a scope on IPv4 text is dropped');
  t.is(hostKey('192.0.2.007'), '192.0.2.007', 'not an address (a leading zero): its own host, as any other text');
  t.is(hostKey('255.255.255.255', { ipv4: 31, ipv6: 56 }), '255.255.255.254/31');
});

test('an IPv6 address counts against its /56: the 256 /64s of one site are one host', (t) => {
  t.is(hostKey('2001:db8:0:100::5'), '2001:db8:0:100::/56');
  t.is(hostKey('2001:db8:0:1ff:ffff:1:2:3'), '2001:db8:0:100::/56');
  t.is(hostKey('2001:0DB8:0000:01AB::1'), '2001:db8:0:100::/56');
  t.not(hostKey('2001:db8:0:100::5'), hostKey('2001:db8:0:200::5'));
  t.is(hostKey('2001:db8::1'), '2001:db8::/56');
  t.is(hostKey('::1'), '::/56');
  t.is(hostKey('2001:db8:0:1::5', { ipv4: 32, ipv6: 64 }), '2001:db8:0:1::/64');
  t.is(hostKey('2001:db8:1:2:3:4:5:6', { ipv4: 32, ipv6: 128 }), '2001:db8:1:2:3:4:5:6/128');
  t.is(hostKey('2001:db8:1:2:3:4:5:6', { ipv4: 32, ipv6: 48 }), '2001:db8:1::/48');
  t.is(hostKey('2001:db8:ff:ff::', { ipv4: 32, ipv6: 60 }), '2001:db8:ff:f0::/60');
});

test('IPv4-mapped and IPv4-compatible addresses are the IPv4 host they carry', (t) => {
  t.is(hostKey('::ffff:192.0.2.7'), '192.0.2.7');
  t.is(hostKey('::FFFF:c000:0207'), '192.0.2.7');
  t.is(hostKey('::192.0.2.7'), '192.0.2.7');
  t.is(hostKey('::c000:207'), '192.0.2.7');
  t.is(hostKey('::ffff:192.0.2.7', { ipv4: 24, ipv6: 56 }), '192.0.2.0/24');
  // The unspecified and loopback addresses are not IPv4-compatible ones.
  t.is(hostKey('::'), '::/56');
  t.is(hostKey('::1'), '::/56');
});

test('NAT64, Teredo and 6to4 addresses are the IPv4 host behind the translator or tunnel', (t) => {
  t.is(hostKey('64:ff9b::192.0.2.7'), '192.0.2.7');
  t.is(hostKey('64:ff9b::c000:208'), '192.0.2.8');
  t.not(hostKey('64:ff9b::192.0.2.7'), hostKey('64:ff9b::198.51.100.1'));
  t.is(hostKey('64:ff9b:1:abcd::192.0.2.9'), '192.0.2.9');
  // Teredo (RFC 4380 §4): server 65.54.227.120, flags 0x8000, port 40000 obfuscated, client 192.0.2.45 obfuscated (3fff:fdd2).
  t.is(hostKey('2001:0:4136:e378:8000:63bf:3fff:fdd2'), '192.0.2.45');
  t.is(hostKey('2001::ffff:ffff'), '0.0.0.0');
  // 6to4 (RFC 3056): 2002:V4ADDR::/48.
  t.is(hostKey('2002:c000:0207::1'), '192.0.2.7');
  t.is(hostKey('2002:c000:0207:ffff::1234'), '192.0.2.7');
  t.is(hostKey('2002:c633:6401::1'), '198.51.100.1');
});

test('a link-local address is a host of its own, per interface', (t) => {
  t.is(hostKey('fe80::1%eth0'), 'fe80::1%eth0');
  t.is(hostKey('FE80:0:0:0:0:0:0:1%eth0'), 'fe80::1%eth0');
  t.not(hostKey('fe80::1%eth0'), hostKey('fe80::2%eth0'));
  t.not(hostKey('fe80::1%eth0'), hostKey('fe80::1%eth1'));
  t.is(hostKey('fe80::1'), 'fe80::1');
  t.is(hostKey('febf::1'), 'febf::1');
  t.is(hostKey('fec0::1'), 'fec0::/56');
});

test('RFC 5952 text of the prefix: the longest zero run compressed, the first of equal ones', (t) => {
  t.is(hostKey('2001:db8:0:0:1:0:0:1', { ipv4: 32, ipv6: 128 }), '2001:db8::1:0:0:1/128');
  t.is(hostKey('2001:db8:0:1:0:0:0:1', { ipv4: 32, ipv6: 128 }), '2001:db8:0:1::1/128');
  t.is(hostKey('1:0:1:0:1:0:1:0', { ipv4: 32, ipv6: 128 }), '1:0:1:0:1:0:1:0/128');
});

test('host prefixes out of range are ConfigErrors naming the option, at configuration', (t) => {
  t.deepEqual(hostPrefixes(undefined, undefined), { ipv4: 32, ipv6: 56 });
  for (const [option, v4, v6] of [
    ['ipv4HostPrefix', 33, undefined],
    ['ipv4HostPrefix', 7, undefined],
    ['ipv4HostPrefix', 24.5, undefined],
    ['ipv6HostPrefix', undefined, 129],
    ['ipv6HostPrefix', undefined, 0],
  ] as const) {
    const e = t.throws(() => hostPrefixes(v4, v6), { instanceOf: ConfigError });
    t.is(e?.option, option);
  }
  const id = makeIdentity('p256', 'localhost');
  const e = t.throws(() => listen(() => {}, { ...pemOptions(id), ipv6HostPrefix: 130 }), {
    instanceOf: ConfigError,
  });
  t.is(e?.option, 'ipv6HostPrefix');
  t.regex(e?.message ?? '', /ipv6HostPrefix: must be an integer in 16\.\.128, got 130/);
});
