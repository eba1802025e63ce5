/**
 * DTLS 1.2 PSK handshakes (RFC 4279 plain PSK, RFC 5489 ECDHE_PSK) with the options the 1.3 connection's external PSKs
 * use: the `psk` option (client: `{ identity, key }` or a function of the server name; server: identity → key as a Map,
 * an object or a function, resolved by runtime/session/external-psk.ts). The 1.3 `hash` of a PSK has no meaning in 1.2
 * (the suite's PRF hash is used) and is ignored. The server's psk_identity_hint is the 1.2 option `pskIdentityHint12`;
 * the client does not use a hint to choose its identity (the `psk` option gives it).
 */
import type { ResolvedConfig } from '../shared/config.js';
import { ConfigError } from '../config-error.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { ResolvedPsk } from '../session/external-psk.js';
import { isPskSuite } from './psk-key-exchange.js';
import { dtls12Suite, type Dtls12CipherSuite } from '../versions/suites12.js';

/**
 * The PSK suites an end with `psk` adds in front of the default ones: ECDHE_PSK first (forward secrecy), then plain
 * PSK, AES-128-GCM before ChaCha20-Poly1305 and AES-256-GCM. Plain PSK (no forward secrecy) is 1.3's psk_ke, so it is
 * in the default only when `pskKeyExchangeModes` lists psk_ke, as in 1.3 (default: psk_dhe_ke, ECDHE_PSK only); naming
 * a suite in `cipherSuites12` always takes it. The CCM suites (RFC 6655) are there to be named in `cipherSuites12`, and
 * CCM_8 needs `allowCcm8`.
 */
export const DEFAULT_PSK_SUITES_12: readonly Dtls12CipherSuite[] = [
  'tls_ecdhe_psk_with_aes_128_gcm_sha256',
  'tls_ecdhe_psk_with_chacha20_poly1305_sha256',
  'tls_psk_with_aes_128_gcm_sha256',
  'tls_psk_with_chacha20_poly1305_sha256',
  'tls_psk_with_aes_256_gcm_sha384',
];

/** The default suites of an end: the certificate ones, after the PSK ones when `psk` is set (a server without a certificate: the PSK ones alone). */
export function defaultSuites12(
  role: 'client' | 'server',
  base: ResolvedConfig,
  certificateSuites: readonly Dtls12CipherSuite[],
): readonly Dtls12CipherSuite[] {
  const hasPsk = role === 'client' ? base.clientPsk !== undefined : base.serverPsk !== undefined;
  if (!hasPsk) return certificateSuites;
  const psk = DEFAULT_PSK_SUITES_12.filter((s) =>
    base.pskModes.includes(dtls12Suite(s)?.keyExchange === 'psk' ? 'psk_ke' : 'psk_dhe_ke'),
  );
  if (
    role === 'server' &&
    base.certificate === undefined &&
    base.sni === undefined &&
    base.rawPublicKey?.own === undefined
  )
    return psk;
  return [...psk, ...certificateSuites];
}

/** @throws ConfigError when `cipherSuites12` names a PSK suite and this end has no `psk` option. */
export function checkPskSuite12(role: 'client' | 'server', base: ResolvedConfig, suite: Dtls12CipherSuite): void {
  const params = dtls12Suite(suite);
  if (params === undefined || !isPskSuite(params)) return;
  const hasPsk = role === 'client' ? base.clientPsk !== undefined : base.serverPsk !== undefined;
  if (!hasPsk) throw new ConfigError('cipherSuites12', `'${suite}' is a PSK suite and needs the psk option`);
}

/** The `pskIdentityHint12` option: a string (UTF-8) or bytes, at most 65535 (RFC 4279 §5.2). */
export function pskIdentityHintOption(
  role: 'client' | 'server',
  value: string | Uint8Array | undefined,
): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (role === 'client') throw new ConfigError('pskIdentityHint12', 'is a server option');
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  if (!(bytes instanceof Uint8Array) || bytes.length > 0xffff)
    throw new ConfigError('pskIdentityHint12', 'must be a string or Uint8Array of at most 65535 bytes');
  return bytes;
}

/**
 * Client: the PSK for this server from the `psk` option.
 *
 * @throws ProtocolError(handshake_failure) when the option gives none for this server name (a function returning
 *         undefined).
 */
export function clientPsk12(config: ResolvedConfig): ResolvedPsk {
  const psk = config.clientPsk?.(config.serverName);
  if (psk === undefined)
    throw new ProtocolError(
      'handshake_failure',
      'the server chose a PSK suite and the psk option gives no PSK for this server',
    );
  return psk;
}
