/**
 * Whether a handshake message body is a HelloVerifyRequest that is one (RFC 6347 §4.2.1: server_version DTLS 1.0 or
 * 1.2, then a cookie of 1 to 255 bytes and nothing after), read in place (first-answer.ts): a client offering both
 * versions goes on in 1.2 on one, a 1.3-only client refuses one with protocol_version (role-driver.ts `answered`). A
 * HelloVerifyRequest is authenticated by nothing, as a plaintext alert is not.
 */
const DTLS10 = 0xfeff;
const DTLS12 = 0xfefd;

/** server_version(2) cookie<0..2^8-1>, the cookie not empty. */
export function isHelloVerifyRequest(b: Uint8Array): boolean {
  if (b.length < 3) return false;
  const version = (b[0]! << 8) | b[1]!;
  return (version === DTLS10 || version === DTLS12) && b[2]! > 0 && b.length === 3 + b[2]!;
}
