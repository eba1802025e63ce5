import test from 'ava';
import fc from 'fast-check';
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { ConfigError } from '../../runtime/config-error.js';
import { parseSubjectPublicKeyInfo } from '../../runtime/crypto/der.js';
import { createCertificate, generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import {
  basicConstraints,
  extendedKeyUsage,
  findExtension,
  keyUsageBits,
  parseCertificateFields,
  subjectKeyIdentifier,
} from '../../runtime/pki/certificate-fields.js';
import {
  derBitString,
  derBoolean,
  derExplicit,
  derGeneralizedTime,
  derIa5String,
  derImplicit,
  derInteger,
  derNamedBits,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derTime,
  derUtcTime,
  derUtf8String,
} from '../../runtime/wire/der-writer.js';
import { parseIpAddress } from '../../runtime/pki/ip-address.js';
import { KEY_USAGE_BIT, PKI_OID } from '../../runtime/pki/oids.js';
import { certificateToPem, parsePemCertificates } from '../../runtime/pki/pem.js';
import { EncodeError } from '../../runtime/wire/errors.js';
import { hex } from '../support/canon.js';
import { ALL_KINDS, days, issue, keyPair, makeChain, makeRoot, spki } from './fixtures.js';

/** Certificates made by our builder, checked against node's (OpenSSL's) parser and our strict DER parser. */

const h = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// ---------------------------------------------------------------- DER writer

test("INTEGER: minimal two's complement from bigint (X.690 §8.3)", (t) => {
  const cases: [bigint, string][] = [
    [0n, '020100'],
    [1n, '020101'],
    [127n, '02017f'],
    [128n, '02020080'],
    [255n, '020200ff'],
    [256n, '02020100'],
    [-1n, '0201ff'],
    [-128n, '020180'],
    [-129n, '0202ff7f'],
    [-256n, '0202ff00'],
    [65535n, '020300ffff'],
  ];
  for (const [value, expected] of cases) t.is(h(derInteger(value)), expected, String(value));
});

test('INTEGER: from unsigned magnitude bytes, leading zeros trimmed, zero added for a set top bit', (t) => {
  t.is(h(derInteger(new Uint8Array([0x00, 0x00, 0x7f]))), '02017f');
  t.is(h(derInteger(new Uint8Array([0x80]))), '02020080');
  t.is(h(derInteger(new Uint8Array([0x00, 0xff, 0x01]))), '020300ff01');
  t.is(h(derInteger(new Uint8Array([]))), '020100');
  t.is(h(derInteger(new Uint8Array([0, 0]))), '020100');
});

test('INTEGER: bigint encodings decode back to the same value and are minimal', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (v) => {
      const der = derInteger(v);
      const contents = der.subarray(2);
      if (der[1] !== contents.length) return false;
      let back = 0n;
      for (const b of contents) back = (back << 8n) | BigInt(b);
      if ((contents[0] ?? 0) & 0x80) back -= 1n << BigInt(8 * contents.length);
      // Minimal: the first nine bits are not all equal.
      const redundant =
        contents.length > 1 &&
        ((contents[0] === 0 && ((contents[1] ?? 0) & 0x80) === 0) ||
          (contents[0] === 0xff && ((contents[1] ?? 0) & 0x80) !== 0));
      return back === v && !redundant;
    }),
  );
  t.pass();
});

test('OBJECT IDENTIFIER from dotted text (X.690 §8.19), and bad OIDs refused', (t) => {
  t.is(h(derOid('1.2.840.113549')), '06062a864886f70d');
  t.is(h(derOid('2.5.29.19')), '0603551d13');
  t.is(h(derOid('1.2.840.10045.3.1.7')), '06082a8648ce3d030107');
  t.is(h(derOid('2.999.3')), '0603883703'); // X.690 §8.19.5 example: first subidentifier 1079
  for (const bad of ['', '1', '1.', '3.1', '1.40', '1.2.-3', 'a.b'])
    t.throws(() => derOid(bad), { instanceOf: EncodeError }, bad);
});

