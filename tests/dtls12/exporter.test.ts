/**
 * The 1.2 exporter (runtime/dtls12/exporter.ts, RFC 5705 §4): the TLS 1.2 PRF (RFC 5246 §5) with the suite's hash over
 * the master secret and both randoms, checked against P_hash written out with node:crypto; no context differs from an
 * empty one; the limit is 65,535 bytes; reserved labels are refused with a RangeError naming them.
 */
import test from 'ava';
import { Exporter12 } from '../../runtime/dtls12/exporter.js';
import type { Handshake12Result } from '../../runtime/dtls12/handshake-result.js';
import { PROVIDERS } from '../support/providers.js';
import { prf12Hex as prf } from '../support/prf12.js';

const result = (cipherSuite: Handshake12Result['cipherSuite']): Handshake12Result => ({
  version: 'DTLSv1.2',
  cipherSuite,
  group: 'x25519',
  signatureAlgorithm: undefined,
  extendedMasterSecret: true,
  resumed: false,
  helloVerifyRequest: false,
  clientAuthenticated: false,
  peerCertificateChain: undefined,
  clientRandom: new Uint8Array(32).fill(0xc1),
  serverRandom: new Uint8Array(32).fill(0x5e),
  masterSecret: Uint8Array.from({ length: 48 }, (_, i) => i),
});
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

for (const provider of PROVIDERS) {
  test(`${provider.name}: RFC 5705 with the suite's hash; no context and an empty one differ`, (t) => {
    for (const [suite, hash] of [
      ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256', 'sha256'],
      ['tls_ecdhe_ecdsa_with_aes_256_gcm_sha384', 'sha384'],
    ] as const) {
      const r = result(suite);
      const exporter = new Exporter12(provider, r);
      const randoms = Buffer.concat([r.clientRandom, r.serverRandom]);
      t.is(
        hex(exporter.derive('EXPERIMENTAL-test', undefined, 100)),
        prf(hash, r.masterSecret, 'EXPERIMENTAL-test', randoms, 100),
      );
      const context = Uint8Array.of(1, 2, 3);
      t.is(
        hex(exporter.derive('EXPERIMENTAL-test', context, 40)),
        prf(hash, r.masterSecret, 'EXPERIMENTAL-test', Buffer.concat([randoms, Buffer.of(0, 3), context]), 40),
      );
      t.not(hex(exporter.derive('x', new Uint8Array(0), 32)), hex(exporter.derive('x', undefined, 32)));
    }
  });
}

test('the limit is 65,535 bytes, and that many come', (t) => {
  const exporter = new Exporter12(PROVIDERS[0]!, result('tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'));
  t.is(exporter.maxLength, 65_535);
  t.is(exporter.derive('EXTRACTOR-dtls_srtp', undefined, exporter.maxLength).length, 65_535);
});

test('reserved labels (RFC 5705 §4) are refused, named', (t) => {
  const exporter = new Exporter12(PROVIDERS[0]!, result('tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'));
  for (const label of [
    'client finished',
    'server finished',
    'master secret',
    'key expansion',
    'extended master secret',
  ])
    t.throws(() => exporter.derive(label, undefined, 16), {
      instanceOf: RangeError,
      message: `exporter label '${label}' is reserved (RFC 5705 §4)`,
    });
});
