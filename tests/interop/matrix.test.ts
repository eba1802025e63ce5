import test from 'ava';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { assertServed, assertTalked, identity, serveWolfClient, talkToWolfServer } from './sessions.js';
import { WOLF_SUITES, writePem } from './wolfssl.js';
import { NOT_RUN } from './not-run.js';

/**
 * The interop matrix, both directions: suite × group × client
 * authentication. Our client meets wolfSSL's default cookie
 * HelloRetryRequest; wolfSSL's client meets our stateless one, which also
 * asks for the group when its first key share is another.
 */
const SUITES: readonly SupportedCipherSuite[] = [
  'tls_aes_128_gcm_sha256',
  'tls_aes_256_gcm_sha384',
  'tls_chacha20_poly1305_sha256',
];
const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });

for (const direction of ['dtls13 client → wolfSSL server', 'wolfSSL client → dtls13 server'] as const) {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      for (const auth of ['server-only', 'mutual'] as const) {
        const name = `${direction}: ${suite}, ${group}, ${auth}`;
        const reason = NOT_RUN.get(name);
        if (reason !== undefined) {
          test.skip(`${name} — not run: ${reason}`, () => {});
          continue;
        }
        test(name, async (t) => {
          const ca = writePem(clientId);
          try {
            if (direction === 'dtls13 client → wolfSSL server') {
              const o = await talkToWolfServer(
                identity('p256'),
                [...(auth === 'mutual' ? ['-A', ca.ca, '-F'] : ['-d']), '-l', WOLF_SUITES[suite]],
                {
                  cipherSuites: [suite],
                  allowCcm8: true,
                  groups: [group],
                  ...(auth === 'mutual' ? { certificate: clientId } : {}),
                },
              );
              assertTalked(t, o);
              t.like(o.parameters, {
                cipherSuite: suite,
                group,
                helloRetryRequest: true,
                clientAuthenticated: auth === 'mutual',
              });
            } else {
              const s = await serveWolfClient(
                identity('p256'),
                {
                  cipherSuites: [suite],
                  allowCcm8: true,
                  groups: [group],
                  ...(auth === 'mutual' ? { requestCert: true, ca: [clientId.caDer] } : {}),
                },
                [...(auth === 'mutual' ? ['-c', ca.cert, '-k', ca.key] : ['-x']), '-l', WOLF_SUITES[suite]],
              );
              assertServed(t, s);
              t.like(s.handshakes[0], {
                cipherSuite: suite,
                group,
                helloRetryRequest: true,
                clientAuthenticated: auth === 'mutual',
              });
            }
          } finally {
            ca.remove();
          }
        });
      }
    }
  }
}

// Connection IDs (RFC 9146, RFC 9147 §9) across the suites, both directions: both sides with a CID (ours 2 bytes, the
// most wolfSSL's default build takes), and mixed (our side asks for a zero-length CID). wolfSSL's CID is "wc".
for (const direction of ['dtls13 client → wolfSSL server', 'wolfSSL client → dtls13 server'] as const) {
  for (const suite of SUITES) {
    for (const mode of ['both', 'mixed'] as const) {
      test(`${direction}: ${suite}, connection IDs ${mode === 'both' ? 'both ways' : 'mixed (ours zero-length)'}`, async (t) => {
        const cid = mode === 'both' ? 2 : 0;
        const ours = (
          ids: { readonly local: Uint8Array | undefined; readonly peer: Uint8Array | undefined } | undefined,
        ): void => {
          t.deepEqual(Buffer.from(ids?.peer ?? []).toString('latin1'), 'wc');
          t.is(ids?.local?.length, mode === 'both' ? 2 : undefined);
        };
        if (direction === 'dtls13 client → wolfSSL server') {
          const o = await talkToWolfServer(identity('p256'), ['-d', '--cid', 'wc', '-l', WOLF_SUITES[suite]], {
            cipherSuites: [suite],
            allowCcm8: true,
            cid,
          });
          assertTalked(t, o);
          ours(o.client.connection.connectionIds);
        } else {
          const s = await serveWolfClient(identity('p256'), { cipherSuites: [suite], allowCcm8: true, cid }, [
            '-x',
            '--cid',
            'wc',
            '-l',
            WOLF_SUITES[suite],
          ]);
          assertServed(t, s);
          ours(s.session?.connection?.connectionIds);
        }
      });
    }
  }
}
