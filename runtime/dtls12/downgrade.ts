/**
 * Downgrade protection (RFC 8446 §4.1.3, which RFC 9147 §5 keeps for DTLS): a server that can do 1.3 but negotiates 1.2
 * puts a sentinel in the last 8 bytes of its ServerHello.random; a client that offered 1.3 and sees 1.2 negotiated with
 * that sentinel knows an attacker removed 1.3 from the offer, and aborts with illegal_parameter. The ServerHello
 * signature (1.2's ServerKeyExchange signs the randoms) covers the sentinel.
 */
import { ProtocolError } from '../handshake/protocol-error.js';
import { constantTimeEqual } from '../wire/bytes.js';
import type { DtlsVersionName } from '../versions/versions.js';

/** "DOWNGRD" + 01: a 1.3-capable server negotiating (D)TLS 1.2. */
export const DOWNGRADE_SENTINEL_TLS12 = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01);
/** "DOWNGRD" + 00: a 1.3- or 1.2-capable server negotiating TLS 1.1 / DTLS 1.0 or below (dtls13 never does). */
export const DOWNGRADE_SENTINEL_TLS11 = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00);

/**
 * The server's random with the sentinel its versions call for: when the server could do 1.3 (`serverMax`) and
 * negotiated 1.2, the last 8 bytes become DOWNGRD 01; otherwise `random` is returned unchanged. The other 24 bytes stay
 * random (RFC 8446 §4.1.3).
 */
export function withDowngradeSentinel(
  random: Uint8Array,
  negotiated: DtlsVersionName,
  serverMax: DtlsVersionName,
): Uint8Array {
  if (random.length !== 32) throw new RangeError(`ServerHello.random is 32 bytes, got ${random.length}`);
  if (negotiated !== 'DTLSv1.2' || serverMax !== 'DTLSv1.3') return random;
  const out = random.slice();
  out.set(DOWNGRADE_SENTINEL_TLS12, 24);
  return out;
}

/**
 * The client's check on a ServerHello that negotiated `negotiated`: a client that offered 1.3 (`clientMax`) must not
 * find either sentinel when 1.2 was negotiated (RFC 8446 §4.1.3). A 1.3 ServerHello is not checked (its random is all
 * random).
 *
 * @throws ProtocolError illegal_parameter when a sentinel shows a downgrade.
 */
export function checkDowngradeSentinel(
  serverRandom: Uint8Array,
  negotiated: DtlsVersionName,
  clientMax: DtlsVersionName,
): void {
  if (negotiated !== 'DTLSv1.2') return;
  const tail = serverRandom.subarray(24, 32);
  if (
    clientMax === 'DTLSv1.3' &&
    (constantTimeEqual(tail, DOWNGRADE_SENTINEL_TLS12) || constantTimeEqual(tail, DOWNGRADE_SENTINEL_TLS11))
  ) {
    throw new ProtocolError(
      'illegal_parameter',
      'the server negotiated DTLS 1.2 but its ServerHello.random ends in a downgrade sentinel: it can do DTLS 1.3, so 1.3 was removed from our offer on the way (RFC 8446 §4.1.3)',
    );
  }
}