test('primitive types: BOOLEAN, NULL, OCTET STRING, strings, BIT STRING', (t) => {
  t.is(h(derBoolean(true)), '0101ff');
  t.is(h(derBoolean(false)), '010100');
  t.is(h(derNull()), '0500');
  t.is(h(derOctetString(new Uint8Array([1, 2]))), '04020102');
  t.is(h(derUtf8String('é')), '0c02c3a9');
  t.is(h(derIa5String('a.example')), '1609612e6578616d706c65');
  t.throws(() => derIa5String('é'), { instanceOf: EncodeError });
  t.is(h(derBitString(new Uint8Array([0xab]))), '030200ab');
  t.is(h(derBitString(new Uint8Array([0xff]), 3)), '030203f8'); // unused bits cleared
  t.throws(() => derBitString(new Uint8Array([]), 1), { instanceOf: EncodeError });
});

test('named bits drop trailing zero bits (X.690 §11.2.2): KeyUsage encodings', (t) => {
  t.is(h(derNamedBits([KEY_USAGE_BIT.digitalSignature])), '03020780');
  t.is(h(derNamedBits([KEY_USAGE_BIT.keyCertSign, KEY_USAGE_BIT.cRLSign])), '03020106');
  t.is(h(derNamedBits([KEY_USAGE_BIT.digitalSignature, KEY_USAGE_BIT.keyEncipherment])), '030205a0');
  t.is(h(derNamedBits([KEY_USAGE_BIT.decipherOnly])), '0303070080');
  t.is(h(derNamedBits([])), '030100');
});

test('lengths use the long form from 128 bytes on (X.690 §8.1.3)', (t) => {
  t.is(h(derOctetString(new Uint8Array(127)).subarray(0, 2)), '047f');
  t.is(h(derOctetString(new Uint8Array(128)).subarray(0, 3)), '048180');
  t.is(h(derOctetString(new Uint8Array(300)).subarray(0, 4)), '0482012c');
  t.is(h(derOctetString(new Uint8Array(70000)).subarray(0, 5)), '0483011170');
});

test('SEQUENCE keeps order; SET sorts its encodings (X.690 §11.6)', (t) => {
  const a = derInteger(2n);
  const b = derInteger(1n);
  t.is(h(derSequence([a, b])), '3006020102020101');
  t.is(h(derSet([a, b])), '3106020101020102');
  t.is(h(derSet([derOctetString(new Uint8Array([1])), derBoolean(true)])), '31060101ff040101');
});

test('explicit and implicit context tags (X.690 §8.14)', (t) => {
  t.is(h(derExplicit(0, derInteger(2n))), 'a003020102');
  t.is(h(derExplicit(3, derSequence([]))), 'a3023000');
  t.is(h(derImplicit(2, derIa5String('x'))), '820178');
  t.is(h(derImplicit(1, derSequence([derNull()]))), 'a1020500'); // constructed stays constructed
  t.throws(() => derExplicit(31, derNull()), { instanceOf: EncodeError });
});

test('Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), seconds only', (t) => {
  t.is(
    Buffer.from(derTime(new Date('2049-12-31T23:59:59.999Z')))
      .toString('latin1')
      .slice(2),
    '491231235959Z',
  );
  t.is(derTime(new Date('2049-12-31T23:59:59Z'))[0], 0x17);
  t.is(derTime(new Date('2050-01-01T00:00:00Z'))[0], 0x18);
  t.is(
    Buffer.from(derTime(new Date('2050-01-01T00:00:00Z')))
      .toString('latin1')
      .slice(2),
    '20500101000000Z',
  );
  t.is(
    Buffer.from(derTime(new Date('1950-01-01T00:00:00Z')))
      .toString('latin1')
      .slice(2),
    '500101000000Z',
  );
  t.is(derTime(new Date('1949-12-31T23:59:59Z'))[0], 0x18);
  t.is(h(derUtcTime(new Date('2024-02-29T01:02:03Z'))), '170d3234303232393031303230335a');
  t.throws(() => derUtcTime(new Date('2050-01-01T00:00:00Z')), { instanceOf: EncodeError });
  t.throws(() => derGeneralizedTime(new Date(Number.NaN)), { instanceOf: EncodeError });
});

