/**
 * `--extended-master-secret`, `--fingerprint`, `--mtu` and
 * `--retransmit-timeout` of `dtls13 client` and `dtls13 server`: the options
 * some peers need that the rest of the command line does not reach —
 * listen's and connect's `extendedMasterSecret` (DTLS 1.2, RFC 7627:
 * 'preferred' for peers that never offer the extension, as Erlang/OTP 25's
 * DTLS and werift's default client), `fingerprint` (WebRTC's pinning, RFC
 * 8122 §5: the peer's certificate is checked against it in place of a CA),
 * `mtu` (the largest datagram sent; handshake flights are fragmented to it)
 * and `retransmission.initialTimeout` (the first wait before a flight is sent
 * again: a model learner holds it off, so that a slow machine's query does
 * not see the timer). Values are checked here, by the runtime's own
 * validators for the fingerprints, and refused as usage errors naming the
 * flag.
 */
import { ConfigError, fingerprintOption } from './runtime.js';
import { stringValue, type OptionValues } from './option-table.js';
import { CliUsageError } from './usage-error.js';

export interface PeerOptions {
  readonly extendedMasterSecret?: 'required' | 'preferred';
  readonly fingerprint?: readonly string[];
  readonly mtu?: number;
  readonly retransmission?: { readonly initialTimeout: number };
}

function fingerprints(text: string): string[] {
  const list = text
    .split(',')
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  if (list.length === 0) throw new CliUsageError('--fingerprint: an empty list');
  try {
    fingerprintOption(list);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliUsageError(`--fingerprint: ${e.reason}`);
    throw e;
  }
  return list;
}

function mtuValue(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 256 || n > 65_507)
    throw new CliUsageError(`--mtu must be a datagram size in bytes, 256..65507, got '${text}'`);
  return n;
}

/** The runtime's range for the first retransmission timeout (runtime/handshake/flight.ts), refused here naming the flag. */
const MAX_INITIAL_TIMEOUT = 600_000;

function initialTimeoutValue(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_INITIAL_TIMEOUT)
    throw new CliUsageError(`--retransmit-timeout must be ms, 1..${MAX_INITIAL_TIMEOUT}, got '${text}'`);
  return n;
}

/** The options, each only when its flag is given. */
export function peerOptions(v: OptionValues): PeerOptions {
  const ems = stringValue(v['extended-master-secret']);
  const pin = stringValue(v.fingerprint);
  const mtu = stringValue(v.mtu);
  const initialTimeout = stringValue(v['retransmit-timeout']);
  if (ems !== undefined && ems !== 'required' && ems !== 'preferred')
    throw new CliUsageError(`--extended-master-secret must be required or preferred, got '${ems}'`);
  return {
    ...(ems !== undefined ? { extendedMasterSecret: ems } : {}),
    ...(pin !== undefined ? { fingerprint: fingerprints(pin) } : {}),
    ...(mtu !== undefined ? { mtu: mtuValue(mtu) } : {}),
    ...(initialTimeout !== undefined
      ? { retransmission: { initialTimeout: initialTimeoutValue(initialTimeout) } }
      : {}),
  };
}
