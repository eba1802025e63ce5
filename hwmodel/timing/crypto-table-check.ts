/**
 * Validation of crypto cost tables read from JSON: every field path that is
 * wrong is named in the ConfigError.
 */
import type { AcceleratedCrypto, CryptoCostOverrides, CryptoCostTable, SoftwareCrypto } from './crypto-table.js';
import { CIPHER_SUITES, HASH_ALGORITHMS, KEY_EXCHANGE_GROUPS, MASK_ALGORITHMS, SIGNATURE_SCHEMES } from './names.js';
import { ConfigError } from '../../runtime/config-error.js';
import { join, number, object, onlyKeys } from './validate.js';
import type { Json } from './validate.js';

const nonNegative = { min: 0 } as const;

/** Checks a complete software table (`complete`) or a partial override table. */
export function checkCryptoTable(value: unknown, path: string, complete: true): CryptoCostTable;
export function checkCryptoTable(value: unknown, path: string, complete: false): CryptoCostOverrides;
export function checkCryptoTable(
  value: unknown,
  path: string,
  complete: boolean,
): CryptoCostTable | CryptoCostOverrides {
  const v = object(value, path);
  const sections = ['aead', 'mask', 'hash', 'hmac', 'hkdf', 'keyExchange', 'signature'] as const;
  onlyKeys(v, path, sections);
  const out: Record<string, unknown> = {};
  for (const section of sections) {
    const p = join(path, section);
    if (v[section] === undefined) {
      if (complete) throw new ConfigError(p, 'is missing');
      continue;
    }
    const s = object(v[section], p);
    switch (section) {
      case 'aead':
        out[section] = entries(s, p, CIPHER_SUITES, complete, (e, ep) => {
          const o = object(e, ep);
          onlyKeys(o, ep, ['seal', 'open']);
          return { seal: linear(o['seal'], join(ep, 'seal')), open: linear(o['open'], join(ep, 'open')) };
        });
        break;
      case 'mask':
        out[section] = entries(s, p, MASK_ALGORITHMS, complete, linear);
        break;
      case 'hash':
      case 'hmac':
      case 'hkdf':
        out[section] = entries(s, p, HASH_ALGORITHMS, complete, linear);
        break;
      case 'keyExchange':
        out[section] = entries(s, p, KEY_EXCHANGE_GROUPS, complete, (e, ep) => {
          const o = object(e, ep);
          onlyKeys(o, ep, ['generateUs', 'deriveUs']);
          return {
            generateUs: number(o['generateUs'], join(ep, 'generateUs'), nonNegative),
            deriveUs: number(o['deriveUs'], join(ep, 'deriveUs'), nonNegative),
          };
        });
        break;
      case 'signature':
        out[section] = entries(s, p, SIGNATURE_SCHEMES, complete, (e, ep) => {
          const o = object(e, ep);
          onlyKeys(o, ep, ['signUs', 'verifyUs']);
          return {
            signUs: number(o['signUs'], join(ep, 'signUs'), nonNegative),
            verifyUs: number(o['verifyUs'], join(ep, 'verifyUs'), nonNegative),
          };
        });
        break;
    }
  }
  return out as unknown as CryptoCostTable | CryptoCostOverrides;
}

/** Checks `crypto.software`. */
export function checkSoftwareCrypto(value: unknown, path: string): SoftwareCrypto {
  const v = object(value, path);
  onlyKeys(v, path, ['lanes', 'table']);
  return {
    lanes: lanes(v['lanes'], join(path, 'lanes')),
    table: checkCryptoTable(v['table'], join(path, 'table'), true),
  };
}

/** Checks `crypto.accelerated`: a complete cycle table. */
export function checkAcceleratedCrypto(value: unknown, path: string): AcceleratedCrypto {
  const v = object(value, path);
  const sections = ['aead', 'mask', 'hash', 'hmac', 'hkdf', 'keyExchange', 'signature'] as const;
  onlyKeys(v, path, sections);
  const s = (name: (typeof sections)[number]): Json => object(v[name], join(path, name));
  const pair =
    <A extends string, B extends string>(a: A, b: B) =>
    (e: unknown, ep: string): Record<A | B, number> => {
      const o = object(e, ep);
      onlyKeys(o, ep, [a, b]);
      return { [a]: number(o[a], join(ep, a), nonNegative), [b]: number(o[b], join(ep, b), nonNegative) } as Record<
        A | B,
        number
      >;
    };
  return {
    aead: entries(s('aead'), join(path, 'aead'), CIPHER_SUITES, true, (e, ep) => {
      const o = object(e, ep);
      onlyKeys(o, ep, ['seal', 'open']);
      return { seal: cycles(o['seal'], join(ep, 'seal')), open: cycles(o['open'], join(ep, 'open')) };
    }),
    mask: entries(s('mask'), join(path, 'mask'), MASK_ALGORITHMS, true, cycles),
    hash: entries(s('hash'), join(path, 'hash'), HASH_ALGORITHMS, true, cycles),
    hmac: entries(s('hmac'), join(path, 'hmac'), HASH_ALGORITHMS, true, cycles),
    hkdf: entries(s('hkdf'), join(path, 'hkdf'), HASH_ALGORITHMS, true, cycles),
    keyExchange: entries(
      s('keyExchange'),
      join(path, 'keyExchange'),
      KEY_EXCHANGE_GROUPS,
      true,
      pair('generateCycles', 'deriveCycles'),
    ),
    signature: entries(
      s('signature'),
      join(path, 'signature'),
      SIGNATURE_SCHEMES,
      true,
      pair('signCycles', 'verifyCycles'),
    ),
  } as unknown as AcceleratedCrypto;
}

function cycles(value: unknown, path: string): { setupCycles: number; bytesPerCycle: number; latencyCycles?: number } {
  const o = object(value, path);
  onlyKeys(o, path, ['setupCycles', 'bytesPerCycle', 'latencyCycles']);
  return {
    setupCycles: number(o['setupCycles'], join(path, 'setupCycles'), nonNegative),
    bytesPerCycle: number(o['bytesPerCycle'], join(path, 'bytesPerCycle'), nonNegative),
    ...(o['latencyCycles'] === undefined
      ? {}
      : { latencyCycles: number(o['latencyCycles'], join(path, 'latencyCycles'), nonNegative) }),
  };
}

function lanes(value: unknown, path: string): number {
  return number(value, path, { min: 1, max: 1_000_000, integer: true });
}

function linear(value: unknown, path: string): { setupUs: number; perByteNs: number } {
  const o = object(value, path);
  onlyKeys(o, path, ['setupUs', 'perByteNs']);
  return {
    setupUs: number(o['setupUs'], join(path, 'setupUs'), nonNegative),
    perByteNs: number(o['perByteNs'], join(path, 'perByteNs'), nonNegative),
  };
}

function entries<T>(
  s: Json,
  path: string,
  names: readonly string[],
  complete: boolean,
  check: (v: unknown, path: string) => T,
): Record<string, T> {
  onlyKeys(s, path, names);
  const out: Record<string, T> = {};
  for (const n of names) {
    const p = join(path, n);
    if (s[n] === undefined) {
      if (complete) throw new ConfigError(p, 'is missing');
      continue;
    }
    out[n] = check(s[n], p);
  }
  return out;
}
