/**
 * Timing samples of logged crypto operations, sorted by the cost-table entry
 * they measure, and the fits that turn them into table entries.
 */
import {
  fitLinearCost,
  HASH_ALGORITHMS,
  KEY_EXCHANGE_GROUPS,
  MASK_ALGORITHMS,
  SIGNATURE_SCHEMES,
  suiteFromName,
} from '../timing/index.js';
import type {
  CostSample,
  CryptoCostOverrides,
  CryptoOpKind as TimedOp,
  CryptoTimingModel,
  LinearCost,
} from '../timing/index.js';
import type { CryptoOp, CryptoOpKind } from '../model/crypto-ops.js';
import { median } from './stats.js';

/**
 * The cost-table operation a logged operation is charged as (hwmodel/DESIGN.md,
 * "Binding the real core"), or undefined for those not costed on their own
 * (`aead_key`, `key_import`, `random`: part of the per-message and per-record costs).
 */
export const COSTED_AS: Readonly<Record<CryptoOpKind, TimedOp | undefined>> = {
  aead_key: undefined,
  aead_seal: 'aead_seal',
  aead_open: 'aead_open',
  mask: 'mask',
  hash: 'hash',
  hmac: 'hmac',
  hkdf_extract: 'hkdf',
  hkdf_expand: 'hkdf',
  kx_generate: 'kx_generate',
  kx_derive: 'kx_derive',
  sign: 'sign',
  verify: 'verify',
  key_import: undefined,
  random: undefined,
};

/** Whether the timing table charges `op` on its own. */
export function isCosted(op: CryptoOp): boolean {
  return COSTED_AS[op.kind] !== undefined;
}

/** The summed measured time of the costed operations in `ops`, in µs. */
export function costedUs(ops: readonly CryptoOp[]): number {
  let ms = 0;
  for (const o of ops) if (isCosted(o)) ms += o.ms;
  return ms * 1000;
}

/** Costed operations summed per (table operation, algorithm): how many, and their bytes. */
export type OpTally = Map<string, { readonly op: TimedOp; readonly algorithm: string; count: number; bytes: number }>;

/** Adds the costed operations of `ops` to `into` (a new tally by default) and returns it. */
export function tallyOps(ops: readonly CryptoOp[], into: OpTally = new Map()): OpTally {
  for (const o of ops) {
    const op = COSTED_AS[o.kind];
    if (op === undefined) continue;
    const key = `${op}/${o.algorithm}`;
    const t = into.get(key);
    if (t) {
      t.count++;
      t.bytes += o.bytes;
    } else into.set(key, { op, algorithm: o.algorithm, count: 1, bytes: o.bytes });
  }
  return into;
}

/** What the tallied operations cost by `model`'s table, µs (costs are linear in the bytes, so the sums suffice). */
export function tallyCostUs(tally: OpTally, model: CryptoTimingModel): number {
  let ps = 0;
  for (const { op, algorithm, count, bytes } of tally.values()) {
    const fixed = model.cost({ op, algorithm, bytes: 0 });
    ps += count * fixed + (model.cost({ op, algorithm, bytes }) - fixed);
  }
  return ps / 1e6;
}

/** Fewer samples than this in a size bucket and the bucket is left out of a linear fit (when enough others remain). */
const MIN_BUCKET = 3;

/**
 * A linear cost fitted robustly: samples are grouped in power-of-two size
 * buckets (zero bytes on its own), each bucket becomes one point (median
 * size, median time), and the points are fitted by least squares
 * ({@link fitLinearCost}). With a single size the median is the fixed cost.
 */
export function robustLinearFit(samples: readonly CostSample[]): LinearCost {
  const buckets = new Map<number, CostSample[]>();
  for (const s of samples) {
    const b = s.bytes === 0 ? -1 : Math.floor(Math.log2(s.bytes));
    const list = buckets.get(b);
    if (list) list.push(s);
    else buckets.set(b, [s]);
  }
  const all = [...buckets.values()];
  const full = all.filter((b) => b.length >= MIN_BUCKET);
  const points = (full.length >= 2 ? full : all).map((b) => ({
    bytes: median(b.map((s) => s.bytes)),
    us: median(b.map((s) => s.us)),
  }));
  if (new Set(points.map((p) => p.bytes)).size < 2) return { setupUs: median(samples.map((s) => s.us)), perByteNs: 0 };
  return fitLinearCost(points);
}

/**
 * A linear cost anchored at the operations as the protocol really ran them:
 * the per-byte slope comes from `direct` samples (timed over a spread of
 * sizes, when they span two or more size buckets), the fixed cost from the
 * `inPlace` samples (handshakes and records) as the median of
 * `us − slope × bytes`. A tight loop over many sizes runs each call colder
 * than the record path does, so its fixed cost is not the protocol's. With
 * only one kind of sample, {@link robustLinearFit} of what there is.
 */
export function anchoredLinearFit(inPlace: readonly CostSample[], direct: readonly CostSample[]): LinearCost {
  if (inPlace.length === 0) return robustLinearFit(direct);
  const slope = direct.length > 0 ? robustLinearFit(direct).perByteNs : robustLinearFit(inPlace).perByteNs;
  return { setupUs: Math.max(0, median(inPlace.map((p) => p.us - (slope / 1000) * p.bytes))), perByteNs: slope };
}

