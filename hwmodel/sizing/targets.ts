/**
 * What `dtls13 size` is asked for: a data rate of records of one size, a
 * handshake rate on one group, a cipher suite, a profile (spec/hw/engines)
 * and what to minimize. Each bad value is a ConfigError naming its option.
 */
import { ConfigError } from '../../runtime/config-error.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';

/** The targets, as given. */
export interface SizingTargets {
  /** Application data into the device, Gbit/s, in the steady window. */
  readonly gbps: number;
  /** Application bytes a record. */
  readonly recordSize: number;
  /** New connections a second, each a full handshake. */
  readonly handshakesPerSecond: number;
  /** `P-256`, `secp256r1`, `X25519`, ... */
  readonly group: string;
  /** `TLS_AES_128_GCM_SHA256` (any case). */
  readonly suite: string;
  /** An engine of spec/hw/engines with power and area figures: `asic` or `fpga`. */
  readonly profile: string;
  readonly minimize: 'area' | 'power';
}

/** The targets checked and named as the model names them. */
export interface CheckedTargets extends SizingTargets {
  readonly keyExchange: KeyExchangeGroup;
  readonly cipherSuite: SupportedCipherSuite;
  /** The signature scheme of the server's certificate: ECDSA on the group's curve, Ed25519 beside X25519. */
  readonly signature: 'ecdsa_secp256r1_sha256' | 'ecdsa_secp384r1_sha384' | 'ed25519';
  readonly certificate: 'p256' | 'p384' | 'ed25519';
}

/** Groups by the names a silicon team writes, with the certificate that goes with each. */
const GROUPS: Readonly<Record<string, Pick<CheckedTargets, 'keyExchange' | 'signature' | 'certificate'>>> = {
  'p-256': { keyExchange: 'secp256r1', signature: 'ecdsa_secp256r1_sha256', certificate: 'p256' },
  secp256r1: { keyExchange: 'secp256r1', signature: 'ecdsa_secp256r1_sha256', certificate: 'p256' },
  'p-384': { keyExchange: 'secp384r1', signature: 'ecdsa_secp384r1_sha384', certificate: 'p384' },
  secp384r1: { keyExchange: 'secp384r1', signature: 'ecdsa_secp384r1_sha384', certificate: 'p384' },
  x25519: { keyExchange: 'x25519', signature: 'ed25519', certificate: 'ed25519' },
};

/** The profiles the search accepts: engines that give power and area. */
export const SIZING_PROFILES = ['asic', 'fpga'] as const;

/** Checks `t`; a ConfigError names the first bad option. */
export function checkTargets(t: SizingTargets): CheckedTargets {
  const positive = (option: string, v: number, max: number): void => {
    if (!(Number.isFinite(v) && v > 0 && v <= max))
      throw new ConfigError(option, `must be a number above 0 and at most ${max}, got ${String(v)}`);
  };
  positive('gbps', t.gbps, 10_000);
  if (!(Number.isInteger(t.recordSize) && t.recordSize >= 1 && t.recordSize <= 16_000))
    throw new ConfigError('recordSize', `must be a whole number of bytes from 1 to 16000, got ${String(t.recordSize)}`);
  positive('handshakesPerSecond', t.handshakesPerSecond, 10_000_000);
  const group = GROUPS[t.group.toLowerCase()];
  if (group === undefined)
    throw new ConfigError('group', `must be one of P-256, P-384, X25519 (or secp256r1, secp384r1), got '${t.group}'`);
  const suite = t.suite.toLowerCase();
  if (!(suite in CIPHER_SUITES))
    throw new ConfigError(
      'suite',
      `must be a TLS 1.3 cipher suite (${Object.keys(CIPHER_SUITES).join(', ').toUpperCase()}), got '${t.suite}'`,
    );
  if (!(SIZING_PROFILES as readonly string[]).includes(t.profile))
    throw new ConfigError(
      'profile',
      `must be ${SIZING_PROFILES.join(' or ')} (an engine with power and area figures), got '${t.profile}'`,
    );
  if (t.minimize !== 'area' && t.minimize !== 'power')
    throw new ConfigError('minimize', `must be area or power, got '${String(t.minimize)}'`);
  return { ...t, ...group, cipherSuite: suite as SupportedCipherSuite };
}
