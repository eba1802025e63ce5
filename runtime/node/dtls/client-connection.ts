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
import type { Dtls12CipherSuite } from '../../dtls12/suites.js';
import { resolveVersionRange } from '../../dtls12/versions.js';
import type { EndpointConnection } from './version-endpoint-connection.js';

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
  const { enabled } = resolveVersionRange(options.minVersion, options.maxVersion);
  const { handshakeTimeoutMs, idleTimeoutMs, ...connectionOptions } = options;
  if (!enabled.includes('DTLSv1.3')) {
    const connection = new Dtls12Connection(config12(connectionOptions, suites12, false));
    return new Dtls12EndpointConnection(connection, { handshakeTimeoutMs, idleTimeoutMs, onDatagram: options.onDatagram });
  }
  if (!enabled.includes('DTLSv1.2')) return DtlsConnection.client(options);
  return new NegotiatingClient(options, config12(connectionOptions, suites12, true));
}
