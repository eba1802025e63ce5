/**
 * The listener's DTLS 1.2 cookie exchange with the rules of the 1.3 one (runtime/dtls13/hello-retry-responder.ts):
 * a cookie is valid for a limited time and starts one connection. The HMAC key of cookie.ts rotates: each period of
 * {@link COOKIE_PERIOD_12_MS} has its own, derived from the listener's secret, and a cookie made under the current or
 * the previous period's key is taken (so a cookie lives 30 to 60 s); a cookie that already let a connection start is
 * refused for its lifetime (UsedCookies, bounded). Stateless otherwise, as hello-verify.ts.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { UsedCookies } from '../handshake/used-cookies.js';
import { helloVerify12, type FirstClientHello12, type HelloVerify12Outcome } from './hello-verify.js';

/** How long one cookie key is current. */
export const COOKIE_PERIOD_12_MS = 30_000;

export type Responder12Outcome =
  | Exclude<HelloVerify12Outcome, { kind: 'accept' }>
  /** Start the connection; its own check of the cookie uses `secret`, the key that made it. */
  | { readonly kind: 'accept'; readonly random: string; readonly secret: Uint8Array }
  /** A valid cookie that already started a connection: drop the datagram. */
  | { readonly kind: 'replay' };

export class HelloVerifyResponder12 {
  private readonly provider: CryptoProvider;
  private readonly master: Uint8Array;
  private readonly keys = new Map<number, Uint8Array>();
  private readonly used = new UsedCookies(2 * COOKIE_PERIOD_12_MS);

  constructor(provider: CryptoProvider, master: Uint8Array) {
    this.provider = provider;
    this.master = master;
  }

  private key(period: number): Uint8Array {
    let k = this.keys.get(period);
    if (k === undefined) {
      k = this.provider.hmac('sha256', this.master, new TextEncoder().encode(`dtls12 cookie ${period}`));
      this.keys.set(period, k);
      for (const p of this.keys.keys()) if (p < period - 1) this.keys.delete(p);
    }
    return k;
  }

  /** The exchange for `first`, the ClientHello as the listener decoded it, from `peer` at `now` (ms, any monotonic clock). */
  handle(first: FirstClientHello12, peer: string, now: number): Responder12Outcome {
    const period = Math.floor(now / COOKIE_PERIOD_12_MS);
    const current = helloVerify12(first, this.provider, this.key(period), peer);
    if (current.kind === 'accept') return this.admit(current, this.key(period), now);
    if (current.kind === 'drop') return current;
    const previous = helloVerify12(first, this.provider, this.key(period - 1), peer);
    return previous.kind === 'accept' ? this.admit(previous, this.key(period - 1), now) : current;
  }

  private admit(
    outcome: Extract<HelloVerify12Outcome, { kind: 'accept' }>,
    secret: Uint8Array,
    now: number,
  ): Responder12Outcome {
    if (!this.used.firstUse(outcome.cookie, now)) return { kind: 'replay' };
    return { kind: 'accept', random: outcome.random, secret };
  }
}