/** Where a sample comes from: the protocol's own calls, or direct timing over a spread of sizes. */
export type SampleSource = 'inPlace' | 'direct';

/** Collects (bytes, µs) samples per cost-table entry from logged operations. */
export class CostSamples {
  readonly #linear = new Map<string, { inPlace: CostSample[]; direct: CostSample[] }>();
  readonly #fixed = new Map<string, number[]>();

  /** Adds the costed operations of `ops` whose algorithm the table knows; the rest are ignored. */
  addAll(ops: readonly CryptoOp[], source: SampleSource = 'inPlace'): void {
    for (const o of ops) this.add(o, source);
  }

  /** Adds one operation (ignored when not costed or of an algorithm the table does not key). */
  add(op: CryptoOp, source: SampleSource = 'inPlace'): void {
    const us = op.ms * 1000;
    const sample = { bytes: op.bytes, us };
    const timed = COSTED_AS[op.kind];
    switch (timed) {
      case 'aead_seal':
      case 'aead_open': {
        const suite = suiteFromName(op.algorithm);
        if (suite !== undefined) this.#push(`aead/${suite}/${timed === 'aead_seal' ? 'seal' : 'open'}`, sample, source);
        return;
      }
      case 'mask':
        if ((MASK_ALGORITHMS as readonly string[]).includes(op.algorithm))
          this.#push(`mask/${op.algorithm}`, sample, source);
        return;
      case 'hash':
      case 'hmac':
      case 'hkdf':
        if ((HASH_ALGORITHMS as readonly string[]).includes(op.algorithm))
          this.#push(`${timed}/${op.algorithm}`, sample, source);
        return;
      case 'kx_generate':
      case 'kx_derive':
        if ((KEY_EXCHANGE_GROUPS as readonly string[]).includes(op.algorithm))
          this.#fix(`${op.algorithm}/${timed}`, us);
        return;
      case 'sign':
      case 'verify':
        if ((SIGNATURE_SCHEMES as readonly string[]).includes(op.algorithm)) this.#fix(`${op.algorithm}/${timed}`, us);
        return;
      case undefined:
        return;
    }
  }

  /** How many samples an entry has (`aead/TLS_AES_128_GCM_SHA256/seal`, `hash/sha256`, `x25519/kx_generate`, `ed25519/sign`). */
  count(key: string): number {
    const l = this.#linear.get(key);
    return l !== undefined ? l.inPlace.length + l.direct.length : (this.#fixed.get(key)?.length ?? 0);
  }

  /**
   * The measured table entries: linear entries fitted with {@link anchoredLinearFit},
   * fixed costs as medians. An entry needs all its parts (seal and open,
   * generate and derive, sign and verify); others are left out.
   */
  overrides(): CryptoCostOverrides {
    const aead: Record<string, { seal: LinearCost; open: LinearCost }> = {};
    const mask: Record<string, LinearCost> = {};
    const hash: Record<string, LinearCost> = {};
    const hmac: Record<string, LinearCost> = {};
    const hkdf: Record<string, LinearCost> = {};
    const keyExchange: Record<string, { generateUs: number; deriveUs: number }> = {};
    const signature: Record<string, { signUs: number; verifyUs: number }> = {};
    const fit = (key: string): LinearCost | undefined => {
      const s = this.#linear.get(key);
      return s === undefined ? undefined : anchoredLinearFit(s.inPlace, s.direct);
    };
    const fixed = (key: string): number | undefined => {
      const s = this.#fixed.get(key);
      return s === undefined ? undefined : median(s);
    };
    for (const key of this.#linear.keys()) {
      const [section, name, part] = key.split('/') as [string, string, string | undefined];
      if (section === 'aead' && part === 'seal') {
        const seal = fit(key);
        const open = fit(`aead/${name}/open`);
        if (seal && open) aead[name] = { seal, open };
      } else if (section === 'mask') mask[name] = fit(key)!;
      else if (section === 'hash') hash[name] = fit(key)!;
      else if (section === 'hmac') hmac[name] = fit(key)!;
      else if (section === 'hkdf') hkdf[name] = fit(key)!;
    }
    for (const g of KEY_EXCHANGE_GROUPS) {
      const generateUs = fixed(`${g}/kx_generate`);
      const deriveUs = fixed(`${g}/kx_derive`);
      if (generateUs !== undefined && deriveUs !== undefined) keyExchange[g] = { generateUs, deriveUs };
    }
    for (const s of SIGNATURE_SCHEMES) {
      const signUs = fixed(`${s}/sign`);
      const verifyUs = fixed(`${s}/verify`);
      if (signUs !== undefined && verifyUs !== undefined) signature[s] = { signUs, verifyUs };
    }
    return { aead, mask, hash, hmac, hkdf, keyExchange, signature } as CryptoCostOverrides;
  }

  #push(key: string, sample: CostSample, source: SampleSource): void {
    let entry = this.#linear.get(key);
    if (entry === undefined) this.#linear.set(key, (entry = { inPlace: [], direct: [] }));
    entry[source].push(sample);
  }

  #fix(key: string, us: number): void {
    const list = this.#fixed.get(key);
    if (list) list.push(us);
    else this.#fixed.set(key, [us]);
  }
}
