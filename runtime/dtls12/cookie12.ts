/**
 * The HelloVerifyRequest cookie (RFC 6347 §4.2.1): made without keeping anything, HMAC-SHA256 under a server secret
 * over the client's transport address and the ClientHello's parameters, so only a client that can receive at its
 * address can answer it, and it opens only for the same hello (the second ClientHello repeats every field but the
 * cookie). A cookie is valid for the secret that made it; the secret is the connection's (`cookieSecret`), shared by
 * all connections of a server.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { cipherSuiteToNumber } from '../../generated/wire/enums.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { concatBytes, constantTimeEqual } from '../wire/bytes.js';

/** Cookie length: RFC 6347 §4.2.1 allows up to 255 bytes (DTLS 1.2: up to 2^8-1); 32 is HMAC-SHA256 whole. */
export const COOKIE_LENGTH_12 = 32;

const encoder = new TextEncoder();

function cookieInput(peer: string, ch: ClientHello): Uint8Array {
  const suites = new Uint8Array(ch.cipherSuites.length * 2);
  ch.cipherSuites.forEach((s, i) => {
    const n = cipherSuiteToNumber(s);
    suites[2 * i] = n >>> 8;
    suites[2 * i + 1] = n & 0xff;
  });
  const peerBytes = encoder.encode(peer);
  return concatBytes([
    Uint8Array.of(peerBytes.length),
    peerBytes,
    ch.random,
    Uint8Array.of(ch.legacySessionId.length),
    ch.legacySessionId,
    suites,
  ]);
}

export function makeCookie12(provider: CryptoProvider, secret: Uint8Array, peer: string, ch: ClientHello): Uint8Array {
  return provider.hmac('sha256', secret, cookieInput(peer, ch));
}

export function cookieValid12(provider: CryptoProvider, secret: Uint8Array, peer: string, ch: ClientHello): boolean {
  return (
    ch.legacyCookie.length === COOKIE_LENGTH_12 &&
    constantTimeEqual(ch.legacyCookie, makeCookie12(provider, secret, peer, ch))
  );
}
