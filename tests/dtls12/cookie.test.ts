/**
 * The DTLS 1.2 HelloVerifyRequest cookie (runtime/dtls12/cookie.ts, RFC 6347 §4.2.1): valid only for the
 * address it was made for, under the secret that made it, in a ClientHello repeating the first one's random,
 * session ID and suites. A spoofed address, a changed hello, a forged, truncated or padded cookie is refused.
 */
import { createHmac } from 'node:crypto';
import test from 'ava';
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { COOKIE_LENGTH_12, cookieValid12, makeCookie12 } from '../../runtime/dtls12/cookie.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';

const secret = new Uint8Array(32).fill(3);
const peer = '198.51.100.4:40000';
const hello: ClientHello = {
  legacyVersion: 'dtls1_2',
  random: new Uint8Array(32).fill(0x11),
  legacySessionId: new Uint8Array(0),
  legacyCookie: new Uint8Array(0),
  cipherSuites: ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256', 'tls_ecdhe_rsa_with_aes_128_gcm_sha256'],
  legacyCompressionMethods: Uint8Array.of(0),
  extensions: [],
};

for (const provider of [nodeProvider, nobleProvider]) {
  const cookie = makeCookie12(provider, secret, peer, hello);
  const second = (changes: Partial<ClientHello>): ClientHello => ({ ...hello, legacyCookie: cookie, ...changes });

  test(`${provider.name}: the second ClientHello with the cookie is valid; the cookie is ${COOKIE_LENGTH_12} bytes`, (t) => {
    t.is(cookie.length, COOKIE_LENGTH_12);
    t.true(cookieValid12(provider, secret, peer, second({})));
    t.true(cookieValid12(provider, secret, peer, second({ extensions: [] })), 'extensions are not bound');
    t.deepEqual(makeCookie12(provider, secret, peer, hello), cookie, 'made again without state, it is the same');
  });

  test(`${provider.name}: a spoofed address, another secret or a changed hello is refused`, (t) => {
    t.false(cookieValid12(provider, secret, '198.51.100.5:40000', second({})));
    t.false(cookieValid12(provider, secret, '198.51.100.4:40001', second({})));
    t.false(cookieValid12(provider, new Uint8Array(32).fill(4), peer, second({})));
    t.false(cookieValid12(provider, secret, peer, second({ random: new Uint8Array(32).fill(0x12) })));
    t.false(cookieValid12(provider, secret, peer, second({ legacySessionId: Uint8Array.of(1) })));
    t.false(cookieValid12(provider, secret, peer, second({ cipherSuites: [...hello.cipherSuites].reverse() })));
    t.false(cookieValid12(provider, secret, peer, second({ cipherSuites: hello.cipherSuites.slice(0, 1) })));
  });

  test(`${provider.name}: forged, truncated, padded or empty cookies are refused`, (t) => {
    for (let i = 0; i < cookie.length * 8; i++) {
      const forged = cookie.slice();
      forged[i >> 3]! ^= 1 << (i & 7);
      t.false(cookieValid12(provider, secret, peer, second({ legacyCookie: forged })), `bit ${i}`);
    }
    for (let n = 0; n < cookie.length; n++)
      t.false(cookieValid12(provider, secret, peer, second({ legacyCookie: cookie.subarray(0, n) })), `${n} bytes`);
    const padded = new Uint8Array(cookie.length + 1);
    padded.set(cookie);
    t.false(cookieValid12(provider, secret, peer, second({ legacyCookie: padded })));
  });
}

test('node and noble make the same cookie (HMAC-SHA256 over the same input)', (t) => {
  t.deepEqual(makeCookie12(nodeProvider, secret, peer, hello), makeCookie12(nobleProvider, secret, peer, hello));
});

test('the cookie is HMAC-SHA256 over the peer (length, UTF-8), random, session ID (length, bytes) and suite numbers', (t) => {
  const sessionId = Uint8Array.of(9, 8, 7);
  for (const who of [peer, '[2001:db8::1]|443', 'pèer|1']) {
    const h = { ...hello, legacySessionId: sessionId };
    const peerBytes = Buffer.from(who, 'utf8');
    const input = Buffer.concat([
      Buffer.of(peerBytes.length),
      peerBytes,
      hello.random,
      Buffer.of(sessionId.length),
      sessionId,
      Buffer.of(0xc0, 0x2b, 0xc0, 0x2f),
    ]);
    const expected = createHmac('sha256', secret).update(input).digest();
    t.deepEqual(Buffer.from(makeCookie12(nodeProvider, secret, who, h)), expected, who);
  }
});
