import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { identityOf, verifyCertificateChain, type ChainResult } from '../../runtime/pki/verify-chain.js';
import { issue, makeIntermediate, makeRoot, NOW, type Issued } from './fixtures.js';
import { opensslVerify } from './openssl-verify.js';

/**
 * The reference identity (RFC 9525 §6): an IP literal matches only
 * iPAddress entries, octet for octet; a DNS name only dNSName entries.
 * Each verdict is compared with `openssl verify -verify_ip` /
 * `-verify_hostname` on the same chain.
 */

const root = makeRoot('p256');
const intermediate = makeIntermediate('p256', root);

function leafWith(names: {
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  subjectCommonName?: string;
}): Issued {
  return issue('p256', intermediate, { dnsNames: [], ipAddresses: [], ...names });
}

const ours = (leaf: Issued, hostname: string): ChainResult =>
  verifyCertificateChain({ chain: [leaf.der, intermediate.der], trustAnchors: [root.der], now: NOW, hostname });

interface IdentityCase {
  readonly leaf: Issued;
  readonly what: string;
  /** What we are given as `hostname`. */
  readonly hostname: string;
  /** The same reference identity as openssl takes it. */
  readonly openssl: { readonly ip: string } | { readonly hostname: string };
  readonly valid: boolean;
}

const dnsOnly = leafWith({ dnsNames: ['other.example'] });
const ipv4 = leafWith({ ipAddresses: ['127.0.0.1'] });
const dnsLooksLikeIp = leafWith({ dnsNames: ['127.0.0.1'] });
const cnLooksLikeIp = leafWith({ subjectCommonName: '127.0.0.1' });
const ipv6 = leafWith({ ipAddresses: ['::1', '2001:db8::7'] });
const mapped = leafWith({ ipAddresses: ['::ffff:127.0.0.1'] });
const both = leafWith({ dnsNames: ['a.example'], ipAddresses: ['192.0.2.1'] });

const CASES: readonly IdentityCase[] = [
  { leaf: dnsOnly, what: 'DNS:other.example', hostname: '127.0.0.1', openssl: { ip: '127.0.0.1' }, valid: false },
  { leaf: ipv4, what: 'IP:127.0.0.1', hostname: '127.0.0.1', openssl: { ip: '127.0.0.1' }, valid: true },
  { leaf: ipv4, what: 'IP:127.0.0.1', hostname: '127.0.0.2', openssl: { ip: '127.0.0.2' }, valid: false },
  { leaf: ipv4, what: 'IP:127.0.0.1', hostname: 'localhost', openssl: { hostname: 'localhost' }, valid: false },
  {
    leaf: dnsLooksLikeIp,
    what: 'DNS:127.0.0.1 (a dNSName is no IP-ID)',
    hostname: '127.0.0.1',
    openssl: { ip: '127.0.0.1' },
    valid: false,
  },
  {
    leaf: cnLooksLikeIp,
    what: 'CN=127.0.0.1, no SAN',
    hostname: '127.0.0.1',
    openssl: { ip: '127.0.0.1' },
    valid: false,
  },
  { leaf: ipv6, what: 'IP:::1', hostname: '::1', openssl: { ip: '::1' }, valid: true },
  { leaf: ipv6, what: 'IP:::1', hostname: '[::1]', openssl: { ip: '::1' }, valid: true },
  { leaf: ipv6, what: 'IP:::1', hostname: '0:0:0:0:0:0:0:1', openssl: { ip: '0:0:0:0:0:0:0:1' }, valid: true },
  { leaf: ipv6, what: 'IP:2001:db8::7', hostname: '[2001:DB8:0::7]', openssl: { ip: '2001:DB8:0::7' }, valid: true },
  { leaf: ipv6, what: 'IP:::1', hostname: '::2', openssl: { ip: '::2' }, valid: false },
  { leaf: ipv6, what: 'IP:::1 only in IPv6', hostname: '0.0.0.1', openssl: { ip: '0.0.0.1' }, valid: false },
  {
    leaf: ipv4,
    what: 'IP:127.0.0.1 (4 octets) for its IPv4-mapped IPv6 form',
    hostname: '::ffff:127.0.0.1',
    openssl: { ip: '::ffff:127.0.0.1' },
    valid: false,
  },
  {
    leaf: mapped,
    what: 'IP:::ffff:127.0.0.1 (16 octets) for 127.0.0.1',
    hostname: '127.0.0.1',
    openssl: { ip: '127.0.0.1' },
    valid: false,
  },
  { leaf: dnsOnly, what: 'DNS:other.example', hostname: '::1', openssl: { ip: '::1' }, valid: false },
  {
    leaf: both,
    what: 'DNS:a.example, IP:192.0.2.1',
    hostname: 'a.example',
    openssl: { hostname: 'a.example' },
    valid: true,
  },
  { leaf: both, what: 'DNS:a.example, IP:192.0.2.1', hostname: '192.0.2.1', openssl: { ip: '192.0.2.1' }, valid: true },
  {
    leaf: both,
    what: 'DNS:a.example, IP:192.0.2.1',
    hostname: 'b.example',
    openssl: { hostname: 'b.example' },
    valid: false,
  },
  {
    leaf: both,
    what: 'DNS:a.example, IP:192.0.2.1',
    hostname: '192.0.2.2',
    openssl: { ip: '192.0.2.2' },
    valid: false,
  },
];

