/**
 * Whether a `cookies: false` listener sends a client's first ClientHello through the cookie exchange anyway: its
 * certificate flight would not fit three times the ClientHello (runtime/connection/cookieless-hello.ts). Peer tests that
 * run without cookies use it to say whether a HelloRetryRequest or HelloVerifyRequest comes first.
 */
import { CookielessHello } from '../../runtime/connection/cookieless-hello.js';
import { chooseServerVersion } from '../../runtime/connection/version-negotiation.js';

/** `first`: the client's first datagram (one whole ClientHello); `chain`: the server's certificate chain (DER). */
export function cookieAskedFor(first: Uint8Array | undefined, chain: readonly Uint8Array[]): boolean {
  if (first === undefined) return false;
  const choice = chooseServerVersion(first, ['DTLSv1.3', 'DTLSv1.2']);
  if (choice.version === undefined) return false;
  return new CookielessHello(chain).wantsCookie(choice.version, choice.clientHello.hello, first.length);
}
