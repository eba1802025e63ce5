import { ConfigError } from './config-error.js';

/**
 * The simulation's seeded random source: xoshiro128** (Blackman and Vigna,
 * 2018) on 32-bit words, its state filled by splitmix32. Small, fast and
 * reproducible on every JS engine (only `Math.imul` and 32-bit shifts).
 *
 * `fork(name)` gives an independent named stream whose sequence depends only
 * on the root seed and the chain of names, never on how many numbers any
 * other stream has drawn: adding a draw in one module does not perturb
 * another module's stream. Forking the same name twice from the same stream
 * gives two streams with the same sequence.
 */
export class SeededRandom {
  private streamKey = 0;
  private streamPath = 'root';
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = Number.NaN;

  /** A root stream; `seed` is any safe integer (ConfigError `seed` otherwise). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new ConfigError('seed', `must be a safe integer, got ${String(seed)}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
    this.reseed(mix32(lo ^ mix32(hi ^ 0x6a09e667)), 'root');
  }

  /** The stream's identity: a 32-bit hash of the seed and the fork names. */
  get key(): number {
    return this.streamKey;
  }

  /** The fork path, e.g. `root/crypto/aead` (for diagnostics). */
  get path(): string {
    return this.streamPath;
  }

  private reseed(key: number, path: string): void {
    this.streamKey = key;
    this.streamPath = path;
    this.spare = Number.NaN;
    let sm = key;
    const next = (): number => {
      sm = (sm + 0x9e3779b9) | 0;
      return mix32(sm);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** An independent stream named `name` (see the class comment). */
  fork(name: string): SeededRandom {
    if (typeof name !== 'string' || name.length === 0)
      throw new ConfigError('fork', 'a random stream needs a non-empty name');
    const child = new SeededRandom(0);
    child.reseed(
      mix32(this.streamKey ^ Math.imul(hashString(name), 0x9e3779b1) ^ 0x5bd1e995),
      `${this.streamPath}/${name}`,
    );
    return child;
  }

  /** The next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A number in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A uniform integer in [0, n), unbiased (rejection); `n` an integer in 1..2^32, else RangeError. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000)
      throw new RangeError(`random.int(n): n must be an integer in 1..2^32, got ${String(n)}`);
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A uniform number in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A normally distributed number (Box–Muller, the second value kept for the next call). */
  normal(mu = 0, sigma = 1): number {
    let z = this.spare;
    if (Number.isNaN(z)) {
      const u1 = 1 - this.next(); // (0, 1]
      const u2 = this.next();
      const r = Math.sqrt(-2 * Math.log(u1));
      z = r * Math.cos(2 * Math.PI * u2);
      this.spare = r * Math.sin(2 * Math.PI * u2);
    } else {
      this.spare = Number.NaN;
    }
    return mu + sigma * z;
  }

  /** An exponentially distributed number with the given mean (rate 1/mean). */
  exponential(mean = 1): number {
    return -mean * Math.log(1 - this.next());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** murmur3's 32-bit finalizer. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a over UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
