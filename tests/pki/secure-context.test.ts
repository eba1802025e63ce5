import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import {
  certificateToPem,
  ConfigError,
  connect,
  createSecureContext,
  listen,
  privateKeyToPem,
} from '../../runtime/index.js';
import { createCertificate, generateKeyPair, resolveCredentials } from '../../runtime/crypto.js';
import { TEST_TIME } from '../support/pki-fixtures.js';

const YEAR = 365 * 24 * 3600 * 1000;
const validity = { notBefore: new Date(TEST_TIME - YEAR), notAfter: new Date(TEST_TIME + YEAR) };

/** A root, an intermediate it issued and a leaf for localhost the intermediate issued, made here. */
function makeChain(kind: 'p256' | 'rsa2048' = 'p256') {
  const rootKey = generateKeyPair('p256');
  const root = createCertificate({
    subjectCommonName: 'ctx root',
    subjectPublicKey: rootKey.publicKey,
    issuer: { selfSigned: true, privateKey: rootKey.privateKey },
    isCa: true,
    ...validity,
  });
  const midKey = generateKeyPair('p256');
  const mid = createCertificate({
    subjectCommonName: 'ctx intermediate',
    subjectPublicKey: midKey.publicKey,
    issuer: { certificateDer: root.der, privateKey: rootKey.privateKey },
    isCa: true,
    ...validity,
  });
  const leafKey = generateKeyPair(kind);
  const leaf = createCertificate({
    subjectCommonName: 'localhost',
    subjectPublicKey: leafKey.publicKey,
    issuer: { certificateDer: mid.der, privateKey: midKey.privateKey },
    dnsNames: ['localhost'],
    ...validity,
  });
  return { root, mid, leaf, leafKey };
}

const ec = makeChain('p256');
const rsa = makeChain('rsa2048');
const enc = new TextEncoder();

const option = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return `${e.option}: ${e.message.replace(`option ${e.option}: `, '')}`;
    throw e;
  }
  return undefined;
};

test('PEM strings: the chain as DER leaf first, the key as PKCS#8 DER, ca as the trust anchors', (t) => {
  const ctx = createSecureContext({
    cert: ec.leaf.pem + ec.mid.pem,
    key: privateKeyToPem(ec.leafKey.pkcs8Der),
    ca: ec.root.pem,
  });
  t.deepEqual(ctx.certificate?.chain, [ec.leaf.der, ec.mid.der]);
  t.deepEqual(ctx.certificate?.privateKey, ec.leafKey.pkcs8Der);
  t.deepEqual(ctx.trustAnchors, [ec.root.der]);
  t.is(ctx.trustSource, 'ca');
});

test('Buffers of PEM, DER items and lists all give the same credentials', (t) => {
  const expected = {
    certificate: { chain: [ec.leaf.der, ec.mid.der], privateKey: ec.leafKey.pkcs8Der },
    trustAnchors: [ec.root.der, rsa.root.der],
  };
  const forms = [
    {
      cert: Buffer.from(ec.leaf.pem + ec.mid.pem),
      key: Buffer.from(privateKeyToPem(ec.leafKey.pkcs8Der)),
      ca: [Buffer.from(ec.root.pem), rsa.root.pem],
    },
    {
      cert: [Buffer.from(ec.leaf.der), ec.mid.der],
      key: ec.leafKey.pkcs8Der,
      ca: [ec.root.der, Buffer.from(rsa.root.der)],
    },
    {
      cert: [ec.leaf.pem, Buffer.from(ec.mid.der)],
      key: [Buffer.from(privateKeyToPem(ec.leafKey.pkcs8Der))],
      ca: ec.root.pem + rsa.root.pem,
    },
    // A file holding key and certificate together, as node:tls accepts.
    {
      cert: privateKeyToPem(ec.leafKey.pkcs8Der) + ec.leaf.pem + ec.mid.pem,
      key: privateKeyToPem(ec.leafKey.pkcs8Der) + ec.leaf.pem,
      ca: [ec.root.pem, rsa.root.pem],
    },
  ];
  for (const [i, form] of forms.entries()) t.deepEqual(resolveCredentials(form), expected, `form ${i}`);
});