test('IP addresses parse to 4 or 16 octets, and non-addresses do not', (t) => {
  t.is(h(parseIpAddress('192.0.2.1') ?? new Uint8Array()), 'c0000201');
  t.is(h(parseIpAddress('2001:db8::1') ?? new Uint8Array()), '20010db8000000000000000000000001');
  t.is(h(parseIpAddress('::') ?? new Uint8Array()), '00000000000000000000000000000000');
  t.is(h(parseIpAddress('::ffff:192.0.2.1') ?? new Uint8Array()), '00000000000000000000ffffc0000201');
  t.is(h(parseIpAddress('fe80::') ?? new Uint8Array()), 'fe800000000000000000000000000000');
  t.is(h(parseIpAddress('1:2:3:4:5:6:7:8') ?? new Uint8Array()), '00010002000300040005000600070008');
  t.is(h(parseIpAddress('0.0.0.0') ?? new Uint8Array()), '00000000');
  t.is(h(parseIpAddress('255.255.255.255') ?? new Uint8Array()), 'ffffffff');
  t.is(h(parseIpAddress('10.0.200.99') ?? new Uint8Array()), '0a00c863');
  const badIpv4 = [
    '1.2.3.4.',
    '.1.2.3',
    '1..2.3',
    '1.2.3.4.5',
    '1.2.3.-4',
    '1.2.3.1000',
    '0.0.0.00',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.0x1',
    '١.2.3.4',
  ];
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.256',
    '01.2.3.4',
    ...badIpv4,
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    'a.example',
    ':1',
  ]) {
    t.is(parseIpAddress(bad), undefined, bad);
  }
});

// ---------------------------------------------------------------- certificates

/** Expected certificate signature algorithm OID per issuer key kind. */
const SIGNATURE_OID = {
  p256: PKI_OID.ecdsaWithSha256,
  p384: PKI_OID.ecdsaWithSha384,
  p521: PKI_OID.ecdsaWithSha512,
  ed25519: PKI_OID.ed25519,
  ed448: PKI_OID.ed448,
  rsa2048: PKI_OID.sha256WithRsaEncryption,
  'rsa-pss2048': PKI_OID.rsassaPss,
} as const;

/** What node's parser reports as the key type. */
const NODE_KEY_TYPE = {
  p256: 'ec',
  p384: 'ec',
  p521: 'ec',
  ed25519: 'ed25519',
  ed448: 'ed448',
  rsa2048: 'rsa',
  'rsa-pss2048': 'rsa-pss',
} as const;

