import test from 'ava';
import fc from 'fast-check';
import { sign, X509Certificate } from 'node:crypto';
import { ConfigError } from '../../runtime/config-error.js';
import { parseCertificateFields } from '../../runtime/pki/certificate-fields.js';
import { derBitString, derNull, derSequence } from '../../runtime/wire/der-writer.js';
import {
  createChainVerifier,
  parsePemCertificates,
  verifyCertificateChain,
  type CertificateVerifier,
  type ChainResult,
  type VerifyChainOptions,
} from '../../runtime/pki/verify-chain.js';
import { ALL_KINDS, days, flip, issue, keyPair, makeChain, makeIntermediate, makeRoot, NOW, spki } from './fixtures.js';

/** Chain validation (RFC 8446 §4.4.2.4, RFC 5280 §6) with real certificates from our builder. */

type Options = Omit<VerifyChainOptions, 'now'> & { readonly now?: number };
const verify = (o: Options): ChainResult => verifyCertificateChain({ now: NOW, ...o });

function alertOf(t: { fail(m: string): void }, result: ChainResult): string {
  if (result.ok) {
    t.fail('expected the chain to be rejected');
    return 'ok';
  }
  return result.alert;
}

/** The chain is rejected with `alert` and a reason matching `reason`. */
function rejected(
  t: { is(a: unknown, b: unknown, m?: string): void; regex(s: string, r: RegExp): void; fail(m: string): void },
  result: ChainResult,
  alert: string,
  reason?: RegExp,
): void {
  t.is(alertOf(t, result), alert, result.ok ? '' : result.reason);
  if (!result.ok && reason !== undefined) t.regex(result.reason, reason);
}

for (const kind of ALL_KINDS) {
  test(`${kind}: leaf and intermediate, root as anchor: ok, with the leaf key and the path`, (t) => {
    const { root, intermediate, leaf } = makeChain(kind);
    const result = verify({ chain: [leaf.der, intermediate.der], trustAnchors: [root.der], hostname: 'a.example' });
    if (!result.ok) return t.fail(result.reason);
    t.deepEqual(result.leafPublicKeySpki, leaf.keys.spkiDer);
    t.deepEqual(spki(result.leaf.publicKey), leaf.keys.spkiDer);
    t.deepEqual(
      result.path.map((c) => c.subject),
      [`CN=Leaf ${kind}`, `CN=Intermediate ${kind}`, `CN=Root ${kind}`],
    );
  });
}

test('the root may be sent too, and the order of intermediates may be relaxed', (t) => {
  const { root, intermediate, leaf } = makeChain('p256');
  const stranger = makeRoot('p256');
  for (const chain of [
    [leaf.der, intermediate.der, root.der],
    [leaf.der, root.der, intermediate.der],
    [leaf.der, stranger.der, intermediate.der],
  ]) {
    const result = verify({ chain, trustAnchors: [root.der] });
    t.true(result.ok, result.ok ? '' : result.reason);
    if (result.ok) t.is(result.path.length, 3);
  }
});

test('a chain of two intermediates in reverse order validates', (t) => {
  const root = makeRoot('ed25519');
  const upper = makeIntermediate('ed25519', root, { subjectCommonName: 'Upper' });
  const lower = makeIntermediate('ed25519', upper, { subjectCommonName: 'Lower' });
  const leaf = issue('ed25519', lower);
  const result = verify({ chain: [leaf.der, upper.der, lower.der], trustAnchors: [root.der] });
  if (!result.ok) return t.fail(result.reason);
  t.deepEqual(
    result.path.map((c) => c.subject),
    ['CN=Leaf ed25519', 'CN=Lower', 'CN=Upper', 'CN=Root ed25519'],
  );
});

test('leaf-only chain issued by the anchor: ok; a missing intermediate: unknown_ca', (t) => {
  const root = makeRoot('p384');
  const direct = issue('p384', root);
  t.true(verify({ chain: [direct.der], trustAnchors: [root.der] }).ok);
  const { root: root2, leaf } = makeChain('p384');
  rejected(t, verify({ chain: [leaf.der], trustAnchors: [root2.der] }), 'unknown_ca', /no issuer of chain\[0\]/);
});

