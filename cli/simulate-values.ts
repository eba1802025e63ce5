/**
 * Parsers for the `dtls13 simulate` option values. Each throws ConfigError
 * naming the option (`--bandwidth`, `--loss`, ...) and quoting the text.
 */
import { ConfigError } from '../runtime/config-error.js';
import { ALL_CIPHER_SUITES, type SupportedCipherSuite } from '../runtime/crypto/suites.js';
import { parseTime, type SimTime } from '../hwmodel/kernel/time.js';

const NUMBER = /^\s*(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*$/i;
const BANDWIDTH = /^\s*(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*([kmgt]?)(bps|bit\/s)?\s*$/i;
const PREFIX: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

/** Short names for the suites: `aes128gcm`, `aes256gcm`, `chacha20`, `aes128ccm`, `aes128ccm8`. */
export const SUITE_SHORT_NAMES: Readonly<Record<string, SupportedCipherSuite>> = {
  aes128gcm: 'tls_aes_128_gcm_sha256',
  aes256gcm: 'tls_aes_256_gcm_sha384',
  chacha20: 'tls_chacha20_poly1305_sha256',
  aes128ccm: 'tls_aes_128_ccm_sha256',
  aes128ccm8: 'tls_aes_128_ccm_8_sha256',
};

/**
 * A link rate in bit/s: `1Gbps`, `100Mbps`, `2.5 Gbit/s`, `56kbps`, or a bare
 * number of bit/s (`10e9`). Decimal prefixes k, M, G, T (case-insensitive);
 * `MBps` (bytes) is refused. Rounded to a whole bit/s, at least 1.
 */
export function parseBandwidth(text: string, option = '--bandwidth'): number {
  const m = BANDWIDTH.exec(text);
  if (m === null) throw new ConfigError(option, `expected a rate like 1Gbps, 100Mbps or 10e9 (bit/s), got '${text}'`);
  if (m[4]?.startsWith('B') === true)
    throw new ConfigError(option, `a rate in bits per second (1Gbps, bit/s), not bytes: got '${text}'`);
  const value = Number(`${m[1] ?? ''}e${m[2] ?? '0'}`) * (PREFIX[(m[3] ?? '').toLowerCase()] ?? 1);
  const bits = Math.round(value);
  if (!Number.isSafeInteger(bits) || bits < 1)
    throw new ConfigError(option, `must be at least 1 bit/s and at most ${Number.MAX_SAFE_INTEGER}, got '${text}'`);
  return bits;
}

/** A time with a unit (`10ms`, `50us`, `1.5 s`); a bare number other than `0` is refused. */
export function parseDuration(text: string, option: string, positive = false): SimTime {
  const t = parseTime(text, option);
  if (positive && t === 0) throw new ConfigError(option, `must be greater than zero, got '${text}'`);
  return t;
}

/** A probability in [0, 1] (`0.01`, `1e-3`). */
export function parseProbability(text: string, option: string): number {
  const p = NUMBER.test(text) ? Number(text) : Number.NaN;
  if (!(p >= 0 && p <= 1)) throw new ConfigError(option, `must be a probability in [0, 1], got '${text}'`);
  return p;
}

/** A decimal integer in [min, max]. */
export function parseInteger(text: string, option: string, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new ConfigError(option, `must be an integer in ${min}..${max}, got '${text}'`);
  return n;
}

/** A positive finite number (`250`, `1.5e3`). */
export function parsePositive(text: string, option: string): number {
  const n = NUMBER.test(text) ? Number(text) : Number.NaN;
  if (!(n > 0 && Number.isFinite(n))) throw new ConfigError(option, `must be a positive number, got '${text}'`);
  return n;
}

/** A cipher suite by IANA name (`tls_aes_128_gcm_sha256`, any case) or short name (`aes128gcm`, `chacha20`). */
export function parseSuite(text: string, option = '--suite'): SupportedCipherSuite {
  const key = text.trim().toLowerCase();
  const full = (ALL_CIPHER_SUITES as readonly string[]).find((s) => s === key) as SupportedCipherSuite | undefined;
  const suite = full ?? SUITE_SHORT_NAMES[key.replace(/[-_]/g, '')];
  if (suite === undefined) {
    throw new ConfigError(
      option,
      `unknown cipher suite '${text}' (known: ${[...ALL_CIPHER_SUITES, ...Object.keys(SUITE_SHORT_NAMES)].join(', ')})`,
    );
  }
  return suite;
}

/** One of `choices`. */
export function parseChoice<T extends string>(text: string, option: string, choices: readonly T[]): T {
  const c = choices.find((x) => x === text);
  if (c === undefined) throw new ConfigError(option, `must be one of ${choices.join(', ')}, got '${text}'`);
  return c;
}