for (const kind of ALL_KINDS) {
  test(`${kind}: root → intermediate → leaf parse in node with the right names, dates, flags and signatures`, (t) => {
    const { root, intermediate, leaf } = makeChain(kind, { extendedKeyUsage: ['serverAuth'] });
    const r = new X509Certificate(root.der);
    const i = new X509Certificate(intermediate.der);
    const l = new X509Certificate(leaf.der);
    t.is(r.subject, `CN=Root ${kind}`);
    t.is(r.issuer, `CN=Root ${kind}`);
    t.is(i.issuer, `CN=Root ${kind}`);
    t.is(l.subject, `CN=Leaf ${kind}`);
    t.is(l.issuer, `CN=Intermediate ${kind}`);
    t.is(Date.parse(l.validFrom), days(-30).getTime());
    t.is(Date.parse(l.validTo), days(365).getTime());
    t.is(l.subjectAltName, 'DNS:a.example, DNS:*.b.example, IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1');
    t.deepEqual([r.ca, i.ca, l.ca], [true, true, false]);
    t.true(r.checkIssued(r));
    t.true(i.checkIssued(r));
    t.true(l.checkIssued(i));
    t.false(l.checkIssued(r));
    t.true(r.verify(r.publicKey));
    t.true(i.verify(r.publicKey));
    t.true(l.verify(i.publicKey));
    t.is(l.publicKey.asymmetricKeyType, NODE_KEY_TYPE[kind]);
    t.deepEqual(spki(l.publicKey), leaf.keys.spkiDer);
    t.deepEqual(l.keyUsage, [PKI_OID.serverAuth]); // node's `keyUsage` is the extended key usage
    for (const c of [root, intermediate, leaf])
      t.is(parseCertificateFields(c.der).signatureAlgorithmOid, SIGNATURE_OID[kind]);
    // The PEM form is the same certificate.
    t.is(new X509Certificate(leaf.pem).fingerprint256, l.fingerprint256);
  });
}

test('mixed key kinds: an RSA root, a P-384 intermediate and an Ed25519 leaf', (t) => {
  const root = makeRoot('rsa2048');
  const intermediate = issue('p384', root, { isCa: true });
  const leaf = issue('ed25519', intermediate);
  t.is(parseCertificateFields(intermediate.der).signatureAlgorithmOid, PKI_OID.sha256WithRsaEncryption);
  t.is(parseCertificateFields(leaf.der).signatureAlgorithmOid, PKI_OID.ecdsaWithSha384);
  t.true(new X509Certificate(leaf.der).verify(new X509Certificate(intermediate.der).publicKey));
  t.false(new X509Certificate(leaf.der).verify(new X509Certificate(root.der).publicKey));
});

test('extensions: basicConstraints, keyUsage defaults, SKI method 1, AKI = issuer SKI', (t) => {
  const root = makeRoot('p256', { pathLenConstraint: 1 });
  const leaf = issue('p256', root);
  const rf = parseCertificateFields(root.der);
  const lf = parseCertificateFields(leaf.der);
  t.is(rf.version, 3);
  t.deepEqual(basicConstraints(rf), { ca: true, pathLenConstraint: 1 });
  t.deepEqual(basicConstraints(lf), { ca: false });
  t.true(findExtension(rf, PKI_OID.basicConstraints)?.critical);
  t.true(findExtension(lf, PKI_OID.keyUsage)?.critical);
  t.deepEqual([...(keyUsageBits(rf) ?? [])].sort(), [KEY_USAGE_BIT.keyCertSign, KEY_USAGE_BIT.cRLSign]);
  t.deepEqual([...(keyUsageBits(lf) ?? [])], [KEY_USAGE_BIT.digitalSignature]);
  t.is(extendedKeyUsage(lf), undefined);
  const rootKeyBits = parseSubjectPublicKeyInfo(root.keys.spkiDer).publicKey;
  const expectedSki = createHash('sha1').update(rootKeyBits).digest('hex');
  t.is(h(subjectKeyIdentifier(rf) ?? new Uint8Array()), expectedSki);
  // AuthorityKeyIdentifier ::= SEQUENCE { [0] keyIdentifier }: 30 16 80 14 <20 bytes>.
  t.is(h(findExtension(lf, PKI_OID.authorityKeyIdentifier)?.value ?? new Uint8Array()), `30168014${expectedSki}`);
  t.is(h(findExtension(rf, PKI_OID.authorityKeyIdentifier)?.value ?? new Uint8Array()), `30168014${expectedSki}`);
  t.not(h(subjectKeyIdentifier(lf) ?? new Uint8Array()), expectedSki);
});

