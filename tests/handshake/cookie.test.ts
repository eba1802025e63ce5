/**
 * The stateless HelloRetryRequest cookie (runtime/handshake/cookie.ts, RFC 9147 §5.1): it opens to what was sealed
 * only for the same client address and ClientHello random, within its lifetime, under the secret that made it.
 * A forged, truncated, extended, bit-flipped, expired or foreign cookie opens to nothing and never throws.
 */
import test from 'ava';
import { CookieProtector, cookieTag, type CookieContents } from '../../runtime/handshake/cookie.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';

const address = '192.0.2.7:5684';
const random = new Uint8Array(32).fill(0xa5);
const contents: CookieContents = {
  suite: 'tls_aes_128_gcm_sha256',
  group: 'secp256r1',
  clientHelloHash: new Uint8Array(32).map((_, i) => i),
  serverName: 'example.com',
};

for (const provider of [nodeProvider, nobleProvider]) {
  const secret = new Uint8Array(32).fill(7);
  const protector = new CookieProtector(provider, secret, 10_000);
  const cookie = protector.seal(contents, address, random, 1_000);

  test(`${provider.name}: a cookie opens to what was sealed, for the same address and random, in its lifetime`, (t) => {
    t.deepEqual(protector.open(cookie, address, random, 1_000), contents);
    t.deepEqual(protector.open(cookie, address, random, 11_000), contents, 'the last millisecond of its lifetime');
    const bare = protector.seal(
      { suite: contents.suite, group: undefined, clientHelloHash: contents.clientHelloHash },
      address,
      random,
      0,
    );
    const opened = protector.open(bare, address, random, 0);
    t.is(opened?.group, undefined);
    t.false(opened !== undefined && 'serverName' in opened, 'no server name sealed, none opened');
    t.deepEqual(new CookieProtector(provider, secret, 10_000).open(cookie, address, random, 2_000), contents);
  });

  test(`${provider.name}: spoofed address, another ClientHello, another secret, expired or from the future: nothing`, (t) => {
    t.is(protector.open(cookie, '192.0.2.8:5684', random, 1_000), undefined, 'another address');
    t.is(protector.open(cookie, '192.0.2.7:5685', random, 1_000), undefined, 'another port');
    t.is(protector.open(cookie, address, new Uint8Array(32).fill(0xa4), 1_000), undefined, 'another random');
    t.is(new CookieProtector(provider, new Uint8Array(32).fill(8)).open(cookie, address, random, 1_000), undefined);
    t.is(protector.open(cookie, address, random, 11_001), undefined, 'expired');
    t.is(protector.open(cookie, address, random, 999), undefined, 'issued after now');
  });

  test(`${provider.name}: every single-bit flip, truncation and extension of a cookie opens to nothing`, (t) => {
    for (let i = 0; i < cookie.length * 8; i++) {
      const forged = cookie.slice();
      forged[i >> 3]! ^= 1 << (i & 7);
      t.is(protector.open(forged, address, random, 1_000), undefined, `bit ${i}`);
    }
    for (let n = 0; n < cookie.length; n++)
      t.is(protector.open(cookie.subarray(0, n), address, random, 1_000), undefined, `first ${n} bytes`);
    const longer = new Uint8Array(cookie.length + 1);
    longer.set(cookie);
    t.is(protector.open(longer, address, random, 1_000), undefined);
  });
}

test('random bytes of every length up to 100 open to nothing and never throw', (t) => {
  const protector = new CookieProtector(nodeProvider);
  for (let n = 0; n <= 100; n++)
    for (let k = 0; k < 20; k++) {
      const junk = nodeProvider.randomBytes(n);
      if (n > 0 && k % 2 === 0) junk[0] = 2; // the version byte, so the tag check is reached
      t.is(protector.open(junk, address, random, 0), undefined);
    }
});

test('cookieTag is the last 16 bytes (what a replayed cookie is remembered by); shorter cookies are their own tag', (t) => {
  const protector = new CookieProtector(nodeProvider);
  const cookie = protector.seal(contents, address, random, 0);
  t.deepEqual(cookieTag(cookie), cookie.subarray(cookie.length - 16));
  t.deepEqual(cookieTag(Uint8Array.of(1, 2, 3)), Uint8Array.of(1, 2, 3));
});

test('a lifetime out of range is a ConfigError naming cookieLifetime; a server name over 255 bytes does not fit', (t) => {
  t.throws(() => new CookieProtector(nodeProvider, undefined, 0), { message: /cookieLifetime/ });
  t.throws(() => new CookieProtector(nodeProvider, undefined, 86_400_001), { message: /cookieLifetime/ });
  const protector = new CookieProtector(nodeProvider);
  t.throws(() => protector.seal({ ...contents, serverName: 'a'.repeat(256) }, address, random, 0), {
    instanceOf: RangeError,
  });
});
