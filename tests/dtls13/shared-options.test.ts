import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import type { ResolvedConfig } from '../../runtime/shared/config.js';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { CryptoError, type CryptoProvider } from '../../runtime/crypto/provider.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * What connections made from one options object share: the resolved
 * configuration (validated once per object and role), and on the client the
 * server's leaf key imported once per key bytes and provider. Neither changes
 * what a connection does: bad options fail every time, a refused key is
 * refused on every handshake.
 */

const serverId = makeIdentity('p256', 'server.test');
const otherId = makeIdentity('p256', 'server.test');

const configOf = (c: DtlsConnection): ResolvedConfig =>
  (c.versionState as unknown as { readonly context: { readonly config: ResolvedConfig } }).context.config;

test('an options object changed between connections is read again, never answered from an older reading; bad options fail the same way every time', (t) => {
  const suites: ConnectionOptions['cipherSuites'] = ['tls_aes_128_gcm_sha256'];
  const options = {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock: () => TEST_TIME,
    cipherSuites: suites,
    minVersion: 'DTLSv1.3' as const, // 1.3 states from the start, to read the configuration of
  };
  const a = DtlsConnection.server(options);
  options.cipherSuites = ['tls_chacha20_poly1305_sha256'];
  const b = DtlsConnection.server(options);
  t.deepEqual(configOf(a).cipherSuites, ['tls_aes_128_gcm_sha256']);
  t.deepEqual(configOf(b).cipherSuites, ['tls_chacha20_poly1305_sha256']);
  const client = DtlsConnection.client(options);
  t.is(configOf(client).serverPsk, undefined);
  t.not(configOf(a).ticketKeys, undefined);

  const bad: ConnectionOptions = { cipherSuites: [] };
  for (let i = 0; i < 2; i++) {
    const e = t.throws(() => DtlsConnection.client(bad), { instanceOf: ConfigError });
    t.regex(e?.message ?? '', /cipherSuites/);
  }
  const serverOnly: ConnectionOptions = {
    tickets: 2,
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
  };
  t.notThrows(() => DtlsConnection.server(serverOnly));
  t.throws(() => DtlsConnection.client(serverOnly), { instanceOf: ConfigError, message: /tickets/ });
  t.throws(() => DtlsConnection.client(serverOnly), { instanceOf: ConfigError, message: /tickets/ });
});

/** nodeProvider, counting its public-key imports; `refuse` makes every import fail as a provider refusing the key would. */
function countingProvider(refuse = false): { provider: CryptoProvider; imports: () => number } {
  let imports = 0;
  const provider: CryptoProvider = {
    ...nodeProvider,
    importPublicKey: (spki) => {
      imports++;
      if (refuse) throw new CryptoError('this provider refuses every public key');
      return nodeProvider.importPublicKey(spki);
    },
  };
  return { provider, imports: () => imports };
}

test("the server's leaf key is imported once per key bytes and provider; a refused key is refused on every handshake", (t) => {
  const counting = countingProvider();
  for (let i = 0; i < 3; i++) t.truthy(handshake(serverId, { client: { provider: counting.provider } }).parameters);
  t.is(counting.imports(), 1, 'three handshakes with one server key: one import');
  t.truthy(handshake(otherId, { client: { provider: counting.provider, trustAnchors: [otherId.caDer] } }).parameters);
  t.is(counting.imports(), 2, 'another server key is imported');
  t.truthy(
    handshake(serverId, { client: { provider: countingProvider().provider } }).parameters,
    'another provider imports for itself',
  );

  const refusing = countingProvider(true);
  for (let i = 0; i < 2; i++) {
    const { link, parameters } = handshake(serverId, { client: { provider: refusing.provider } });
    t.is(parameters, undefined);
    t.is(link.client.failure?.alert, 'illegal_parameter');
  }
  t.is(refusing.imports(), 2, 'a refused key is not kept');
});