test('any anchor ends a path: an intermediate as anchor, a pinned self-signed leaf', (t) => {
  const { intermediate, leaf } = makeChain('p256');
  const partial = verify({ chain: [leaf.der], trustAnchors: [intermediate.der] });
  t.true(partial.ok);
  if (partial.ok) t.is(partial.path.length, 2);
  const selfSigned = makeRoot('ed448', { isCa: false, keyUsage: ['digitalSignature'], dnsNames: ['self.example'] });
  const pinned = verify({ chain: [selfSigned.der], trustAnchors: [selfSigned.der], hostname: 'self.example' });
  t.true(pinned.ok);
  if (pinned.ok) t.is(pinned.path.length, 1);
  rejected(t, verify({ chain: [selfSigned.der], trustAnchors: [makeRoot('ed448').der] }), 'unknown_ca');
});

test('validity: expired and not-yet-valid leaves give certificate_expired; the bounds are inclusive', (t) => {
  const root = makeRoot('p256');
  const expired = issue('p256', root, { notBefore: days(-60), notAfter: days(-1) });
  rejected(t, verify({ chain: [expired.der], trustAnchors: [root.der] }), 'certificate_expired', /chain\[0\] expired/);
  const future = issue('p256', root, { notBefore: days(1), notAfter: days(60) });
  rejected(
    t,
    verify({ chain: [future.der], trustAnchors: [root.der] }),
    'certificate_expired',
    /chain\[0\] is not valid before/,
  );
  const leaf = issue('p256', root, { notBefore: days(-1), notAfter: days(1) });
  const { notBefore, notAfter } = parseCertificateFields(leaf.der);
  t.true(verify({ chain: [leaf.der], trustAnchors: [root.der], now: notBefore }).ok);
  t.false(verify({ chain: [leaf.der], trustAnchors: [root.der], now: notBefore - 1 }).ok);
  t.true(verify({ chain: [leaf.der], trustAnchors: [root.der], now: notAfter + 999 }).ok);
  rejected(t, verify({ chain: [leaf.der], trustAnchors: [root.der], now: notAfter + 1000 }), 'certificate_expired');
});

test('an expired intermediate or anchor gives certificate_expired', (t) => {
  const root = makeRoot('ed25519');
  const intermediate = makeIntermediate('ed25519', root, { notBefore: days(-400), notAfter: days(-10) });
  const leaf = issue('ed25519', intermediate);
  rejected(
    t,
    verify({ chain: [leaf.der, intermediate.der], trustAnchors: [root.der] }),
    'certificate_expired',
    /chain\[1\] expired/,
  );
  const oldRoot = makeRoot('ed25519', { notBefore: days(-400), notAfter: days(-10) });
  const leaf2 = issue('ed25519', oldRoot);
  rejected(
    t,
    verify({ chain: [leaf2.der], trustAnchors: [oldRoot.der] }),
    'certificate_expired',
    /trustAnchors\[0\] expired/,
  );
});

test('an untrusted root gives unknown_ca, whether it is sent or not', (t) => {
  const { root, intermediate, leaf } = makeChain('p521');
  const other = makeRoot('p521');
  rejected(
    t,
    verify({ chain: [leaf.der, intermediate.der], trustAnchors: [other.der] }),
    'unknown_ca',
    /no issuer of chain\[1\]/,
  );
  rejected(
    t,
    verify({ chain: [leaf.der, intermediate.der, root.der], trustAnchors: [other.der] }),
    'unknown_ca',
    /no issuer of chain\[2\]/,
  );
  rejected(t, verify({ chain: [leaf.der, intermediate.der], trustAnchors: [] }), 'unknown_ca');
});