test('PKCS#1 RSA, SEC1 EC, encrypted PKCS#8 and traditionally encrypted keys (openssl-made) with passphrase', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ecPem = join(dir, 'ec.pem');
  const rsaPem = join(dir, 'rsa.pem');
  writeFileSync(ecPem, privateKeyToPem(ec.leafKey.pkcs8Der));
  writeFileSync(rsaPem, privateKeyToPem(rsa.leafKey.pkcs8Der));
  const openssl = (...args: string[]): string => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return readFileSync(args[args.indexOf('-out') + 1]!, 'utf8');
  };
  const sec1 = openssl('ec', '-in', ecPem, '-out', join(dir, 'sec1.pem'));
  const pkcs1 = openssl('rsa', '-in', rsaPem, '-traditional', '-out', join(dir, 'pkcs1.pem'));
  const encrypted8 = openssl(
    'pkcs8',
    '-topk8',
    '-in',
    ecPem,
    '-v2',
    'aes-256-cbc',
    '-passout',
    'pass:s3cret',
    '-out',
    join(dir, 'enc8.pem'),
  );
  const encryptedEc = openssl(
    'ec',
    '-in',
    ecPem,
    '-aes256',
    '-passout',
    'pass:s3cret',
    '-out',
    join(dir, 'enc-ec.pem'),
  );
  const encryptedRsa = openssl(
    'rsa',
    '-in',
    rsaPem,
    '-traditional',
    '-aes128',
    '-passout',
    'pass:s3cret',
    '-out',
    join(dir, 'enc-rsa.pem'),
  );
  const encrypted8Der = new Uint8Array(
    createPrivateKey({ key: encrypted8, passphrase: 's3cret' }).export({
      format: 'der',
      type: 'pkcs8',
      cipher: 'aes-128-cbc',
      passphrase: 'pw',
    }),
  );
  t.true(
    sec1.includes('BEGIN EC PRIVATE KEY') &&
      pkcs1.includes('BEGIN RSA PRIVATE KEY') &&
      encryptedEc.includes('Proc-Type: 4,ENCRYPTED'),
  );
  const cases = [
    { what: 'SEC1', id: ec, key: sec1 },
    { what: 'SEC1 DER', id: ec, key: createPrivateKey(sec1).export({ format: 'der', type: 'sec1' }) },
    { what: 'PKCS#1', id: rsa, key: pkcs1 },
    { what: 'PKCS#1 DER', id: rsa, key: createPrivateKey(pkcs1).export({ format: 'der', type: 'pkcs1' }) },
    { what: 'encrypted PKCS#8', id: ec, key: encrypted8, passphrase: 's3cret' },
    { what: 'encrypted PKCS#8 DER', id: ec, key: encrypted8Der, passphrase: 'pw' },
    { what: 'traditional encrypted EC', id: ec, key: Buffer.from(encryptedEc), passphrase: 's3cret' },
    { what: 'traditional encrypted RSA', id: rsa, key: encryptedRsa, passphrase: 's3cret' },
  ];
  for (const c of cases) {
    const ctx = createSecureContext({
      cert: c.id.leaf.pem,
      key: c.key,
      ...(c.passphrase ? { passphrase: c.passphrase } : {}),
      ca: c.id.root.pem,
    });
    t.deepEqual(ctx.certificate?.privateKey, c.id.leafKey.pkcs8Der, c.what);
  }
  // Wrong and missing passphrases name `passphrase`.
  for (const key of [encrypted8, encryptedEc, encryptedRsa]) {
    const cert = key === encryptedRsa ? rsa.leaf.pem : ec.leaf.pem;
    t.regex(
      option(() => createSecureContext({ cert, key, passphrase: 'wrong', ca: ec.root.pem })) ?? '',
      /^passphrase: .*does not decrypt key, PEM block 1/,
    );
    t.regex(
      option(() => createSecureContext({ cert, key, ca: ec.root.pem })) ?? '',
      /^passphrase: .*key, PEM block 1 .* is encrypted: give its passphrase/,
    );
  }
  t.regex(
    option(() => createSecureContext({ cert: ec.leaf.der, key: encrypted8Der, passphrase: 'wrong' })) ?? '',
    /^passphrase: /,
  );
});