test("IP and DNS identities: our verdict, openssl verify's and RFC 9525's agree on every case", (t) => {
  for (const c of CASES) {
    const label = `${c.what} for ${c.hostname}`;
    const mine = ours(c.leaf, c.hostname);
    const ref = opensslVerify({ anchor: root.pem, intermediates: [intermediate.pem], leaf: c.leaf.pem, ...c.openssl });
    t.is(mine.ok, c.valid, `${label}: ours ${mine.ok ? 'accepts' : `rejects (${mine.reason})`}`);
    t.is(ref.ok, c.valid, `${label}: openssl ${ref.ok ? 'accepts' : 'rejects'}: ${ref.output}`);
    t.is(mine.ok, ref.ok, `${label}: ours and openssl disagree`);
    if (!mine.ok) t.is(mine.alert, 'certificate_unknown', `${label}: ${mine.reason}`);
  }
});

test('a certificate with only DNS:other.example is refused for 127.0.0.1 with a reason naming the address', (t) => {
  const r = ours(dnsOnly, '127.0.0.1');
  t.false(r.ok);
  if (!r.ok) t.regex(r.reason, /not valid for IP address 127\.0\.0\.1/);
});

test('a leaf naming the host in its subject CN only is refused, saying the CN is not read', (t) => {
  const cnOnly = ours(leafWith({ subjectCommonName: 'localhost' }), 'localhost');
  t.false(cnOnly.ok);
  if (!cnOnly.ok) t.regex(cnOnly.reason, /not valid for host name localhost \(it has no DNS name in subjectAltName/);
  const other = ours(dnsOnly, 'localhost');
  t.false(other.ok);
  if (!other.ok) t.notRegex(other.reason, /no DNS name/);
});

test('identityOf: IP literals (IPv4, IPv6, bracketed, with a zone) and DNS names', (t) => {
  t.deepEqual(identityOf('192.0.2.1'), { kind: 'ip', address: new Uint8Array([192, 0, 2, 1]) });
  const loopback6 = new Uint8Array(16);
  loopback6[15] = 1;
  for (const host of ['::1', '[::1]', '0:0:0:0:0:0:0:1', '[0::1%25eth0]', '::1%lo'])
    t.deepEqual(identityOf(host), { kind: 'ip', address: loopback6 }, host);
  const mapped4 = identityOf('::ffff:192.0.2.1');
  t.is(mapped4.kind === 'ip' ? mapped4.address.length : 0, 16);
  t.deepEqual(identityOf('WWW.Example.COM.'), { kind: 'dns', name: 'www.example.com' });
  t.deepEqual(identityOf('host-1.example'), { kind: 'dns', name: 'host-1.example' });
  t.deepEqual(identityOf('1.2.3.example'), { kind: 'dns', name: '1.2.3.example' });
});

test('identityOf: what is neither a DNS name nor an IP address is a ConfigError naming the option', (t) => {
  for (const bad of [
    '',
    '.',
    '[192.0.2.1]',
    '[::1',
    '::1]',
    '[a.example]',
    '127.1',
    '0x7f.0.0.1',
    '2130706433',
    '1.2.3.256',
    '010.0.0.1',
    '127.0.0.1.',
    '::1::2',
    'fe80::1%',
    '[]',
    'a.example\0.evil.example',
    'a\nb.example',
  ]) {
    const e = t.throws(() => identityOf(bad), { instanceOf: ConfigError }, JSON.stringify(bad));
    t.is(e?.option, 'hostname', bad);
  }
  t.is(t.throws(() => identityOf('127.1', 'serverName'), { instanceOf: ConfigError })?.option, 'serverName');
});

test('the verifier checks hostname with identityOf: ConfigError for a malformed one', (t) => {
  for (const bad of ['127.1', '[::1', '[a.example]']) {
    t.is(t.throws(() => ours(ipv4, bad), { instanceOf: ConfigError })?.option, 'hostname', bad);
  }
  t.is(
    t.throws(
      () => verifyCertificateChain({ chain: [ipv4.der], trustAnchors: [root.der], now: NOW, ipAddress: 'a.example' }),
      { instanceOf: ConfigError },
    )?.option,
    'ipAddress',
  );
});

test('hostname and ipAddress together: the leaf must name both', (t) => {
  const check = (hostname: string, ipAddress: string): boolean =>
    verifyCertificateChain({
      chain: [both.der, intermediate.der],
      trustAnchors: [root.der],
      now: NOW,
      hostname,
      ipAddress,
    }).ok;
  t.true(check('a.example', '192.0.2.1'));
  t.true(check('192.0.2.1', '192.0.2.1'));
  t.false(check('a.example', '192.0.2.2'));
  t.false(check('192.0.2.2', '192.0.2.1'), 'an IP hostname is checked even when ipAddress is given');
});

test('a name read before is read the same again, past the names kept; a refused text is refused each time', (t) => {
  for (let round = 0; round < 2; round++) {
    t.deepEqual(identityOf('Server.Example.'), { kind: 'dns', name: 'server.example' });
    t.deepEqual(identityOf('server.example'), { kind: 'dns', name: 'server.example' });
    t.deepEqual(identityOf('192.0.2.1'), { kind: 'ip', address: new Uint8Array([192, 0, 2, 1]) });
    for (let i = 0; i < 100; i++) t.deepEqual(identityOf(`N${i}.Example`), { kind: 'dns', name: `n${i}.example` });
    t.throws(() => identityOf('127.1', 'servername'), { instanceOf: ConfigError, message: /servername/ });
  }
});
