/**
 * The 1.3 exporter (runtime/dtls13/exporter.ts, RFC 8446 §7.5): HKDF-Expand-Label(Derive-Secret(exporter secret,
 * label, ""), "exporter", Hash(context), length) with DTLS 1.3's labels, checked against the steps written out with
 * node:crypto; no context and an empty one give the same bytes (unlike 1.2); the limit is 255 hash lengths.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { Exporter13 } from '../../runtime/dtls13/exporter.js';
import type { Session } from '../../runtime/shared/key-material.js';
import { scheduleFor } from '../../runtime/shared/key-material.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { PROVIDERS } from '../support/providers.js';
import { deriveSecret, emptyHash, expandLabel } from '../support/label-hmac.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';

function session(provider: CryptoProvider, suite: SupportedCipherSuite, exporterSecret: Uint8Array): Session {
  const secret = { epoch: 3, secret: new Uint8Array(exporterSecret.length) };
  return {
    parameters: {
      cipherSuite: suite,
      group: 'x25519',
      signatureAlgorithm: undefined,
      helloRetryRequest: false,
      clientAuthenticated: false,
      peerCertificate: undefined,
      peerCertificateChain: undefined,
      resumed: false,
      pskIdentity: undefined,
      pskMode: undefined,
      earlyData: 'not sent',
      alpnProtocol: undefined,
      servername: undefined,
      srtpProfile: undefined,
      recordSizeLimit: undefined,
    },
    schedule: scheduleFor(provider, suite),
    read: secret,
    write: secret,
    resumptionSecret: new Uint8Array(exporterSecret.length),
    serverName: undefined,
    clientAuthenticated: false,
    ticketsIssued: 0,
    transcript: undefined,
    postHandshakeAuth: false,
    exporterSecret,
  };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

for (const provider of PROVIDERS) {
  test(`${provider.name}: RFC 8446 §7.5 with the dtls13 labels, for both hashes`, (t) => {
    for (const [suite, hash] of [
      ['tls_aes_128_gcm_sha256', 'sha256'],
      ['tls_aes_256_gcm_sha384', 'sha384'],
    ] as const) {
      const secret = Uint8Array.from({ length: hash === 'sha256' ? 32 : 48 }, (_, i) => i * 3);
      const exporter = new Exporter13(session(provider, suite, secret));
      const perLabel = deriveSecret(hash, secret, 'EXPERIMENTAL-x', emptyHash(hash));
      const context = Uint8Array.of(1, 2, 3, 4);
      const contextHash = createHash(hash).update(context).digest();
      t.is(
        hex(exporter.derive('EXPERIMENTAL-x', context, 100)),
        hex(expandLabel(hash, perLabel, 'exporter', contextHash, 100)),
      );
      t.is(
        hex(exporter.derive('EXPERIMENTAL-x', undefined, 20)),
        hex(expandLabel(hash, perLabel, 'exporter', emptyHash(hash), 20)),
      );
      t.is(
        hex(exporter.derive('EXPERIMENTAL-x', new Uint8Array(0), 20)),
        hex(exporter.derive('EXPERIMENTAL-x', undefined, 20)),
      );
      t.not(
        hex(exporter.derive('EXPERIMENTAL-y', undefined, 20)),
        hex(exporter.derive('EXPERIMENTAL-x', undefined, 20)),
      );
    }
  });
}

test('the limit is 255 hash lengths (HKDF-Expand), and that many come', (t) => {
  const provider = PROVIDERS[0]!;
  const sha256 = new Exporter13(session(provider, 'tls_chacha20_poly1305_sha256', new Uint8Array(32)));
  const sha384 = new Exporter13(session(provider, 'tls_aes_256_gcm_sha384', new Uint8Array(48)));
  t.is(sha256.maxLength, 255 * 32);
  t.is(sha384.maxLength, 255 * 48);
  t.is(sha384.derive('EXPERIMENTAL-max', undefined, sha384.maxLength).length, 255 * 48);
});
