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
import { constantTimeEqual } from '../wire/bytes.js';
import { scratchWriter } from '../wire/scratch.js';

/** Cookie length: RFC 6347 §4.2.1 allows up to 255 bytes (DTLS 1.2: up to 2^8-1); 32 is HMAC-SHA256 whole. */
export const COOKIE_LENGTH_12 = 32;

/**
 * What the cookie's HMAC covers: the peer's length (one byte) and text, ClientHello.random, the legacy_session_id with
 * its length, the cipher suites' numbers; written into the scratch writer (read by the HMAC at once, before anything
 * else encodes), ASCII byte by byte: no TextEncoder, no array per field.
 */
function cookieInput(peer: string, ch: ClientHello): Uint8Array {
  const w = scratchWriter('HelloVerifyRequest cookie');
  const lengthAt = w.reserve(1);
  w.utf8(peer);
  w.buf[lengthAt] = (w.pos - lengthAt - 1) & 0xff;
  w.bytes(ch.random);
  w.u8(ch.legacySessionId.length & 0xff, 'legacy_session_id');
  w.bytes(ch.legacySessionId);
  for (const s of ch.cipherSuites) w.u16(cipherSuiteToNumber(s), 'cipher_suites');
  return w.finish();
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
