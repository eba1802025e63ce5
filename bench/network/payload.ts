/**
 * The application payload every goodput contender of the network bench sends (BENCH_NET_PAYLOAD), and its bounds:
 * one payload is one record in one datagram for every contender, so records per second and payloads per second are
 * the same figure, and a small payload measures the per-record cost rather than the AEAD's.
 */
import { ConfigError } from '../../runtime/config-error.js';
import { FACTS12 } from '../../runtime/dtls12/version-facts.js';
import { maxMessageSize } from '../../runtime/shared/message-size.js';

/** The datagram size the bench's dtls13 sessions are opened with (connect()'s default is 1,200: a 1,200-byte payload would not fit one record). */
export const BENCH_MTU = 1400;

/** The payload when BENCH_NET_PAYLOAD is not set: a full datagram's worth at the Internet's common MTU less headroom. */
export const DEFAULT_PAYLOAD = 1200;

/**
 * wolfSSL 5.7.2 sizes a DTLS record's plaintext for its own MTU (WOLFSSL_MAX_MTU, also 1,400) as though a 12-byte
 * handshake message header came with it, application data included (wolfSSL_GetMaxFragSize), and writes nothing of a
 * larger DTLS 1.2 payload.
 */
const WOLFSSL_HANDSHAKE_HEADER_RESERVE = 12;

/**
 * The largest payload that is one record in one BENCH_MTU datagram for every contender, whatever suite the handshake
 * settles: DTLS 1.2's record (13-byte header, 8-byte explicit nonce, 16-byte tag) is the larger, and wolfSSL keeps
 * room for a handshake header besides.
 */
export const MAX_PAYLOAD =
  Math.min(maxMessageSize(BENCH_MTU, undefined), FACTS12.maxMessageSize(BENCH_MTU, undefined, 0)) -
  WOLFSSL_HANDSHAKE_HEADER_RESERVE;

/** BENCH_NET_PAYLOAD's value (`raw`, undefined or '' when not set) as a payload size; a ConfigError naming the variable otherwise. */
export function payloadFromEnv(raw: string | undefined, name = 'BENCH_NET_PAYLOAD'): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PAYLOAD;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n))
    throw new ConfigError(name, `must be an integer number of bytes in 1..${MAX_PAYLOAD}, got '${raw}'`);
  if (n < 1 || n > MAX_PAYLOAD)
    throw new ConfigError(
      name,
      `must be in 1..${MAX_PAYLOAD} bytes (one record in one ${BENCH_MTU}-byte datagram for every contender, DTLS 1.2 and 1.3), got ${n}`,
      'ERR_OUT_OF_RANGE',
    );
  return n;
}