test('keyUsage and extra extensions as asked', (t) => {
  const root = makeRoot('p256');
  const leaf = issue('p256', root, {
    keyUsage: ['digitalSignature', 'keyAgreement'],
    extraExtensions: [{ oid: '1.2.3.4', critical: true, value: derNull() }],
  });
  const lf = parseCertificateFields(leaf.der);
  t.deepEqual([...(keyUsageBits(lf) ?? [])].sort(), [KEY_USAGE_BIT.digitalSignature, KEY_USAGE_BIT.keyAgreement]);
  t.deepEqual(findExtension(lf, '1.2.3.4'), { oid: '1.2.3.4', critical: true, value: derNull() });
});

test('serial numbers: 16 random positive bytes by default, or as given', (t) => {
  const a = parseCertificateFields(makeRoot('p256').der).serialNumber;
  const b = parseCertificateFields(makeRoot('p256').der).serialNumber;
  t.is(a.length, 16);
  t.is((a[0] ?? 0xff) & 0x80, 0);
  t.not(h(a), h(b));
  const root = makeRoot('p256', { serialNumber: new Uint8Array([0x00, 0x00, 0x80, 0x01]) });
  t.is(new X509Certificate(root.der).serialNumber, '8001');
  t.is(h(parseCertificateFields(root.der).serialNumber), '008001');
  t.throws(() => makeRoot('p256', { serialNumber: new Uint8Array([0, 0]) }), { instanceOf: ConfigError });
  t.throws(() => makeRoot('p256', { serialNumber: new Uint8Array(20).fill(0xff) }), { instanceOf: ConfigError });
  t.notThrows(() => makeRoot('p256', { serialNumber: new Uint8Array(20).fill(0x7f) }));
});

test('validity dates after 2049 are GeneralizedTime and node reads them back', (t) => {
  const root = makeRoot('ed25519', {
    notBefore: new Date('2049-12-31T23:59:59Z'),
    notAfter: new Date('2120-01-01T00:00:00Z'),
  });
  const f = parseCertificateFields(root.der);
  t.is(f.notBefore, Date.parse('2049-12-31T23:59:59Z'));
  t.is(f.notAfter, Date.parse('2120-01-01T00:00:00Z'));
  const x = new X509Certificate(root.der);
  t.is(Date.parse(x.validFrom), f.notBefore);
  t.is(Date.parse(x.validTo), f.notAfter);
});

test('bad options throw ConfigError naming the option', (t) => {
  const root = makeRoot('p256');
  const other = generateKeyPair('p256');
  const base = { subjectCommonName: 'x', notBefore: days(0), notAfter: days(1) } as const;
  const err = (fn: () => unknown): string | undefined => t.throws(fn, { instanceOf: ConfigError })?.option;
  t.is(
    err(() =>
      createCertificate({
        ...base,
        subjectPublicKey: other.publicKey,
        issuer: { selfSigned: true, privateKey: root.keys.privateKey },
      }),
    ),
    'subjectPublicKey',
  );
  t.is(
    err(() =>
      createCertificate({
        ...base,
        subjectPublicKey: other.publicKey,
        issuer: { certificateDer: root.der, privateKey: other.privateKey },
      }),
    ),
    'issuer.privateKey',
  );
  t.is(
    err(() =>
      createCertificate({
        ...base,
        subjectPublicKey: other.publicKey,
        issuer: { certificateDer: new Uint8Array([0x30, 0x00]), privateKey: other.privateKey },
      }),
    ),
    'issuer.certificateDer',
  );
  t.is(
    err(() => issue('p256', root, { ipAddresses: ['300.1.1.1'] })),
    'ipAddresses[0]',
  );
  t.is(
    err(() => issue('p256', root, { dnsNames: ['ok.example', 'bad name'] })),
    'dnsNames[1]',
  );
  t.is(
    err(() => issue('p256', root, { notAfter: days(-31) })),
    'notAfter',
  );
  t.is(
    err(() => issue('p256', root, { pathLenConstraint: 0 })),
    'pathLenConstraint',
  );
  t.is(
    err(() => issue('p256', root, { subjectCommonName: '' })),
    'subjectCommonName',
  );
  t.is(
    err(() =>
      createCertificate({
        ...base,
        subjectPublicKey: other.privateKey,
        issuer: { certificateDer: root.der, privateKey: root.keys.privateKey },
      }),
    ),
    'subjectPublicKey',
  );
  t.is(
    err(() =>
      createCertificate({
        ...base,
        subjectPublicKey: other.publicKey,
        issuer: { certificateDer: root.der, privateKey: root.keys.publicKey },
      }),
    ),
    'issuer.privateKey',
  );
  const x25519 = generateKeyPairSync('x25519'); // a key agreement key cannot sign
  t.is(
    err(() =>
      createCertificate({
        ...base,
        subjectPublicKey: x25519.publicKey,
        issuer: { selfSigned: true, privateKey: x25519.privateKey },
      }),
    ),
    'issuer.privateKey',
  );
});

