/**
 * The options of a DTLS 1.2 connection: the shared ones (provider, certificate, trust, client authentication, datagram
 * size, timers) are the 1.3 connection's, resolved by `resolveConfig`; the 1.2 ones are the suites, extended master
 * secret, the HelloVerifyRequest cookie and session resumption (RFC 5246 §7.3 session IDs, RFC 5077 tickets).
 */
import { ConfigError } from '../config-error.js';
import { resolveConfig, type ResolvedConfig } from '../shared/config.js';
import type { DtlsConfig } from '../shared/config-options.js';
import type { KeyExchangeGroup } from '../crypto/provider.js';
import { clientGroups12, GROUPS_12 } from '../versions/groups12.js';
import { checkPskSuite12, defaultSuites12, pskIdentityHintOption } from './psk.js';
import type { Session12, SessionCache12 } from './session.js';
import { dtls12Suite, type Dtls12CipherSuite } from '../versions/suites12.js';

/** The DTLS 1.2 options a connection takes beside the shared ones, used when 1.2 is negotiated (DtlsOptions). */
export interface Options12 {
  /** The 1.2 suites, in preference order. Default: ECDHE_ECDSA and ECDHE_RSA with AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305. */
  readonly cipherSuites12?: readonly Dtls12CipherSuite[];
  /** Refuse a peer without extended_master_secret (RFC 7627). Default true. */
  readonly requireExtendedMasterSecret?: boolean;
  /** Server: answer a ClientHello without a valid cookie with a HelloVerifyRequest (RFC 6347 §4.2.1). Default true. */
  readonly helloVerify?: boolean;
  /** Server: the cookie's HMAC key, shared by a server's connections (default: random per connection). */
  readonly cookieSecret?: Uint8Array;
  /** Server: where sessions are kept for resumption by session ID; undefined: sessions are not resumable by ID. */
  readonly sessionCache12?: SessionCache12;
  /** RFC 5077 session tickets: a client offers the SessionTicket extension, a server issues tickets (also needs `tickets` > 0). Default true. */
  readonly sessionTickets12?: boolean;
  /** Server: the psk_identity_hint of a PSK ServerKeyExchange (RFC 4279 §2, §5.2); default none (plain PSK then sends no ServerKeyExchange). */
  readonly pskIdentityHint12?: string | Uint8Array;
  /** The peer's transport address as the cookie binds it (server). */
  readonly peer?: string;
}

/**
 * The options of a DTLS 1.2 connection: the shared ones (which `resolveConfig` reads by name, so the 1.2 ones beside
 * them pass through it unread), the 1.2 ones, and what version selection and the clock add.
 */
export interface Dtls12Options
  extends Omit<DtlsConfig, 'cipherSuites' | 'session' | 'minVersion' | 'maxVersion'>, Options12 {
  /** Client: a session to resume (from an earlier connection's `session12` event). */
  readonly session12?: Session12;
  /**
   * Set by version selection: this end also does DTLS 1.3. A server then writes the downgrade sentinel, a client checks
   * it (RFC 8446 §4.1.3).
   */
  readonly offers13?: boolean;
  /** Wall-clock ms for certificate validity and session expiry (default Date.now): the core reads no clock of its own. */
  readonly wallClock?: () => number;
}

export const DEFAULT_SUITES_12: readonly Dtls12CipherSuite[] = [
  'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
  'tls_ecdhe_rsa_with_aes_128_gcm_sha256',
  'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384',
  'tls_ecdhe_rsa_with_aes_256_gcm_sha384',
  'tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256',
  'tls_ecdhe_rsa_with_chacha20_poly1305_sha256',
];

export interface Config12 {
  readonly role: 'client' | 'server';
  readonly base: ResolvedConfig;
  readonly suites: readonly Dtls12CipherSuite[];
  readonly groups: readonly KeyExchangeGroup[];
  readonly requireExtendedMasterSecret: boolean;
  readonly helloVerify: boolean;
  readonly cookieSecret: Uint8Array;
  readonly sessionCache: SessionCache12 | undefined;
  readonly session: Session12 | undefined;
  readonly sessionTickets: boolean;
  readonly pskIdentityHint: Uint8Array | undefined;
  readonly peer: string;
  /** This end also does DTLS 1.3 (version selection chose 1.2): the client checks the downgrade sentinel, the server writes it (RFC 8446 §4.1.3). */
  readonly offers13: boolean;
  readonly wallClock: () => number;
}

/** A client's cookie secret: none (it never makes a cookie). */
const NO_COOKIE_SECRET = new Uint8Array(0);

/** @throws ConfigError naming the option. */
export function resolveConfig12(role: 'client' | 'server', o: Dtls12Options): Config12 {
  return resolveConfig12On(resolveConfig(role, o), role, o);
}

/**
 * The 1.2 options of `o` over shared options already resolved (`base`, as DtlsConnection resolves them once for both
 * versions; its 1.3 suites, 1.3 session and version range are not read). @throws ConfigError naming the option.
 */
export function resolveConfig12On(base: ResolvedConfig, role: 'client' | 'server', o: Dtls12Options): Config12 {
  const suites = o.cipherSuites12 ?? defaultSuites12(role, base, DEFAULT_SUITES_12);
  if (suites.length === 0) throw new ConfigError('cipherSuites12', 'must name at least one suite');
  for (const s of suites) {
    const p = dtls12Suite(s);
    if (p === undefined) throw new ConfigError('cipherSuites12', `'${String(s)}' is not a DTLS 1.2 suite dtls13 knows`);
    checkPskSuite12(role, base, s);
    if (!base.provider.supports({ kind: 'aead', algorithm: p.aead }))
      throw new ConfigError('cipherSuites12', `the provider has no ${p.aead} for '${s}'`);
    if (p.tagLength === 8 && o.allowCcm8 !== true)
      throw new ConfigError('cipherSuites12', `'${s}' has an 8-byte tag and needs allowCcm8: true`);
  }
  const usable = base.groups.filter((g) => GROUPS_12.includes(g));
  if (usable.length === 0) throw new ConfigError('groups', `names no group DTLS 1.2 can use (${GROUPS_12.join(', ')})`);
  const groups =
    role === 'client'
      ? clientGroups12(usable, base.signatureAlgorithms, suites, (g) =>
          base.provider.supports({ kind: 'keyExchange', group: g }),
        )
      : usable;
  if (o.cookieSecret !== undefined && o.cookieSecret.length < 16)
    throw new ConfigError('cookieSecret', 'must be at least 16 bytes');
  if (role === 'server' && o.session12 !== undefined) throw new ConfigError('session12', 'is a client option');
  if (role === 'client' && o.sessionCache12 !== undefined)
    throw new ConfigError('sessionCache12', 'is a server option');
  return {
    role,
    base,
    suites,
    groups,
    requireExtendedMasterSecret: o.requireExtendedMasterSecret ?? true,
    helloVerify: o.helloVerify ?? true,
    // Only a server makes cookies: a client (resolved for every connection it makes) draws no secret.
    cookieSecret: o.cookieSecret ?? (role === 'server' ? base.provider.randomBytes(32) : NO_COOKIE_SECRET),
    sessionCache: o.sessionCache12,
    session: o.session12,
    sessionTickets: o.sessionTickets12 ?? true,
    pskIdentityHint: pskIdentityHintOption(role, o.pskIdentityHint12),
    peer: o.peer ?? '',
    offers13: o.offers13 ?? false,
    wallClock: o.wallClock ?? Date.now,
  };
}
