/**
 * An operation's raw figures for the SystemC twin, read straight from
 * spec/hw/engines/<engine>.yaml (following `base`), not from the TypeScript
 * cost table: the twin derives each operation's cycles from them itself
 * (setup + ⌈bytes / bytes a cycle⌉ on a symmetric lane, a fixed count on a
 * public-key lane). Used by the description built from a `simulate()` trace
 * (twin-sim.ts), whose commands carry every kind the engine times.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../runtime/config-error.js';
import { suiteFromName } from '../timing/names.js';
import { ENGINES_DIR } from '../timing/engine-file.js';
import { CRYPTO_OPS, type CryptoOpKind } from '../model/crypto-ops.js';

/** What the twin needs of one operation kind and algorithm. */
export interface RawOp {
  /** 0: the symmetric unit, 1: the public-key unit. */
  readonly unit: 0 | 1;
  /** Symmetric: setup cycles; public key: the operation's cycles. */
  readonly cycles: number;
  readonly bytesPerCycle: number;
  readonly latencyCycles: number;
  /** How many bytes the results write back (RESULT_KINDS). */
  readonly result: number;
}

/** Result sizes by kind, as the twin reads them: 0 seal (bytes + 16), 1 open (bytes − 16), 2 mask (16), 3 sign (64), 4 verify (1), 5 other (32). */
const RESULT: Readonly<Record<string, number>> = { aead_seal: 0, aead_open: 1, mask: 2, sign: 3, verify: 4 };

/** The kinds the engine times: every logged operation but those that cost nothing on it (a key's setup, a random draw, a key import). */
const UNTIMED: ReadonlySet<CryptoOpKind> = new Set(['aead_key', 'random', 'key_import']);
export const TIMED_KINDS: ReadonlySet<string> = new Set(CRYPTO_OPS.filter((k) => !UNTIMED.has(k)));

function parse(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }).parse(text);
}

type Doc = { base?: string; cycles?: Record<string, Record<string, Record<string, unknown>>> };

/** The engine file and its bases, nearest first. */
function chain(engine: string): Doc[] {
  const out: Doc[] = [];
  for (let name: string | undefined = engine; name !== undefined;) {
    const doc = parse(readFileSync(join(ENGINES_DIR, `${name}.yaml`), 'utf8')) as Doc;
    out.push(doc);
    name = doc.base;
  }
  return out;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** The raw figures of `kind` on `algorithm` (the trace's names: `aes-128-gcm`, `x25519`, `ed25519`, `sha256`; an HKDF step is `hkdf_extract` or `hkdf_expand`). */
export function rawOp(engine: string, kind: string, algorithm: string): RawOp {
  const docs = chain(engine);
  const find = (section: string, key: string): Record<string, unknown> | undefined => {
    for (const d of docs) {
      const e = d.cycles?.[section]?.[key];
      if (e !== undefined) return e;
    }
    return undefined;
  };
  const result = RESULT[kind] ?? 5;
  const fail = (): never => {
    throw new ConfigError('engine', `no ${kind} ${algorithm} figures in spec/hw/engines/${engine}.yaml or its bases`);
  };
  const symmetric = (e: Record<string, unknown>): RawOp => ({
    unit: 0,
    cycles: num(e['setup_cycles']),
    bytesPerCycle: num(e['bytes_per_cycle']),
    latencyCycles: num(e['latency_cycles']),
    result,
  });
  switch (kind) {
    case 'aead_seal':
    case 'aead_open': {
      const e = find('aead', suiteFromName(algorithm) ?? algorithm) ?? fail();
      const way = e[kind === 'aead_seal' ? 'seal' : 'open'];
      return symmetric(typeof way === 'object' && way !== null ? (way as Record<string, unknown>) : e);
    }
    case 'mask':
    case 'hash':
    case 'hmac':
      return symmetric(find(kind, algorithm) ?? fail());
    case 'hkdf_extract':
    case 'hkdf_expand':
      // HKDF-Extract and each HKDF-Expand step: the engine file's hkdf figures.
      return symmetric(find('hkdf', algorithm) ?? fail());
    case 'kx_generate':
    case 'kx_derive': {
      const e = find('key_exchange', algorithm) ?? fail();
      return {
        unit: 1,
        cycles: num(e[kind === 'kx_generate' ? 'generate_cycles' : 'derive_cycles']),
        bytesPerCycle: 0,
        latencyCycles: 0,
        result,
      };
    }
    case 'sign':
    case 'verify': {
      const e = find('signature', algorithm) ?? fail();
      return {
        unit: 1,
        cycles: num(e[kind === 'sign' ? 'sign_cycles' : 'verify_cycles']),
        bytesPerCycle: 0,
        latencyCycles: 0,
        result,
      };
    }
    default:
      return fail();
  }
}
