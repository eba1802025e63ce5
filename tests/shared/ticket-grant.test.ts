/**
 * The grant a ticket carries (runtime/shared/ticket-grant.ts) stands for
 * the server's whole client-authentication policy: a server whose options
 * would refuse the client of a full handshake must compute another grant,
 * so that a ticket earned under looser options does not resume there.
 * `signatureAlgorithmsCert` restricts the client chains a server accepts
 * (peer-authentication.ts checks every certificate's signature against it),
 * so it is part of that policy.
 */
import test from 'ava';
import { resolveConfig } from '../../runtime/shared/config.js';
import type { DtlsConfig } from '../../runtime/shared/config-options.js';
import { grantFor } from '../../runtime/shared/ticket-grant.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const server = makeIdentity('p256', 'localhost');
const clientCa = makeIdentity('p256', 'client');

function grantOf(options: Partial<DtlsConfig>): Uint8Array {
  const config = resolveConfig('server', {
    certificate: { chain: server.chain, privateKey: server.privateKey },
    trustAnchors: [clientCa.caDer],
    clientAuthentication: 'required',
    ...options,
  });
  return grantFor(config, undefined);
}

test('a server that restricts the client certificates signature schemes grants another ticket grant', (t) => {
  const open = grantOf({});
  const restricted = grantOf({ signatureAlgorithmsCert: ['ed25519'] });
  t.notDeepEqual([...restricted], [...open], 'a ticket of the unrestricted server would resume at the restricted one');
  t.deepEqual(
    [...grantOf({ signatureAlgorithmsCert: ['ed25519'] })],
    [...restricted],
    'the same options: the same grant',
  );
  t.notDeepEqual([...grantOf({ signatureAlgorithmsCert: ['ecdsa_secp256r1_sha256'] })], [...restricted]);
});

test('the grant still follows the options it covered before: trust anchors and clientAuthentication', (t) => {
  const base = grantOf({});
  t.notDeepEqual([...grantOf({ trustAnchors: [server.caDer] })], [...base]);
  t.notDeepEqual([...grantOf({ clientAuthentication: 'optional' })], [...base]);
  t.deepEqual([...grantOf({})], [...base]);
});

test('a policy is hashed once per provider: servers resolved per connection share it, another provider hashes its own', (t) => {
  /** The node provider, counting its digests (the hardware model's provider charges each one). */
  const counting = (): { provider: CryptoProvider; digests: () => number } => {
    let digests = 0;
    const provider: CryptoProvider = {
      ...nodeProvider,
      digest: (a, data) => (digests++, nodeProvider.digest(a, data)),
    };
    return { provider, digests: () => digests };
  };
  /** A connection's configuration resolved for it (no trust anchors: an empty list of its own), and the digests its grant took. */
  const perConnection = (c: ReturnType<typeof counting>): { grant: Uint8Array; digests: number } => {
    const config = resolveConfig('server', {
      certificate: { chain: server.chain, privateKey: server.privateKey },
      provider: c.provider,
    });
    const before = c.digests();
    const grant = grantFor(config, undefined);
    return { grant, digests: c.digests() - before };
  };
  const a = counting();
  const first = perConnection(a);
  t.is(first.digests, 2, 'the policy, then its grant');
  const second = perConnection(a);
  t.deepEqual([...second.grant], [...first.grant]);
  t.is(second.digests, 0, 'the next connection hashes nothing');
  const other = perConnection(counting());
  t.deepEqual([...other.grant], [...first.grant], 'the same policy: the same grant');
  t.is(other.digests, 2, 'another provider hashes its own');
});
