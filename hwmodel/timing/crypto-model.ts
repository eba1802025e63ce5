/**
 * Crypto timing: what one logged crypto operation costs in simulated time:
 * in software (µs tables, stretched by the background load), or on a
 * hardware engine (cycle tables at the engine's clock).
 */
import { ConfigError } from '../../runtime/config-error.js';
import type {
  AcceleratedCrypto,
  CryptoCostTable,
  CryptoUnit,
  CycleCost,
  LinearCost,
  SoftwareCrypto,
} from './crypto-table.js';
import {
  HASH_ALGORITHMS,
  KEY_EXCHANGE_GROUPS,
  MASK_ALGORITHMS,
  SIGNATURE_SCHEMES,
  SUITE_ALGORITHMS,
  isOneOf,
  suiteFromName,
} from './names.js';
import type { CryptoOpKind } from './names.js';
import { NS, US } from './time.js';
import type { SimTime } from './time.js';

/**
 * One crypto operation as the timed provider logs it (hwmodel/DESIGN.md).
 * `suite` is a cipher suite (RFC name, any case); `algorithm` the provider's
 * name: an AEAD (`aes-128-gcm`), mask cipher (`aes-128`), hash (`sha256`),
 * group (`x25519`) or signature scheme (`ed25519`). `bytes` is the data length.
 */
export interface CryptoOperation {
  readonly op: CryptoOpKind;
  readonly suite?: string | undefined;
  readonly algorithm?: string | undefined;
  readonly bytes: number;
}

/** Options of a {@link CryptoTimingModel}. */
export interface CryptoTimingOptions {
  /** Charge the accelerated costs (a hardware crypto engine's cycles) instead of software. */
  readonly accelerated?: boolean;
  /** The engine's clock period (ps per cycle) when accelerated; default 2 ns (500 MHz). */
  readonly clockPeriod?: SimTime;
  /** Multiplier on software costs (background load on the host); 1 is an idle machine. It does not slow the engine. */
  readonly loadFactor?: number;
}

/** The crypto part of a timing profile. */
export interface CryptoProfile {
  readonly software: SoftwareCrypto;
  readonly accelerated: AcceleratedCrypto;
}

/** Which unit of the engine runs an operation. */
export function cryptoUnitOf(op: CryptoOpKind): CryptoUnit {
  return op === 'kx_generate' || op === 'kx_derive' || op === 'sign' || op === 'verify' ? 'publicKey' : 'symmetric';
}

/** Costs crypto operations from a profile's tables. Pure: the same operation always costs the same. */
export class CryptoTimingModel {
  /** Whether the accelerated costs are charged. */
  readonly accelerated: boolean;
  /** The engine clock period (ps) in force when accelerated. */
  readonly clockPeriod: SimTime;
  /** The software cost multiplier in force. */
  readonly loadFactor: number;
  readonly #crypto: CryptoProfile;

  constructor(crypto: CryptoProfile, options: CryptoTimingOptions = {}) {
    const loadFactor = options.loadFactor ?? 1;
    if (!Number.isFinite(loadFactor) || loadFactor <= 0)
      throw new ConfigError('loadFactor', `must be a positive finite number, got ${String(loadFactor)}`);
    const clockPeriod = options.clockPeriod ?? 2 * NS;
    if (!Number.isSafeInteger(clockPeriod) || clockPeriod <= 0)
      throw new ConfigError(
        'clockPeriod',
        `must be a positive integer number of picoseconds, got ${String(clockPeriod)}`,
      );
    this.#crypto = crypto;
    this.accelerated = options.accelerated ?? false;
    this.clockPeriod = clockPeriod;
    this.loadFactor = loadFactor;
  }

  /** The model for a whole profile: its crypto tables and its load factor (unless `options` gives one). */
  static fromProfile(
    profile: { readonly crypto: CryptoProfile; readonly loadFactor: number },
    options: CryptoTimingOptions = {},
  ): CryptoTimingModel {
    return new CryptoTimingModel(profile.crypto, { loadFactor: profile.loadFactor, ...options });
  }

  /** The simulated time `operation` takes on one lane (of its unit, when accelerated). Throws ConfigError for an algorithm the tables do not know. */
  cost(operation: CryptoOperation): SimTime {
    const { bytes } = operation;
    if (!Number.isFinite(bytes) || bytes < 0)
      throw new ConfigError(`${operation.op}.bytes`, `must be a non-negative number, got ${String(bytes)}`);
    if (this.accelerated) return this.cycles(operation) * this.clockPeriod;
    const t = this.#tableCost(this.#crypto.software.table, operation);
    if (t === undefined) throw new ConfigError(`${operation.op}.algorithm`, `no cost entry for ${describe(operation)}`);
    return Math.max(0, Math.round(t * this.loadFactor));
  }

