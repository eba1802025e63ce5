import { toHex } from '../wire/bytes.js';

/** Cookies remembered at most (RFC 9147 §5.1 leaves reuse to the server): about 100 bytes each, 6.5 MB in all. */
export const MAX_USED_COOKIES = 65_536;

/** The cookies a stateless server already accepted, until they expire: a replayed ClientHello starts nothing. */
export class UsedCookies {
  private readonly until = new Map<string, number>();
  private readonly lifetime: number;
  private readonly maxEntries: number;
  /** Entries forgotten before their lifetime was over because the set was full. */
  evicted = 0;

  constructor(lifetimeMs: number, maxEntries = MAX_USED_COOKIES) {
    this.lifetime = lifetimeMs;
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.until.size;
  }

  /** True the first time `tag` (a cookie's authentication tag) is presented within its lifetime; remembers it. */
  firstUse(tag: Uint8Array, now: number): boolean {
    this.expire(now);
    const key = toHex(tag);
    const seen = this.until.get(key);
    if (seen !== undefined && seen > now) return false;
    if (this.until.size >= this.maxEntries) {
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
      this.evicted++;
    }
    this.until.set(key, now + this.lifetime);
    return true;
  }

  /** Entries are kept in insertion order, and each lasts the same time: the expired ones are at the front. */
  private expire(now: number): void {
    for (const [key, until] of this.until) {
      if (until > now) return;
      this.until.delete(key);
    }
  }
}
