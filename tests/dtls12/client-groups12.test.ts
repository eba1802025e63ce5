/**
 * A DTLS 1.2 client's supported_groups (runtime/versions/groups12.ts): with an ECDHE_ECDSA suite offered, the
 * configured 1.2 groups then the curve of each ECDSA scheme of signatureAlgorithms they leave out (RFC 8422 §5.1: the
 * list also names the curves of the certificates the client accepts); a server's list is its own groups; the
 * dual-version ClientHello lists the same curves after the configured groups.
 */
import test from 'ava';
import { clientConfigs, serverConfigs } from '../../runtime/connection/version-configs.js';
import { clientGroups12 } from '../../runtime/versions/groups12.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'localhost');
const all = (): boolean => true;

test('ECDSA suites offered: the curves of the ECDSA schemes, in their order, after the groups', (t) => {
  const schemes = ['ecdsa_secp256r1_sha256', 'ed25519', 'ecdsa_secp384r1_sha384', 'ecdsa_secp521r1_sha512'] as const;
  t.deepEqual(clientGroups12(['x25519'], schemes, ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'], all), [
    'x25519',
    'secp256r1',
    'secp384r1',
    'secp521r1',
  ]);
  t.deepEqual(
    clientGroups12(['secp384r1', 'x25519'], schemes, ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'], all),
    ['secp384r1', 'x25519'],
    'a list naming a NIST curve says which curves it means: kept as it is (a P-384 policy stays P-384 in 1.3)',
  );
  t.deepEqual(
    clientGroups12(['x25519'], schemes, ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'], (g) => g !== 'secp521r1'),
    ['x25519', 'secp256r1', 'secp384r1'],
    'a curve the provider lacks is left out',
  );
});

test('no ECDHE_ECDSA suite (RSA or PSK only), or no ECDSA scheme: the groups as configured', (t) => {
  t.deepEqual(
    clientGroups12(
      ['x25519'],
      ['ecdsa_secp256r1_sha256'],
      ['tls_ecdhe_rsa_with_aes_128_gcm_sha256', 'tls_ecdhe_psk_with_aes_128_gcm_sha256'],
      all,
    ),
    ['x25519'],
  );
  t.deepEqual(
    clientGroups12(['x25519'], ['ed25519', 'rsa_pss_rsae_sha256'], ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'], all),
    ['x25519'],
  );
});

test("groups ['x25519mlkem768', 'x25519']: the 1.2 offer and the dual-version ClientHello name the ECDSA curves too; a server's groups stay its own", (t) => {
  const c = clientConfigs({ trustAnchors: [id.caDer], serverName: 'localhost', groups: ['x25519mlkem768', 'x25519'] });
  t.deepEqual(c.config12?.groups, ['x25519', 'secp256r1', 'secp384r1', 'secp521r1']);
  t.deepEqual(c.config13?.groups, ['x25519mlkem768', 'x25519', 'secp256r1', 'secp384r1', 'secp521r1']);
  const only13 = clientConfigs({
    trustAnchors: [id.caDer],
    serverName: 'localhost',
    groups: ['x25519mlkem768', 'x25519'],
    minVersion: 'DTLSv1.3',
  });
  t.deepEqual(only13.config13?.groups, ['x25519mlkem768', 'x25519'], 'no 1.2 offer: nothing added');
  const s = serverConfigs({ certificate: id, groups: ['x25519mlkem768', 'x25519'] });
  t.deepEqual(s.config12?.groups, ['x25519']);
});