test('an anchor with the same name but another key: unknown_ca (key identifiers differ)', (t) => {
  const { intermediate, leaf } = makeChain('p256');
  const impostor = makeRoot('p256', { subjectCommonName: 'Root p256' });
  // OpenSSL's checkIssued matches names and key identifiers; ours differ, so no issuer at all.
  rejected(t, verify({ chain: [leaf.der, intermediate.der], trustAnchors: [impostor.der] }), 'unknown_ca');
});

test('an intermediate without the CA flag gives unknown_ca', (t) => {
  const root = makeRoot('p256');
  // With a leaf's keyUsage (no keyCertSign), OpenSSL's issuer check already refuses it.
  const plain = issue('p256', root, { subjectCommonName: 'Not a CA' });
  const leaf1 = issue('p256', plain);
  rejected(
    t,
    verify({ chain: [leaf1.der, plain.der], trustAnchors: [root.der] }),
    'unknown_ca',
    /no issuer of chain\[0\]/,
  );
  // With keyCertSign but basicConstraints cA FALSE, our CA check refuses it.
  const noCaFlag = issue('p256', root, { subjectCommonName: 'No CA flag', keyUsage: ['keyCertSign'] });
  const leaf2 = issue('p256', noCaFlag);
  rejected(
    t,
    verify({ chain: [leaf2.der, noCaFlag.der], trustAnchors: [root.der] }),
    'unknown_ca',
    /chain\[1\] issues chain\[0\] but is not a CA/,
  );
  // An anchor that is not a CA cannot issue either.
  rejected(
    t,
    verify({ chain: [leaf2.der], trustAnchors: [noCaFlag.der] }),
    'unknown_ca',
    /trustAnchors\[0\] issues chain\[0\] but is not a CA/,
  );
});

test('a CA whose keyUsage lacks keyCertSign cannot issue: unknown_ca', (t) => {
  const root = makeRoot('ed25519');
  const intermediate = makeIntermediate('ed25519', root, { keyUsage: ['cRLSign'] });
  const leaf = issue('ed25519', intermediate);
  rejected(t, verify({ chain: [leaf.der, intermediate.der], trustAnchors: [root.der] }), 'unknown_ca');
});

test('pathLenConstraint and maxDepth bound the path: unknown_ca', (t) => {
  const root = makeRoot('p256', { pathLenConstraint: 0 });
  const intermediate = makeIntermediate('p256', root);
  const leaf = issue('p256', intermediate);
  rejected(
    t,
    verify({ chain: [leaf.der, intermediate.der], trustAnchors: [root.der] }),
    'unknown_ca',
    /pathLenConstraint 0/,
  );
  t.true(verify({ chain: [issue('p256', root).der], trustAnchors: [root.der] }).ok);
  const root1 = makeRoot('p256', { pathLenConstraint: 1 });
  const i1 = makeIntermediate('p256', root1, { pathLenConstraint: 0 });
  const leaf1 = issue('p256', i1);
  t.true(verify({ chain: [leaf1.der, i1.der], trustAnchors: [root1.der] }).ok);
  t.true(verify({ chain: [leaf1.der, i1.der], trustAnchors: [root1.der], maxDepth: 3 }).ok);
  rejected(
    t,
    verify({ chain: [leaf1.der, i1.der], trustAnchors: [root1.der], maxDepth: 2 }),
    'unknown_ca',
    /within 2 certificates/,
  );
});

test('a tampered signature byte gives bad_certificate, in the leaf or the intermediate', (t) => {
  for (const kind of ['p256', 'ed25519', 'rsa2048'] as const) {
    const { root, intermediate, leaf } = makeChain(kind);
    const badLeaf = flip(leaf.der, leaf.der.length - 5);
    rejected(
      t,
      verify({ chain: [badLeaf, intermediate.der], trustAnchors: [root.der] }),
      'bad_certificate',
      /signature of chain\[0\] does not verify/,
    );
    const badIntermediate = flip(intermediate.der, intermediate.der.length - 5);
    rejected(
      t,
      verify({ chain: [leaf.der, badIntermediate], trustAnchors: [root.der] }),
      'bad_certificate',
      /signature of chain\[1\] does not verify/,
    );
  }
});