test('a key that does not match its certificate is refused, naming key', (t) => {
  t.regex(
    option(() => createSecureContext({ cert: ec.leaf.pem, key: privateKeyToPem(rsa.leafKey.pkcs8Der) })) ?? '',
    /^key: .*does not match the certificate/,
  );
  const other = generateKeyPair('p256');
  t.regex(
    option(() => createSecureContext({ cert: ec.leaf.pem, key: privateKeyToPem(other.pkcs8Der) })) ?? '',
    /^key: .*does not match the certificate .*CN=localhost/,
  );
  t.regex(option(() => resolveCredentials({ cert: ec.leaf.der, key: other.pkcs8Der })) ?? '', /^key: /);
});

test('bad PEM and bad items name the option, the item and the block', (t) => {
  const [head, body] = ec.mid.pem.split('\n', 2);
  const broken = ec.mid.pem.replace(body!, `${body!.slice(0, 10)}*${body!.slice(11)}`);
  t.truthy(head);
  t.regex(
    option(() => createSecureContext({ cert: ec.leaf.pem + broken, key: ec.leafKey.pkcs8Der })) ?? '',
    /^cert: .*PEM block 2 \(CERTIFICATE\): the body is not valid base64/,
  );
  t.regex(
    option(() => createSecureContext({ cert: [ec.leaf.pem, broken], key: ec.leafKey.pkcs8Der })) ?? '',
    /^cert\[1\]: .*PEM block 1 \(CERTIFICATE\)/,
  );
  t.regex(
    option(() => createSecureContext({ ca: [ec.root.pem, ec.root.pem.replace('-----END CERTIFICATE-----', '')] })) ??
      '',
    /^ca\[1\]: .*PEM block 1 \(CERTIFICATE\): BEGIN without END/,
  );
  t.regex(
    option(() => createSecureContext({ ca: ec.root.pem.replace('END CERTIFICATE', 'END CERTIFICATX') })) ?? '',
    /^ca: .*BEGIN CERTIFICATE ends with END CERTIFICATX/,
  );
  // Valid base64 that is not a certificate.
  const junk = certificateToPem(enc.encode('not a certificate at all'));
  t.regex(
    option(() => createSecureContext({ ca: ec.root.pem + junk })) ?? '',
    /^ca: .*PEM block 2 \(CERTIFICATE\): .*malformed/,
  );
  t.regex(
    option(() => createSecureContext({ cert: ec.leaf.pem, key: ec.leaf.pem })) ?? '',
    /^key: .*no private key block \(found CERTIFICATE\)/,
  );
  t.regex(
    option(() => createSecureContext({ cert: privateKeyToPem(ec.leafKey.pkcs8Der), key: ec.leafKey.pkcs8Der })) ?? '',
    /^cert: .*no CERTIFICATE block \(found PRIVATE KEY\)/,
  );
  t.regex(
    option(() => createSecureContext({ cert: ec.leaf.der, key: enc.encode('garbage bytes') })) ?? '',
    /^key: .*not a private key/,
  );
  t.regex(
    option(() => createSecureContext({ cert: 'localhost.crt', key: ec.leafKey.pkcs8Der })) ?? '',
    /^cert: a string must be PEM text/,
  );
  t.regex(
    option(() => createSecureContext({ ca: [ec.root.der, 42 as unknown as Uint8Array] })) ?? '',
    /^ca\[1\]: must be a PEM string/,
  );
  t.regex(option(() => createSecureContext({ cert: ec.leaf.pem })) ?? '', /^key: is needed with cert/);
  t.regex(option(() => createSecureContext({ key: ec.leafKey.pkcs8Der })) ?? '', /^cert: is needed with key/);
  t.regex(
    option(() => createSecureContext({ cert: ec.leaf.pem, key: [ec.leafKey.pkcs8Der, ec.leafKey.pkcs8Der] })) ?? '',
    /^key: one private key per context, got 2/,
  );
  // The connection's own checks, named as the caller wrote the options: a chain out of order.
  t.regex(
    option(() => createSecureContext({ cert: [ec.leaf.pem, ec.root.pem], key: ec.leafKey.pkcs8Der })) ?? '',
    /^cert: chain\[0\] .* is not issued by chain\[1\]/,
  );
});

