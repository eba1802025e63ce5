import test from 'ava';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../../runtime/config-error.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { createCertificate } from '../../runtime/pki/certificate-builder.js';
import { checkIdentityOptions, type IdentityOptions } from '../../runtime/pki/check-identity-options.js';
import { derSequence } from '../../runtime/wire/der-writer.js';
import { PKI_OID } from '../../runtime/pki/oids.js';
import { PROVIDERS } from '../support/providers.js';
import { DtlsConnection } from '../../runtime/sans-io.js';
import { parsePemCertificates, privateKeyToPem, resolveCredentials } from '../../runtime/crypto.js';
import { days, issue, keyPair, makeChain, makeIntermediate, makeRoot } from './fixtures.js';

/** Certificate options checked at configuration: every problem a ConfigError naming the option. */

/** The ConfigError `check` throws; fails the test when it throws nothing or something else. */
function configError(
  t: { throws(f: () => unknown, e: { instanceOf: typeof ConfigError }, m?: string): ConfigError | undefined },
  check: () => void,
  what: string,
): ConfigError | undefined {
  return t.throws(check, { instanceOf: ConfigError }, what);
}

for (const provider of PROVIDERS) {
  const name = provider.name;

  test(`${name}: a sound chain, key and anchors pass, for each key kind the provider signs with`, (t) => {
    for (const kind of ['p256', 'p384', 'ed25519'] as const) {
      const { root, intermediate, leaf } = makeChain(kind);
      t.notThrows(
        () =>
          checkIdentityOptions(provider, {
            certificate: { chain: [leaf.der, intermediate.der], privateKey: leaf.keys.pkcs8Der },
            trustAnchors: [root.der],
          }),
        kind,
      );
      t.notThrows(
        () =>
          checkIdentityOptions(provider, {
            certificate: { chain: [leaf.der, intermediate.der, root.der], privateKey: leaf.keys.pkcs8Der },
          }),
        `${kind}: root sent too`,
      );
      t.notThrows(
        () => checkIdentityOptions(provider, { certificate: { chain: [leaf.der], privateKey: leaf.keys.pkcs8Der } }),
        `${kind}: leaf only`,
      );
    }
    t.notThrows(() => checkIdentityOptions(provider, {}));
    t.notThrows(() => checkIdentityOptions(provider, { trustAnchors: [] }));
  });

  test(`${name}: a trust anchor that is not an X.509 certificate: ConfigError trustAnchors[i]`, (t) => {
    const { root, leaf } = makeChain('p256');
    const bad: [string, Uint8Array][] = [
      ['garbage', new Uint8Array([1, 2, 3])],
      ['empty', new Uint8Array()],
      ['PEM text', new TextEncoder().encode(root.pem)],
      ['truncated', root.der.subarray(0, root.der.length - 1)],
      ['trailing byte', new Uint8Array([...root.der, 0])],
      ['a private key', leaf.keys.pkcs8Der],
    ];
    for (const [what, der] of bad) {
      t.is(
        configError(t, () => checkIdentityOptions(provider, { trustAnchors: [root.der, der] }), what)?.option,
        'trustAnchors[1]',
        what,
      );
    }
  });

  test(`${name}: an anchor is usable when its key verifies signatures and its extensions decode; CA or pinned leaf`, (t) => {
    const root = makeRoot('p256');
    const x25519 = generateKeyPairSync('x25519');
    const agreementOnly = createCertificate({
      subjectCommonName: 'X25519 key',
      subjectPublicKey: x25519.publicKey,
      issuer: { certificateDer: root.der, privateKey: root.keys.privateKey },
      notBefore: days(-1),
      notAfter: days(1),
      keyUsage: ['keyAgreement'],
    });
    const e = configError(
      t,
      () => checkIdentityOptions(provider, { trustAnchors: [root.der, agreementOnly.der] }),
      'x25519 anchor',
    );
    t.is(e?.option, 'trustAnchors[1]');
    t.regex(e?.message ?? '', /x25519 key cannot sign/);
    const brokenConstraints = makeRoot('p256', {
      extraExtensions: [{ oid: PKI_OID.nameConstraints, critical: true, value: derSequence([]) }],
    });
    t.is(
      configError(
        t,
        () => checkIdentityOptions(provider, { trustAnchors: [brokenConstraints.der] }),
        'empty nameConstraints',
      )?.option,
      'trustAnchors[0]',
    );
    const pinned = makeRoot('ed25519', { isCa: false, keyUsage: ['digitalSignature'], dnsNames: ['self.example'] });
    t.notThrows(
      () => checkIdentityOptions(provider, { trustAnchors: [pinned.der] }),
      'a pinned end-entity certificate',
    );
    t.notThrows(
      () => checkIdentityOptions(provider, { trustAnchors: [makeIntermediate('p256', root).der] }),
      'an intermediate CA',
    );
  });

  test(`${name}: a private key that does not match the leaf: ConfigError certificate`, (t) => {
    const { intermediate, leaf } = makeChain('p256');
    const otherSameType = keyPair('p256');
    const e1 = configError(
      t,
      () =>
        checkIdentityOptions(provider, {
          certificate: { chain: [leaf.der, intermediate.der], privateKey: otherSameType.pkcs8Der },
        }),
      'another P-256 key',
    );
    t.is(e1?.option, 'certificate');
    t.regex(e1?.message ?? '', /does not match the public key of chain\[0\]/);
    const e2 = configError(
      t,
      () =>
        checkIdentityOptions(provider, {
          certificate: { chain: [leaf.der, intermediate.der], privateKey: keyPair('ed25519').pkcs8Der },
        }),
      'an Ed25519 key',
    );
    t.is(e2?.option, 'certificate');
    t.regex(e2?.message ?? '', /ed25519 key but chain\[0\] certifies a ec-p256 key/);
    const e3 = configError(
      t,
      () =>
        checkIdentityOptions(provider, {
          certificate: { chain: [leaf.der, intermediate.der], privateKey: intermediate.keys.pkcs8Der },
        }),
      "the issuer's key",
    );
    t.regex(e3?.message ?? '', /does not match/);
  });

  test(`${name}: a private key that does not parse: ConfigError certificate`, (t) => {
    const { leaf } = makeChain('ed25519');
    for (const [what, key] of [
      ['garbage', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])],
      ['empty', new Uint8Array()],
      ['the certificate', leaf.der],
      ['truncated', leaf.keys.pkcs8Der.subarray(1)],
    ] as const) {
      const e = configError(
        t,
        () => checkIdentityOptions(provider, { certificate: { chain: [leaf.der], privateKey: key } }),
        what,
      );
      t.is(e?.option, 'certificate', what);
      t.regex(e?.message ?? '', /privateKey/, what);
    }
  });

  test(`${name}: a chain out of issuer order: ConfigError certificate`, (t) => {
    const root = makeRoot('ed25519');
    const upper = makeIntermediate('ed25519', root, { subjectCommonName: 'Upper' });
    const lower = makeIntermediate('ed25519', upper, { subjectCommonName: 'Lower' });
    const leaf = issue('ed25519', lower);
    const stranger = makeRoot('ed25519', { subjectCommonName: 'Stranger' });
    const key = leaf.keys.pkcs8Der;
    t.notThrows(() =>
      checkIdentityOptions(provider, {
        certificate: { chain: [leaf.der, lower.der, upper.der, root.der], privateKey: key },
      }),
    );
    const wrong: [string, Uint8Array[], RegExp][] = [
      ['intermediates swapped', [leaf.der, upper.der, lower.der], /chain\[0\] .* is not issued by chain\[1\]/],
      ['leaf not first', [lower.der, leaf.der], /chain\[0\] .* is not issued by chain\[1\]/],
      [
        'an unrelated certificate at the end',
        [leaf.der, lower.der, upper.der, stranger.der],
        /chain\[2\] .* is not issued by chain\[3\]/,
      ],
      ['a missing intermediate', [leaf.der, upper.der], /chain\[0\] .* is not issued by chain\[1\]/],
    ];
    for (const [what, chain, reason] of wrong) {
      const e = configError(t, () => checkIdentityOptions(provider, { certificate: { chain, privateKey: key } }), what);
      t.is(e?.option, 'certificate', what);
      t.regex(e?.message ?? '', reason, what);
    }
  });

  test(`${name}: an issuer with the right name but another key: ConfigError certificate`, (t) => {
    const { root, intermediate, leaf } = makeChain('p256');
    // Same subject name as the real intermediate, new key (and so another key identifier and signature).
    const impostor = makeIntermediate('p256', root, { subjectCommonName: 'Intermediate p256' });
    t.notThrows(() =>
      checkIdentityOptions(provider, {
        certificate: { chain: [leaf.der, intermediate.der], privateKey: leaf.keys.pkcs8Der },
      }),
    );
    t.is(
      configError(
        t,
        () =>
          checkIdentityOptions(provider, {
            certificate: { chain: [leaf.der, impostor.der], privateKey: leaf.keys.pkcs8Der },
          }),
        'impostor',
      )?.option,
      'certificate',
    );
  });

  test(`${name}: malformed or empty chains: ConfigError certificate`, (t) => {
    const { intermediate, leaf } = makeChain('p256');
    const key = leaf.keys.pkcs8Der;
    for (const [what, chain, option] of [
      ['empty', [], 'certificate'],
      ['garbage leaf', [new Uint8Array([9, 9])], 'certificate'],
      ['garbage intermediate', [leaf.der, new Uint8Array([0x30, 0x00])], 'certificate'],
      ['PEM intermediate', [leaf.der, new TextEncoder().encode(intermediate.pem)], 'certificate.chain[1]'],
    ] as const) {
      t.is(
        configError(t, () => checkIdentityOptions(provider, { certificate: { chain, privateKey: key } }), what)?.option,
        option,
        what,
      );
    }
  });

  test(`${name}: a passed check is remembered per certificate object and provider; a failed one is not`, (t) => {
    const { root, intermediate, leaf } = makeChain('p256');
    let imports = 0;
    const counting: CryptoProvider = {
      ...provider,
      importPrivateKey: (pkcs8) => {
        imports++;
        return provider.importPrivateKey(pkcs8);
      },
    };
    const options: IdentityOptions = {
      certificate: { chain: [leaf.der, intermediate.der], privateKey: leaf.keys.pkcs8Der },
      trustAnchors: [root.der],
    };
    checkIdentityOptions(counting, options);
    checkIdentityOptions(counting, options);
    checkIdentityOptions(counting, { ...options });
    t.is(imports, 1);
    const other: CryptoProvider = { ...counting };
    checkIdentityOptions(other, options);
    t.is(imports, 2, 'another provider checks again');
    checkIdentityOptions(counting, {
      certificate: { ...(options.certificate ?? { chain: [], privateKey: new Uint8Array() }) },
    });
    t.is(imports, 3, 'another certificate object checks again');
    const bad: IdentityOptions = { certificate: { chain: [leaf.der], privateKey: keyPair('p256').pkcs8Der } };
    t.throws(() => checkIdentityOptions(counting, bad), { instanceOf: ConfigError });
    t.throws(() => checkIdentityOptions(counting, bad), { instanceOf: ConfigError });
  });
}