  /** Engine clock cycles of `operation` (setup plus data at the unit's bytes per cycle). */
  cycles(operation: CryptoOperation): number {
    const table = this.#crypto.accelerated;
    const { op, bytes } = operation;
    const name = operation.algorithm ?? operation.suite ?? '';
    let c: number | undefined;
    switch (op) {
      case 'aead_seal':
      case 'aead_open': {
        const suite = suiteFromName(operation.suite ?? name);
        const entry = suite === undefined ? undefined : table.aead[suite];
        c = entry === undefined ? undefined : cycleCount(op === 'aead_seal' ? entry.seal : entry.open, bytes);
        break;
      }
      case 'mask': {
        const mask = isOneOf(MASK_ALGORITHMS, name) ? name : suiteAlgorithm(operation.suite, 'mask');
        c = mask === undefined ? undefined : cycleCount(table.mask[mask], bytes);
        break;
      }
      case 'hash':
      case 'hmac':
      case 'hkdf': {
        const hash = isOneOf(HASH_ALGORITHMS, name) ? name : suiteAlgorithm(operation.suite, 'hash');
        c = hash === undefined ? undefined : cycleCount(table[op][hash], bytes);
        break;
      }
      case 'kx_generate':
      case 'kx_derive': {
        const entry = isOneOf(KEY_EXCHANGE_GROUPS, name) ? table.keyExchange[name] : undefined;
        c = entry === undefined ? undefined : op === 'kx_generate' ? entry.generateCycles : entry.deriveCycles;
        break;
      }
      case 'sign':
      case 'verify': {
        const entry = isOneOf(SIGNATURE_SCHEMES, name) ? table.signature[name] : undefined;
        c = entry === undefined ? undefined : op === 'sign' ? entry.signCycles : entry.verifyCycles;
        break;
      }
    }
    if (c === undefined)
      throw new ConfigError(`${operation.op}.algorithm`, `no cycle entry for ${describe(operation)}`);
    return Math.ceil(c);
  }

  /**
   * Pipeline latency of `operation` beyond its issue interval (ps), when
   * accelerated: its entry's `latencyCycles` at the engine clock; 0 in
   * software and for the public-key operations (not pipelined).
   */
  latency(operation: CryptoOperation): SimTime {
    if (!this.accelerated) return 0;
    const entry = this.#linearEntry(operation);
    return Math.ceil(entry?.latencyCycles ?? 0) * this.clockPeriod;
  }

  /** The accelerated table's linear entry of an AEAD, mask, hash, HMAC or HKDF operation. */
  #linearEntry(operation: CryptoOperation): CycleCost | undefined {
    const table = this.#crypto.accelerated;
    const { op } = operation;
    const name = operation.algorithm ?? operation.suite ?? '';
    switch (op) {
      case 'aead_seal':
      case 'aead_open': {
        const suite = suiteFromName(operation.suite ?? name);
        const entry = suite === undefined ? undefined : table.aead[suite];
        return entry === undefined ? undefined : op === 'aead_seal' ? entry.seal : entry.open;
      }
      case 'mask': {
        const mask = isOneOf(MASK_ALGORITHMS, name) ? name : suiteAlgorithm(operation.suite, 'mask');
        return mask === undefined ? undefined : table.mask[mask];
      }
      case 'hash':
      case 'hmac':
      case 'hkdf': {
        const hash = isOneOf(HASH_ALGORITHMS, name) ? name : suiteAlgorithm(operation.suite, 'hash');
        return hash === undefined ? undefined : table[op][hash];
      }
      default:
        return undefined;
    }
  }

  /** Cost in (unrounded) picoseconds from `table`, or undefined when the table has no entry. */
  #tableCost(table: CryptoCostTable, operation: CryptoOperation): number | undefined {
    const { op, bytes } = operation;
    const name = operation.algorithm ?? operation.suite ?? '';
    switch (op) {
      case 'aead_seal':
      case 'aead_open': {
        const suite = suiteFromName(operation.suite ?? name);
        const entry = suite === undefined ? undefined : table.aead[suite];
        return entry === undefined ? undefined : linear(op === 'aead_seal' ? entry.seal : entry.open, bytes);
      }
      case 'mask': {
        const mask = isOneOf(MASK_ALGORITHMS, name) ? name : suiteAlgorithm(operation.suite, 'mask');
        return mask === undefined ? undefined : linear(table.mask[mask], bytes);
      }
      case 'hash':
      case 'hmac':
      case 'hkdf': {
        const hash = isOneOf(HASH_ALGORITHMS, name) ? name : suiteAlgorithm(operation.suite, 'hash');
        return hash === undefined ? undefined : linear(table[op][hash], bytes);
      }
      case 'kx_generate':
      case 'kx_derive': {
        const entry = isOneOf(KEY_EXCHANGE_GROUPS, name) ? table.keyExchange[name] : undefined;
        return entry === undefined ? undefined : (op === 'kx_generate' ? entry.generateUs : entry.deriveUs) * US;
      }
      case 'sign':
      case 'verify': {
        const entry = isOneOf(SIGNATURE_SCHEMES, name) ? table.signature[name] : undefined;
        return entry === undefined ? undefined : (op === 'sign' ? entry.signUs : entry.verifyUs) * US;
      }
    }
  }
}

function cycleCount(cost: CycleCost | undefined, bytes: number): number | undefined {
  if (cost === undefined) return undefined;
  return cost.setupCycles + (cost.bytesPerCycle > 0 ? Math.ceil(bytes / cost.bytesPerCycle) : 0);
}

function linear(cost: LinearCost | undefined, bytes: number): number | undefined {
  return cost === undefined ? undefined : cost.setupUs * US + cost.perByteNs * NS * bytes;
}

function suiteAlgorithm<K extends 'mask' | 'hash'>(
  suite: string | undefined,
  kind: K,
): (typeof SUITE_ALGORITHMS)[keyof typeof SUITE_ALGORITHMS][K] | undefined {
  const s = suite === undefined ? undefined : suiteFromName(suite);
  return s === undefined ? undefined : SUITE_ALGORITHMS[s][kind];
}

function describe(op: CryptoOperation): string {
  const parts: string[] = [op.op];
  if (op.suite !== undefined) parts.push(`suite ${op.suite}`);
  if (op.algorithm !== undefined) parts.push(`algorithm ${op.algorithm}`);
  return parts.join(', ');
}