test('generateKeyPair returns matching KeyObjects and DER', (t) => {
  for (const kind of ALL_KINDS) {
    const pair = keyPair(kind);
    t.deepEqual(spki(pair.publicKey), pair.spkiDer, kind);
    t.deepEqual(new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' })), pair.pkcs8Der, kind);
    t.is(pair.privateKey.type, 'private');
    t.true(pair.spkiDer instanceof Uint8Array && !Buffer.isBuffer(pair.spkiDer), `${kind}: plain Uint8Array`);
  }
  t.is(generateKeyPair('p384').privateKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
  t.is(generateKeyPair('p521').privateKey.asymmetricKeyDetails?.namedCurve, 'secp521r1');
  t.is(keyPair('rsa-pss2048').publicKey.asymmetricKeyDetails?.hashAlgorithm, 'sha256');
});

// ---------------------------------------------------------------- PEM

test('PEM: several certificates among other text and blocks, in order', (t) => {
  const { root, intermediate, leaf } = makeChain('p256');
  const text = `subject=Leaf\n${leaf.pem}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\nsome text\n${intermediate.pem}${root.pem.replace(/\n/g, '\r\n')}`;
  const ders = parsePemCertificates(text);
  t.is(ders.length, 3);
  t.deepEqual(ders, [leaf.der, intermediate.der, root.der]);
  t.deepEqual(parsePemCertificates(certificateToPem(root.der)), [root.der]);
  t.deepEqual(parsePemCertificates('no certificates here'), []);
  t.true(leaf.pem.split('\n').every((line) => line.length <= 64));
});

test('PEM: malformed certificate blocks throw ConfigError', (t) => {
  const { leaf } = makeChain('ed25519');
  t.throws(() => parsePemCertificates(leaf.pem.replace('-----END CERTIFICATE-----', '')), { instanceOf: ConfigError });
  t.throws(() => parsePemCertificates(leaf.pem.replace(/\n([A-Za-z0-9+/])/, '\n!$1')), { instanceOf: ConfigError });
  t.throws(() => parsePemCertificates('-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----'), {
    instanceOf: ConfigError,
  });
  t.throws(() => parsePemCertificates('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----'), {
    instanceOf: ConfigError,
  });
});

test('the DER reader refuses trailing bytes and non-DER encodings of a certificate', (t) => {
  const root = makeRoot('p256');
  t.notThrows(() => parseCertificateFields(root.der));
  t.throws(() => parseCertificateFields(new Uint8Array([...root.der, 0])));
  t.throws(() => parseCertificateFields(root.der.subarray(0, root.der.length - 1)));
  // Long-form length where the short form fits: 0x30 0x81 0x05 ...
  t.throws(() => parseCertificateFields(new Uint8Array([0x30, 0x81, 0x05, 0x02, 0x01, 0x00, 0x05, 0x00])));
  t.is(hex(parseCertificateFields(root.der).der), hex(root.der));
});
