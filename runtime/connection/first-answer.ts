/**
 * Which version the server's first answer chose (RFC 8446 §4.2.1, RFC 6347 §4.2.1), read in place before anything
 * decodes it: a ServerHello or HelloRetryRequest with supported_versions is DTLS 1.3; a ServerHello of version DTLS 1.2
 * without it, or a well-formed HelloVerifyRequest, is DTLS 1.2. Never throws.
 */
import { ExtensionType, HandshakeType, ProtocolVersion } from '../../generated/wire/enums.js';
import { DTLS_HANDSHAKE_HEADER_LENGTH } from '../handshake/handshake-message.js';

export interface FirstAnswer {
  readonly version: 'DTLSv1.2' | 'DTLSv1.3';
  /** The answer is a HelloVerifyRequest (authenticated by nothing). */
  readonly helloVerifyRequest: boolean;
}

/** The version a whole, well-formed ServerHello or HelloVerifyRequest first in `content` chose; else undefined. */
export function firstAnswer(content: Uint8Array): FirstAnswer | undefined {
  if (content.length < DTLS_HANDSHAKE_HEADER_LENGTH) return undefined;
  const type = content[0]!;
  const length = (content[1]! << 16) | (content[2]! << 8) | content[3]!;
  const offset = (content[6]! << 16) | (content[7]! << 8) | content[8]!;
  const fragment = (content[9]! << 16) | (content[10]! << 8) | content[11]!;
  if (offset !== 0 || fragment !== length || DTLS_HANDSHAKE_HEADER_LENGTH + length > content.length) return undefined;
  const body = content.subarray(DTLS_HANDSHAKE_HEADER_LENGTH, DTLS_HANDSHAKE_HEADER_LENGTH + length);
  if (type === HandshakeType.hello_verify_request)
    return isHelloVerifyRequest(body) ? { version: 'DTLSv1.2', helloVerifyRequest: true } : undefined;
  if (type !== HandshakeType.server_hello) return undefined;
  const version = serverHelloVersion(body);
  return version === undefined ? undefined : { version, helloVerifyRequest: false };
}

/** server_version(2) random(32) session_id<0..32> cipher_suite(2) compression(1) extensions<0..2^16-1>: is supported_versions there? */
function serverHelloVersion(b: Uint8Array): 'DTLSv1.2' | 'DTLSv1.3' | undefined {
  if (b.length < 35) return undefined;
  const version = (b[0]! << 8) | b[1]!;
  let at = 34 + 1 + b[34]! + 3;
  if (at + 2 > b.length) return version === ProtocolVersion.dtls1_2 && at === b.length ? 'DTLSv1.2' : undefined;
  const end = at + 2 + ((b[at]! << 8) | b[at + 1]!);
  if (end !== b.length) return undefined;
  for (at += 2; at + 4 <= end;) {
    const type = (b[at]! << 8) | b[at + 1]!;
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (type === ExtensionType.supported_versions) return 'DTLSv1.3';
    at += 4 + length;
  }
  return version === ProtocolVersion.dtls1_2 ? 'DTLSv1.2' : undefined;
}

/** server_version(2) cookie<0..2^8-1>, the version DTLS 1.0 or 1.2, the cookie not empty. */
function isHelloVerifyRequest(b: Uint8Array): boolean {
  if (b.length < 3) return false;
  const version = (b[0]! << 8) | b[1]!;
  return (
    (version === ProtocolVersion.dtls1_0 || version === ProtocolVersion.dtls1_2) && b[2]! > 0 && b.length === 3 + b[2]!
  );
}
