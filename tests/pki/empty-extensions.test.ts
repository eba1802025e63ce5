/**
 * A certificate whose extensions field is an empty SEQUENCE, as werift (a WebRTC stack) issues them: RFC 5280 §4.1
 * says SIZE (1..MAX), OpenSSL and the browsers take it anyway, and so does dtls13 (as no extensions). Built here with
 * the DER writer the certificate builder uses, signed by node:crypto, and used over real UDP with a fingerprint pin.
 */
import test from 'ava';
import { createHash, X509Certificate } from 'node:crypto';
import { connect, listen } from '../../runtime/index.js';
import { generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import { parseCertificateFields } from '../../runtime/pki/certificate-fields.js';
import { derBitString, derExplicit, derInteger, derSequence, derTime } from '../../runtime/wire/der-writer.js';
import { commonNameName } from '../../runtime/pki/general-name-writer.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { certificateSigner } from '../../runtime/pki/signing-algorithm.js';

/** A self-signed P-256 certificate with `[3] { SEQUENCE {} }` for its extensions. */
function emptyExtensionsCertificate(): { der: Uint8Array; key: string } {
  const pair = generateKeyPair('p256');
  const signer = certificateSigner(pair.privateKey);
  const name = commonNameName('werift');
  const now = Date.now();
  const tbs = derSequence([
    derExplicit(0, derInteger(2n)),
    derInteger(0x1234n),
    signer.algorithmIdentifier,
    name,
    derSequence([derTime(new Date(now - 86_400_000)), derTime(new Date(now + 86_400_000))]),
    name,
    pair.spkiDer,
    derExplicit(3, derSequence([])),
  ]);
  return {
    der: derSequence([tbs, signer.algorithmIdentifier, derBitString(signer.sign(tbs))]),
    key: privateKeyToPem(pair.pkcs8Der),
  };
}

test('an empty extensions SEQUENCE parses as no extensions, as OpenSSL reads it', (t) => {
  const { der } = emptyExtensionsCertificate();
  // The bytes end with the empty list: [3] (0xa3) of length 2 holding SEQUENCE (0x30) of length 0, before the signature.
  t.true(Buffer.from(der).includes(Buffer.from([0xa3, 0x02, 0x30, 0x00])));
  t.is(new X509Certificate(der).subject, 'CN=werift');
  t.deepEqual(parseCertificateFields(der).extensions, []);
});

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}: a server presenting such a certificate is accepted by its fingerprint`, async (t) => {
    const { der, key } = emptyExtensionsCertificate();
    const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
    const listener = listen(() => {}, {
      cert: certificateToPem(der),
      key,
      host: '127.0.0.1',
      minVersion: version,
      maxVersion: version,
    });
    const { port } = await listener.listening;
    const session = connect('127.0.0.1', port, {
      fingerprint: `sha-256 ${hex.match(/../g)!.join(':')}`,
      minVersion: version,
      maxVersion: version,
    });
    t.is((await session.opened).protocol, version);
    await session.close();
    await listener.close();
  });
}
