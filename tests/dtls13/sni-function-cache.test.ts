import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { HelloRetryResponder } from '../../runtime/dtls13/hello-retry-responder.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { defaultProvider } from '../../runtime/crypto/registry.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

// An `sni` function that builds new credential objects on every call: each distinct chain and key is checked (parsed,
// imported, matched) once, not once per ClientHello. The stateless cookie exchange does not call it at all: a flood of
// spoofed ClientHellos, which costs the server no state, must not cost it the application's code either.

const a = makeIdentity('p256', 'a.test');
const b = makeIdentity('ed25519', 'b.test');

/** The default provider, counting the public keys it imports (the certificate check imports the leaf's). */
function countingProvider(): { provider: CryptoProvider; imports: () => number } {
  const base = defaultProvider();
  let n = 0;
  const provider: CryptoProvider = Object.create(base, {
    importPublicKey: {
      value: (spki: Uint8Array) => {
        n++;
        return base.importPublicKey(spki);
      },
    },
  }) as CryptoProvider;
  return { provider, imports: () => n };
}

/** Fresh objects holding fresh copies of the bytes, on every call. */
const freshCopies = (name: string): { chain: Uint8Array[]; privateKey: Uint8Array } | undefined => {
  const id = name === 'a.test' ? a : name === 'b.test' ? b : undefined;
  return id && { chain: id.chain.map((c) => c.slice()), privateKey: id.privateKey.slice() };
};

test('the stateless exchange never runs an sni function: the connection does, once the cookie came back', (t) => {
  const { provider, imports } = countingProvider();
  const responder = new HelloRetryResponder({ provider, sni: freshCopies, wallClock: () => TEST_TIME });
  const before = imports();
  for (let i = 0; i < 20; i++) {
    const name = i % 2 === 0 ? 'a.test' : 'b.test';
    const client = DtlsConnection.client({ serverName: name, checkServerIdentity: false });
    client.connect(0);
    const answer = responder.handle(client.pollTransmit()!, `192.0.2.${i}:5000`, 0);
    t.is(answer.kind === 'reply' ? answer.what : answer.kind, 'hello-retry-request');
  }
  t.is(imports() - before, 0, 'no credentials checked before the cookie');
});

test('connections resolved with the same sni function share its checked credentials', (t) => {
  const { provider, imports } = countingProvider();
  const server = { certificate: undefined, sni: freshCopies, provider };
  for (let i = 0; i < 5; i++) {
    const r = handshake(a, { client: { serverName: 'a.test', trustAnchors: [a.caDer] }, server });
    t.truthy(r.parameters, `handshake ${i}`);
  }
  // The clients (on the default provider, not this one) import the server's key to verify it; the server checks a.test once.
  t.is(imports(), 1);
});
