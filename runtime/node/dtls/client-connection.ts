/**
 * The client connection `connect` drives, by the version range
 * (`minVersion` / `maxVersion`): DTLS 1.3 only → DtlsConnection; 1.2 only
 * → a Dtls12Connection (its own plain 1.2 ClientHello); both (the default)
 * → a NegotiatingClient, which offers both in one ClientHello and goes on
 * in the version the server answers with (runtime/dtls12/negotiating-client.ts).
 */
import { DtlsConnection, type ConnectionOptions } from '../../connection/connection.js';
import type { DeadlineOptions } from '../../connection/deadlines.js';
import { resolveConfig12, type Config12, type Dtls12Options } from '../../dtls12/config12.js';
import { Dtls12Connection } from '../../dtls12/connection12.js';
import { Dtls12EndpointConnection } from '../../dtls12/endpoint12.js';
import { NegotiatingClient } from '../../dtls12/negotiating-client.js';
import type { Dtls12CipherSuite } from '../../versions/suites12.js';
import { resolveVersionRange } from '../../versions/versions.js';
import type { EndpointConnection } from './version-endpoint-connection.js';
import { ConfigError } from '../../config-error.js';
import { decodeSession12, isSession12Blob } from '../../dtls12/session-blob12.js';
import type { Session12 } from '../../dtls12/session12.js';
import { GROUPS_12, versionsForGroups } from '../../dtls12/groups12.js';
import { ticketOffer12 } from '../../dtls12/ticket12.js';
import { DecodeError } from '../../wire/errors.js';

/** The 1.2 client's options from the connection's: the shared ones, the 1.2 suites, and whether 1.3 was offered too (the downgrade check). */
function config12(options: ConnectionOptions, suites12: readonly Dtls12CipherSuite[] | undefined, offers13: boolean): Config12 {
  const {
    cipherSuites: _cipherSuites,
    session: _session,
    minVersion: _minVersion,
    maxVersion: _maxVersion,
    offer12: _offer12,
    inspect: _inspect,
    statelessRetry: _statelessRetry,
    onDatagram: _onDatagram,
    connectionIdTaken: _connectionIdTaken,
    peerAddress: _peerAddress,
    wallClock,
    ...shared
  } = options;
  const o: Dtls12Options = {
    ...shared,
    ...(suites12 !== undefined ? { cipherSuites12: suites12 } : {}),
    ...(wallClock !== undefined ? { wallClock } : {}),
    offers13,
  };
  return resolveConfig12('client', o);
}

/** @throws ConfigError naming the option. */
export function clientConnection(options: ConnectionOptions & DeadlineOptions, suites12: readonly Dtls12CipherSuite[] | undefined): EndpointConnection {
  // A groups list of TLS 1.3 groups only (X25519MLKEM768) leaves DTLS 1.2 out when 1.3 is offered (groups12.ts).
  const enabled = versionsForGroups(resolveVersionRange(options.minVersion, options.maxVersion).enabled, options.groups ?? GROUPS_12);
  const { handshakeTimeoutMs, idleTimeoutMs, ...connectionOptions } = options;
  // A stored DTLS 1.2 session (session-blob12.ts) resumes only in 1.2: the 1.3 connection never sees it.
  const stored12 = options.session instanceof Uint8Array && isSession12Blob(options.session) ? options.session : undefined;
  if (stored12 !== undefined && !enabled.includes('DTLSv1.2')) {
    throw new ConfigError('session', 'is a DTLS 1.2 session, which a DTLS 1.3 handshake (minVersion DTLSv1.3) cannot resume');
  }
  const { session: _session, ...without12Session } = options;
  const options13 = stored12 !== undefined ? without12Session : options;
  if (!enabled.includes('DTLSv1.3')) {
    const connection = new Dtls12Connection(withSession12(config12(connectionOptions, suites12, false), stored12));
    const inspect = options.inspect;
    if (inspect !== undefined) connection.inspect((event) => inspect.call(options, event));
    return new Dtls12EndpointConnection(connection, { handshakeTimeoutMs, idleTimeoutMs, onDatagram: options.onDatagram });
  }
  if (!enabled.includes('DTLSv1.2')) return DtlsConnection.client(options);
  const c12 = withSession12(config12(connectionOptions, suites12, true), stored12);
  // The one ClientHello carries the 1.2 session ID and SessionTicket extension beside the 1.3 offer (RFC 5077 §3.4).
  const offered = ticketOffer12(c12, c12.session !== undefined && c12.session.expiresAt > c12.wallClock() ? c12.session : undefined);
  return new NegotiatingClient({ ...options13, offer12Session: offered }, c12);
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