test('a tampered TBS byte (the subject name) gives bad_certificate', (t) => {
  const { root, intermediate, leaf } = makeChain('p384');
  const index = Buffer.from(leaf.der).indexOf(Buffer.from('Leaf p384'));
  t.true(index > 0);
  const tampered = flip(leaf.der, index, 0x20); // 'L' → 'l'
  rejected(t, verify({ chain: [tampered, intermediate.der], trustAnchors: [root.der] }), 'bad_certificate');
});

test('any single changed byte in the leaf is rejected, never thrown', (t) => {
  const { root, intermediate, leaf } = makeChain('p256');
  fc.assert(
    fc.property(fc.nat({ max: leaf.der.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
      const result = verify({ chain: [flip(leaf.der, index, mask), intermediate.der], trustAnchors: [root.der] });
      return !result.ok;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('hostnames: SAN dNSName only, case-insensitive, whole-label wildcards; a mismatch is certificate_unknown', (t) => {
  const { root, intermediate, leaf } = makeChain('ed25519');
  const check = (hostname: string): ChainResult =>
    verify({ chain: [leaf.der, intermediate.der], trustAnchors: [root.der], hostname });
  for (const ok of ['a.example', 'A.Example', 'a.example.', 'x.b.example']) t.true(check(ok).ok, ok);
  for (const bad of ['other.example', 'b.example', 'y.x.b.example', 'example', 'Leaf ed25519'])
    rejected(t, check(bad), 'certificate_unknown', /not valid for host name/);
  // The subject CN is never used (RFC 9525 §6.3).
  const cnOnly = issue('ed25519', root, { subjectCommonName: 'cn.example', dnsNames: [], ipAddresses: [] });
  rejected(t, verify({ chain: [cnOnly.der], trustAnchors: [root.der], hostname: 'cn.example' }), 'certificate_unknown');
  // Partial-label wildcards are not honoured.
  const partial = issue('ed25519', root, { dnsNames: ['w*.example'] });
  rejected(
    t,
    verify({ chain: [partial.der], trustAnchors: [root.der], hostname: 'www.example' }),
    'certificate_unknown',
  );
});

test('IP addresses: SAN iPAddress match and mismatch, IPv4 and IPv6, also as a hostname', (t) => {
  const { root, intermediate, leaf } = makeChain('p256');
  const check = (o: { hostname?: string; ipAddress?: string }): ChainResult =>
    verify({ chain: [leaf.der, intermediate.der], trustAnchors: [root.der], ...o });
  t.true(check({ ipAddress: '192.0.2.1' }).ok);
  t.true(check({ ipAddress: '2001:db8::1' }).ok);
  t.true(check({ ipAddress: '2001:0DB8:0:0:0:0:0:1' }).ok);
  t.true(check({ hostname: '192.0.2.1' }).ok);
  t.true(check({ hostname: 'a.example', ipAddress: '192.0.2.1' }).ok);
  rejected(t, check({ ipAddress: '192.0.2.2' }), 'certificate_unknown', /not valid for IP address 192\.0\.2\.2/);
  rejected(t, check({ ipAddress: '2001:db8::2' }), 'certificate_unknown');
  rejected(t, check({ hostname: '198.51.100.1' }), 'certificate_unknown');
  rejected(t, check({ hostname: 'other.example', ipAddress: '192.0.2.1' }), 'certificate_unknown');
  const noIpSan = verify({
    chain: [issue('p256', root, { ipAddresses: [] }).der],
    trustAnchors: [root.der],
    ipAddress: '192.0.2.1',
  });
  rejected(t, noIpSan, 'certificate_unknown');
});

test('malformed DER anywhere in the chain gives bad_certificate without throwing', (t) => {
  const { root, intermediate, leaf } = makeChain('p256');
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['garbage', new Uint8Array([1, 2, 3, 4, 5])],
    ['empty SEQUENCE', new Uint8Array([0x30, 0x00])],
    ['truncated', leaf.der.subarray(0, leaf.der.length - 10)],
    ['trailing byte', new Uint8Array([...leaf.der, 0x00])],
    ['PEM text', new TextEncoder().encode(leaf.pem)],
    ['indefinite length', new Uint8Array([0x30, 0x80, 0x00, 0x00])],
  ];
  for (const [name, der] of cases) {
    rejected(
      t,
      verify({ chain: [der, intermediate.der], trustAnchors: [root.der] }),
      'bad_certificate',
      /chain\[0\] is (malformed|rejected)/,
    );
    rejected(t, verify({ chain: [leaf.der, der], trustAnchors: [root.der] }), 'bad_certificate', /chain\[1\]/);
    t.log(name);
  }
});

/** Offset of `part` (a subarray) inside `whole`. */
const offsetIn = (whole: Uint8Array, part: Uint8Array): number => part.byteOffset - whole.byteOffset;

test('outer signatureAlgorithm differing from tbsCertificate.signature: bad_certificate', (t) => {
  const { root, intermediate, leaf } = makeChain('p256');
  const f = parseCertificateFields(leaf.der);
  // ecdsa-with-SHA256 (…4.3.2) → ecdsa-with-SHA384 (…4.3.3) in the unsigned outer copy only.
  const last = offsetIn(leaf.der, f.signatureAlgorithm) + f.signatureAlgorithm.length - 1;
  t.is(leaf.der[last], 0x02);
  const changed = flip(leaf.der, last, 0x01);
  t.is(parseCertificateFields(changed).signatureAlgorithmOid, '1.2.840.10045.4.3.2'); // the TBS copy is unchanged
  rejected(t, verify({ chain: [changed, intermediate.der], trustAnchors: [root.der] }), 'bad_certificate');
});

test('a SHA-1 signature verifies in node but is unsupported_certificate here', (t) => {
  const root = makeRoot('rsa2048');
  const leaf = issue('p256', root);
  // sha256WithRSAEncryption (…1.1.11) and sha1WithRSAEncryption (…1.1.5) have OIDs of one length:
  // swap the last arc (byte 12 of 30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00) and re-sign.
  const f = parseCertificateFields(leaf.der);
  const sha1Alg = f.tbsSignatureAlgorithm.slice();
  t.is(sha1Alg[12], 0x0b);
  sha1Alg[12] = 0x05;
  const tbs = f.tbsCertificate.slice();
  tbs.set(sha1Alg, offsetIn(f.tbsCertificate, f.tbsSignatureAlgorithm));
  const der = derSequence([tbs, sha1Alg, derBitString(new Uint8Array(sign('sha1', tbs, root.keys.privateKey)))]);
  t.is(parseCertificateFields(der).signatureAlgorithmOid, '1.2.840.113549.1.1.5');
  t.true(new X509Certificate(der).verify(new X509Certificate(root.der).publicKey), 'node accepts the SHA-1 signature');
  rejected(
    t,
    verify({ chain: [der], trustAnchors: [root.der] }),
    'unsupported_certificate',
    /signature algorithm 1\.2\.840\.113549\.1\.1\.5/,
  );
});

test('an unknown critical extension is unsupported_certificate; a non-critical one is ignored', (t) => {
  const root = makeRoot('ed25519');
  const critical = issue('ed25519', root, {
    extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: derNull() }],
  });
  rejected(
    t,
    verify({ chain: [critical.der], trustAnchors: [root.der] }),
    'unsupported_certificate',
    /critical extension 1\.3\.6\.1\.4\.1\.99999\.1/,
  );
  const plain = issue('ed25519', root, {
    extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: false, value: derNull() }],
  });
  t.true(verify({ chain: [plain.der], trustAnchors: [root.der] }).ok);
});

test('leaf usage: keyUsage without digitalSignature, and extKeyUsage against the purpose', (t) => {
  const root = makeRoot('p256');
  const encipherOnly = issue('p256', root, { keyUsage: ['keyEncipherment'] });
  rejected(
    t,
    verify({ chain: [encipherOnly.der], trustAnchors: [root.der] }),
    'unsupported_certificate',
    /digitalSignature/,
  );
  const server = issue('p256', root, { extendedKeyUsage: ['serverAuth'] });
  t.true(verify({ chain: [server.der], trustAnchors: [root.der], purpose: 'serverAuth' }).ok);
  rejected(
    t,
    verify({ chain: [server.der], trustAnchors: [root.der], purpose: 'clientAuth' }),
    'unsupported_certificate',
    /clientAuth/,
  );
  t.true(verify({ chain: [server.der], trustAnchors: [root.der] }).ok);
  const noEku = issue('p256', root);
  t.true(verify({ chain: [noEku.der], trustAnchors: [root.der], purpose: 'clientAuth' }).ok);
  const both = issue('p256', root, { extendedKeyUsage: ['serverAuth', 'clientAuth'] });
  t.true(verify({ chain: [both.der], trustAnchors: [root.der], purpose: 'clientAuth' }).ok);
});

test('an empty chain and an overlong chain give certificate_unknown', (t) => {
  const root = makeRoot('p256');
  rejected(t, verify({ chain: [], trustAnchors: [root.der] }), 'certificate_unknown', /empty/);
  rejected(
    t,
    verify({ chain: new Array<Uint8Array>(17).fill(root.der), trustAnchors: [root.der] }),
    'certificate_unknown',
    /more than 16/,
  );
});

test("the caller's mistakes throw ConfigError", (t) => {
  const { root, leaf } = makeChain('p256');
  const option = (o: Options): string | undefined => t.throws(() => verify(o), { instanceOf: ConfigError })?.option;
  t.is(option({ chain: [leaf.der], trustAnchors: [new Uint8Array([0x30, 0x00])] }), 'trustAnchors[0]');
  t.is(option({ chain: [leaf.der], trustAnchors: [root.der, new TextEncoder().encode(root.pem)] }), 'trustAnchors[1]');
  t.is(option({ chain: [leaf.der], trustAnchors: [root.der], now: Number.NaN }), 'now');
  t.is(option({ chain: [leaf.der], trustAnchors: [root.der], ipAddress: 'localhost' }), 'ipAddress');
  t.is(option({ chain: [leaf.der], trustAnchors: [root.der], hostname: '' }), 'hostname');
  t.is(option({ chain: [leaf.der], trustAnchors: [root.der], maxDepth: 0 }), 'maxDepth');
  // As every integer option: a number out of range is ERR_OUT_OF_RANGE.
  t.like(
    t.throws(() => verify({ chain: [leaf.der], trustAnchors: [root.der], maxDepth: 65 })),
    {
      option: 'maxDepth',
      code: 'ERR_OUT_OF_RANGE',
    },
  );
});

test('createChainVerifier: anchors parsed once, the same results through the hook type', (t) => {
  const { root, intermediate, leaf } = makeChain('p256', { extendedKeyUsage: ['serverAuth'] });
  const verifier: CertificateVerifier = createChainVerifier(parsePemCertificates(root.pem), { purpose: 'serverAuth' });
  t.true(verifier([leaf.der, intermediate.der], { now: NOW, hostname: 'a.example' }).ok);
  rejected(t, verifier([leaf.der, intermediate.der], { now: NOW, hostname: 'z.example' }), 'certificate_unknown');
  rejected(t, verifier([leaf.der, intermediate.der], { now: days(4000).getTime() }), 'certificate_expired');
  rejected(t, verifier([leaf.der], { now: NOW }), 'unknown_ca');
  t.throws(() => createChainVerifier([new Uint8Array([1])]), { instanceOf: ConfigError });
  const mine: CertificateVerifier = (chain) =>
    chain.length === 1
      ? verifier([...chain, intermediate.der], { now: NOW })
      : { ok: false, alert: 'bad_certificate', reason: 'custom' };
  t.true(mine([leaf.der], { now: NOW }).ok);
});

test('RSA keys are shared within a file (keeps the suite fast)', (t) => {
  t.is(keyPair('rsa2048'), keyPair('rsa2048'));
  t.not(keyPair('p256'), keyPair('p256'));
});
