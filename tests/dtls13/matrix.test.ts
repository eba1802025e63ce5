import test from 'ava';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../../runtime/crypto/provider.js';
import { ALL_CIPHER_SUITES } from '../../runtime/crypto/suites.js';
import type { KeyPairKind } from '../../runtime/pki/certificate-builder.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { runVariant, VARIANTS } from '../support/variants.js';

/** Handshakes for every suite × group × CertificateVerify scheme a provider supports, then data both ways. */

const GROUPS: KeyExchangeGroup[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];
const SCHEMES: [SignatureAlgorithm, KeyPairKind][] = [
  ['ecdsa_secp256r1_sha256', 'p256'],
  ['ecdsa_secp384r1_sha384', 'p384'],
  ['ecdsa_secp521r1_sha512', 'p521'],
  ['ed25519', 'ed25519'],
  ['ed448', 'ed448'],
  ['rsa_pss_rsae_sha256', 'rsa2048'],
  ['rsa_pss_rsae_sha384', 'rsa2048'],
  ['rsa_pss_rsae_sha512', 'rsa2048'],
  ['rsa_pss_pss_sha256', 'rsa-pss2048'],
  ['rsa_pss_pss_sha384', 'rsa-pss2048-sha384'],
  ['rsa_pss_pss_sha512', 'rsa-pss2048-sha512'],
];

/** The client's own certificate for client authentication: one the provider can sign with. */
const clientIdentity = (provider: CryptoProvider): Identity =>
  identity(provider.name === 'noble' ? 'ed25519' : 'p256', 'client.test');

const identities = new Map<string, Identity>();
const identity = (kind: KeyPairKind, name = 'server.test'): Identity => {
  const key = `${kind} ${name}`;
  if (!identities.has(key)) identities.set(key, makeIdentity(kind, name));
  return identities.get(key)!;
};

for (const provider of [nodeProvider, nobleProvider] as CryptoProvider[]) {
  for (const [scheme, kind] of SCHEMES) {
    if (!provider.supports({ kind: 'signature', algorithm: scheme })) continue;
    test(`${provider.name}: ${scheme} × every suite × every group × (client auth, HRR, cookie), then data both ways`, (t) => {
      for (const suite of ALL_CIPHER_SUITES) {
        for (const group of GROUPS) {
          for (const variant of VARIANTS) {
            const what = `${suite} ${group} ${scheme} ${JSON.stringify(variant)}`;
            const base = {
              provider,
              cipherSuites: [suite],
              allowCcm8: true,
              groups: [group],
              signatureAlgorithms: [scheme],
            };
            const r = runVariant(variant, { server: identity(kind), client: clientIdentity(provider) }, base);
            const p = r.parameters;
            t.deepEqual(
              p && {
                suite: p.cipherSuite,
                group: p.group,
                scheme: p.signatureAlgorithm,
                hrr: p.helloRetryRequest,
                auth: p.clientAuthenticated,
              },
              { suite, group, scheme, hrr: variant.hrr || variant.cookie, auth: variant.clientAuth },
              `${what}: ${r.failure ?? ''}`,
            );
            t.true(r.echoed, `data both ways: ${what}`);
          }
        }
      }
    });
  }
}

test('an RSASSA-PSS key bound to SHA-256 is never asked for rsa_pss_pss_sha384: the handshake fails cleanly', (t) => {
  const opts = { signatureAlgorithms: ['rsa_pss_pss_sha384' as const] };
  const { link } = handshake(identity('rsa-pss2048'), { client: opts, server: opts });
  t.is(link.server.failure?.alert, 'handshake_failure');
  t.is(link.client.failure?.alert, 'handshake_failure');
});

test('client authentication: required, with a certificate; optional, without one; required, without one fails', (t) => {
  const server = identity('p256');
  const client = makeIdentity('ed25519', 'client.test');
  const withCert = handshake(server, { clientId: client, server: { clientAuthentication: 'required' } });
  t.true(withCert.parameters?.clientAuthenticated);
  t.deepEqual(roundTrip(withCert.link, 'x').atServer, ['x to server']);
  const optional = handshake(server, { server: { clientAuthentication: 'optional' } });
  t.false(optional.parameters?.clientAuthenticated);
  t.is(optional.link.server.state, 'connected');
  const missing = handshake(server, { server: { clientAuthentication: 'required' } });
  t.is(missing.link.server.failure?.alert, 'certificate_required');
  t.is(missing.link.server.state, 'failed');
});

test('HelloRetryRequest: the client shares a group the server does not take, and retries with the one it asks for', (t) => {
  const { link, parameters } = handshake(identity('p256'), {
    client: { groups: ['x25519', 'secp384r1'] },
    server: { groups: ['secp384r1', 'x25519'].slice(0, 1) as KeyExchangeGroup[] },
  });
  t.true(parameters?.helloRetryRequest, link.client.failure?.message);
  t.is(parameters?.group, 'secp384r1');
  t.deepEqual(roundTrip(link, 'after hrr'), { atServer: ['after hrr to server'], atClient: ['after hrr to client'] });
});

test("the client's final flight is acknowledged: both flight machines finish and nothing is retransmitted", (t) => {
  const { link } = handshake(identity('p256'), { server: { tickets: 0 } }); // no NewSessionTicket flight after the handshake
  t.is(link.client.stats.flightState, 'finished');
  t.is(link.server.stats.flightState, 'finished');
  t.is(link.client.pollTimeout(), undefined);
  // One ClientHello, one final flight: the client never retransmitted; the last datagram is the server's ACK.
  t.is(link.log.filter((l) => l.from === 'client').length, 2);
  t.is(link.log.at(-1)?.from, 'server');
});
