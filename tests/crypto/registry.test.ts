import test from 'ava';
import { CryptoError, type CryptoProvider } from '../../runtime/crypto/provider.js';
import { getProvider, providerNames, registerProvider, selectProvider } from '../../runtime/crypto/registry.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';

test('providers by name; an unknown name is a CryptoError naming the known ones', (t) => {
  t.is(getProvider('node').name, 'node');
  t.is(getProvider('noble').name, 'noble');
  const known = nativeProvider ? 'native, node, noble' : 'node, noble';
  t.true(
    (t.throws(() => getProvider('botan'), { instanceOf: CryptoError })?.message ?? '').startsWith(
      `no crypto provider 'botan' (known: ${known}`,
    ),
  );
});

test('selection falls back by capability: RSA leads to node even when noble is preferred', (t) => {
  t.is(selectProvider([{ kind: 'aead', algorithm: 'aes-128-gcm' }], ['noble', 'node']).name, 'noble');
  t.is(selectProvider([{ kind: 'signature', algorithm: 'rsa_pss_rsae_sha256' }], ['noble', 'node']).name, 'node');
  t.regex(
    t.throws(() => selectProvider([{ kind: 'signature', algorithm: 'rsa_pss_rsae_sha256' }], ['noble']), {
      instanceOf: CryptoError,
    })?.message ?? '',
    /no provider among noble supports signature rsa_pss_rsae_sha256/,
  );
});

test('a registered provider (a timed wrapper, say) is found by name', (t) => {
  const timed: CryptoProvider = { ...nodeProvider, name: 'timed-node' };
  registerProvider(timed);
  t.true(providerNames().includes('timed-node'));
  t.is(getProvider('timed-node'), timed);
});
