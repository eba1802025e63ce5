/**
 * The configurations of the versions a connection may speak, from one set of options, resolved once: the shared options
 * for both, the 1.3 ones when 1.3 is enabled, the 1.2 ones (runtime/dtls12/config.ts) over the same resolved base
 * when 1.2 is. The range (`minVersion`..`maxVersion`, default 1.2..1.3) less DTLS 1.2 when `groups` names no group 1.2
 * can use (groups12.ts).
 */
import { ConfigError } from '../config-error.js';
import { resolveConfig12On, type Config12 } from '../dtls12/config.js';
import { GROUPS_12, versionsForGroups } from '../versions/groups12.js';
import { decodeSession12, isSession12Blob } from '../dtls12/session-blob.js';
import type { Session12 } from '../dtls12/session.js';
import { ticketOffer12 } from '../dtls12/ticket.js';
import { resolveVersionRange, type DtlsVersionName } from '../versions/versions.js';
import { DecodeError } from '../wire/errors.js';
import { checkSessionType, resolveConfig, type ResolvedConfig } from '../shared/config.js';
import type { DtlsOptions } from './options.js';

export interface VersionConfigs {
  /** The versions offered (client) or answered (server), newest first. */
  readonly enabled: readonly DtlsVersionName[];
  /** When 1.3 is enabled. A client's offers the 1.2 suites and session too when 1.2 is enabled (`offer12`). */
  readonly config13: ResolvedConfig | undefined;
  /** When 1.2 is enabled: checks (client) or writes (server) the downgrade sentinel when 1.3 is enabled too. */
  readonly config12: Config12 | undefined;
}

/** A configuration's options without the version range: resolved as the base of a 1.2-only end (resolveConfig wants 1.3 in its range). */
function withoutRange(options: DtlsOptions): DtlsOptions {
  const { minVersion: _minVersion, maxVersion: _maxVersion, ...rest } = options;
  return rest;
}

/** @throws ConfigError naming the option. */
export function clientConfigs(options: DtlsOptions): VersionConfigs {
  const enabled = versionsForGroups(
    resolveVersionRange(options.minVersion, options.maxVersion).enabled,
    options.groups ?? GROUPS_12,
  );
  checkSessionType(options.session); // before a 1.2-only range sets it aside unread
  // A stored DTLS 1.2 session (session-blob.ts) resumes only in 1.2: the 1.3 state never sees it.
  const stored12 =
    options.session instanceof Uint8Array && isSession12Blob(options.session) ? options.session : undefined;
  if (stored12 !== undefined && !enabled.includes('DTLSv1.2')) {
    throw new ConfigError(
      'session',
      'is a DTLS 1.2 session, which a DTLS 1.3 handshake (minVersion DTLSv1.3) cannot resume',
    );
  }
  const { session: _session, ...without12Session } = options;
  const options13 = stored12 !== undefined ? without12Session : options;
  if (!enabled.includes('DTLSv1.2'))
    return { enabled, config13: resolveConfig('client', options), config12: undefined };
  const offers13 = enabled.includes('DTLSv1.3');
  const base = resolveConfig('client', offers13 ? options13 : withoutRange(without12Session));
  const config12 = withSession12(resolveConfig12On(base, 'client', { ...options, offers13 }), stored12);
  if (!offers13) return { enabled, config13: undefined, config12 };
  // The one ClientHello carries the 1.2 suites, session ID and SessionTicket extension beside the 1.3 offer (RFC 5077
  // §3.4), and one supported_groups: the 1.2 offer's certificate curves (clientGroups12) are listed, and accepted, in
  // 1.3 too.
  const session =
    config12.session !== undefined && config12.session.expiresAt > config12.wallClock() ? config12.session : undefined;
  const added = config12.groups.filter((g) => !base.groups.includes(g));
  const groups = added.length === 0 ? base.groups : [...base.groups, ...added];
  return {
    enabled,
    config13: { ...base, groups, offer12: config12.suites, offer12Session: ticketOffer12(config12, session) },
    config12,
  };
}

/** @throws ConfigError naming the option. `shared`: the shared options already resolved (a UDP server's, at listen). */
export function serverConfigs(options: DtlsOptions, shared?: ResolvedConfig): VersionConfigs {
  const enabled = versionsForGroups(
    resolveVersionRange(options.minVersion, options.maxVersion).enabled,
    shared?.groups ?? options.groups ?? GROUPS_12,
  );
  const offers13 = enabled.includes('DTLSv1.3');
  // Tickets without ticketKeys are sealed under keys of the server's own: those of `options`, not of the copy.
  const base = shared ?? resolveConfig('server', offers13 ? options : withoutRange(options), options);
  const config12 = enabled.includes('DTLSv1.2')
    ? resolveConfig12On(base, 'server', { ...options, offers13 })
    : undefined;
  return { enabled, config13: offers13 ? base : undefined, config12 };
}

/** The 1.2 client's config with the stored session to resume, checked now (ConfigError naming `session`). */
function withSession12(config: Config12, stored: Uint8Array | undefined): Config12 {
  if (stored === undefined) return config;
  let session: Session12;
  try {
    session = decodeSession12(stored);
  } catch (e) {
    if (e instanceof DecodeError) throw new ConfigError('session', `cannot be read: ${e.message}`);
    throw e;
  }
  const name = config.base.serverName;
  if (session.serverName !== name) {
    throw new ConfigError(
      'session',
      `was issued by ${session.serverName ?? 'a server with no name checked'}, not ${name ?? 'a server with no name checked'}: resuming would skip authenticating ${name ?? 'this server'}`,
    );
  }
  return { ...config, session };
}
