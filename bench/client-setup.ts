import { X509Certificate } from 'node:crypto';
import { DtlsConnection } from '../runtime/connection/connection.js';
import { clientOptions } from '../runtime/api/options.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';

const NOW = Date.UTC(2026, 10, 21);

/**
 * CPU of what a `connect()` does before its first datagram, besides the
 * handshake itself: its node-style options (a PEM `ca`, a `servername`)
 * made into the connection's, and the connection built from them
 * (`DtlsConnection.client`: the version configurations resolved). One
 * options object, as a client reconnecting keeps it; µs per connection
 * after `warmup`.
 */
export function clientSetupCpu(n: number, warmup = 1000): number {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  const options = { ca: new X509Certificate(id.caDer).toString(), servername: 'bench.test' };
  const one = (): void => {
    DtlsConnection.client(clientOptions('127.0.0.1', options, { error: undefined }).connection);
  };
  for (let i = 0; i < warmup; i++) one();
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) one();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / n;
}