test('cert, key or ca of a wrong type: ERR_INVALID_ARG_TYPE naming it and the type received, before cert/key pairing', (t) => {
  const calls: [string, () => unknown][] = [
    ['cert', () => createSecureContext({ cert: 42 as unknown as string })],
    ['cert', () => createSecureContext({ cert: 42 as unknown as string, key: ec.leafKey.pkcs8Der })],
    ['key', () => createSecureContext({ key: 42 as unknown as string })],
    ['ca', () => createSecureContext({ ca: 42 as unknown as string })],
    ['cert', () => connect('127.0.0.1', 9, { cert: 42 as unknown as string, key: ec.leafKey.pkcs8Der })],
    ['ca', () => connect('127.0.0.1', 9, { ca: 42 as unknown as string })],
    ['cert', () => listen(() => {}, { cert: 42 as unknown as string, key: ec.leafKey.pkcs8Der, host: '127.0.0.1' })],
  ];
  for (const [name, run] of calls) {
    const e = t.throws(run, { instanceOf: ConfigError }, name);
    t.is(e?.option, name);
    t.is(e?.code, 'ERR_INVALID_ARG_TYPE');
    t.regex(e?.reason ?? '', /, or an array of them; got type number \(42\)$/);
  }
});

test('without ca: Node bundled root CAs as DER; the context is immutable; secureContext is exclusive', (t) => {
  const ctx = createSecureContext({ cert: ec.leaf.pem, key: ec.leafKey.pkcs8Der });
  t.is(ctx.trustSource, 'system');
  t.is(ctx.trustAnchors.length, rootCertificates.length);
  t.true(rootCertificates.length > 50);
  t.deepEqual(ctx.trustAnchors[7], new Uint8Array(new X509Certificate(rootCertificates[7]!).raw));
  t.is(createSecureContext().trustAnchors, ctx.trustAnchors, 'one array per process');
  t.true(
    Object.isFrozen(ctx) &&
      Object.isFrozen(ctx.certificate) &&
      Object.isFrozen(ctx.certificate?.chain) &&
      Object.isFrozen(ctx.trustAnchors),
  );
  t.throws(() => {
    (ctx as unknown as { trustAnchors: unknown }).trustAnchors = [];
  });
  // The caller's DER buffers are copied: changing them later changes nothing.
  const der = ec.leaf.der.slice();
  const copy = createSecureContext({ cert: der, key: ec.leafKey.pkcs8Der, ca: ec.root.der });
  der[10] = (der[10] ?? 0) ^ 0xff;
  t.deepEqual(copy.certificate?.chain[0], ec.leaf.der);
  t.is(resolveCredentials({ secureContext: ctx }).certificate, ctx.certificate);
  t.regex(
    option(() => resolveCredentials({ secureContext: ctx, ca: ec.root.pem })) ?? '',
    /^ca: give either secureContext/,
  );
  t.regex(
    option(() => resolveCredentials({ secureContext: { certificate: undefined } as never })) ?? '',
    /^secureContext: must come from createSecureContext/,
  );
});

test('a real UDP handshake with PEM credentials through listen / connect, one context shared by two servers', async (t) => {
  const wallClock = (): number => TEST_TIME;
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-pem-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'key.pem'), privateKeyToPem(ec.leafKey.pkcs8Der));
  execFileSync('openssl', [
    'pkcs8',
    '-topk8',
    '-in',
    join(dir, 'key.pem'),
    '-v2',
    'aes-256-cbc',
    '-passout',
    'pass:pw',
    '-out',
    join(dir, 'key.enc.pem'),
  ]);
  const serverContext = createSecureContext({
    cert: Buffer.from(ec.leaf.pem + ec.mid.pem),
    key: readFileSync(join(dir, 'key.enc.pem')),
    passphrase: 'pw',
  });
  const listeners = [0, 1].map(() =>
    listen(
      (s) => {
        s.onerror = () => {};
        s.onmessage = (m) => s.send(m);
      },
      { secureContext: serverContext, wallClock, host: '127.0.0.1' },
    ),
  );
  const ports = (await Promise.all(listeners.map((l) => l.listening))).map((a) => a.port);
  t.teardown(() => Promise.all(listeners.map((l) => l.close())));
  for (const port of ports) {
    const client = connect('localhost', port, { ca: ec.root.pem, wallClock });
    await client.opened;
    const reply = new Promise<Buffer>((resolve) => (client.onmessage = resolve));
    client.send('over PEM');
    t.is((await reply).toString(), 'over PEM');
    await client.close();
  }
  // Without ca, the bundled roots: they do not vouch for this test's CA.
  const stranger = connect('localhost', ports[0]!, { wallClock });
  const error = await t.throwsAsync(stranger.closed);
  t.regex(error?.message ?? '', /^unknown_ca/);
});