test('RSA: node checks the key pair; noble, which cannot sign with RSA, says so', (t) => {
  const { intermediate, leaf } = makeChain('rsa2048');
  for (const provider of PROVIDERS) {
    const options: IdentityOptions = {
      certificate: { chain: [leaf.der, intermediate.der], privateKey: leaf.keys.pkcs8Der },
    };
    if (provider.supports({ kind: 'signature', algorithm: 'rsa_pss_rsae_sha256' })) {
      t.notThrows(() => checkIdentityOptions(provider, options), provider.name);
      const pss = makeChain('rsa-pss2048');
      t.notThrows(
        () =>
          checkIdentityOptions(provider, {
            certificate: { chain: [pss.leaf.der], privateKey: pss.leaf.keys.pkcs8Der },
          }),
        `${provider.name}: rsa-pss`,
      );
    } else {
      const e = t.throws(() => checkIdentityOptions(provider, options), { instanceOf: ConfigError }, provider.name);
      t.regex(e?.message ?? '', /crypto provider '[a-z]+' cannot sign with a rsa key/);
    }
  }
});

test('PEM where DER is expected (the sans-I/O layer): "PEM given, DER expected", the option path and how to convert', (t) => {
  const { root, leaf } = makeChain('p256');
  const keyPem = privateKeyToPem(leaf.keys.pkcs8Der);
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
  const cases: [string, () => unknown, string, ConfigError['code']][] = [
    [
      'a chain certificate as PEM bytes',
      () =>
        DtlsConnection.server({ certificate: { chain: [leaf.der, bytes(root.pem)], privateKey: leaf.keys.pkcs8Der } }),
      'certificate.chain[1]',
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'the leaf as a PEM string',
      () =>
        DtlsConnection.server({
          certificate: { chain: [leaf.pem as unknown as Uint8Array], privateKey: leaf.keys.pkcs8Der },
        }),
      'certificate.chain[0]',
      'ERR_INVALID_ARG_TYPE',
    ],
    [
      'the private key as PEM bytes',
      () => DtlsConnection.server({ certificate: { chain: [leaf.der], privateKey: bytes(`\n${keyPem}`) } }),
      'certificate.privateKey',
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a trust anchor as PEM bytes',
      () => DtlsConnection.client({ serverName: 'localhost', trustAnchors: [bytes(root.pem)] }),
      'trustAnchors[0]',
      'ERR_INVALID_ARG_VALUE',
    ],
  ];
  for (const [what, run, option, code] of cases) {
    const e = t.throws(run, { instanceOf: ConfigError }, what);
    t.is(e?.option, option, what);
    t.is(e?.code, code, what);
    const label = option === 'certificate.privateKey' ? 'PRIVATE KEY' : 'CERTIFICATE';
    t.regex(
      e?.reason ?? '',
      new RegExp(`^PEM given \\(.* starting -----BEGIN ${label}-----\\), (PKCS#8 )?DER expected: `),
      what,
    );
    t.regex(e?.reason ?? '', /from 'dtls13\/crypto'.*`openssl (x509|pkcs8) .*-outform DER`/, what);
    t.notRegex(e?.reason ?? '', /expected tag/, what);
  }
  // The converters the messages name give what the layer takes.
  t.deepEqual(parsePemCertificates(root.pem), [root.der]);
  const { certificate } = resolveCredentials({ cert: leaf.pem, key: keyPem, ca: root.pem });
  t.notThrows(() =>
    DtlsConnection.server({ certificate: { chain: certificate!.chain, privateKey: certificate!.privateKey } }),
  );
});
