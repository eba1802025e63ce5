/**
 * The versions a ClientHello offers (RFC 8446 §4.2.1, RFC 9147 §5.3): with supported_versions, only what it lists;
 * without it, legacy_version says DTLS 1.2 (RFC 6347 §4.2.1). The one rule every server path reads.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { findExtension } from '../handshake/extensions.js';

export interface OfferedVersions {
  readonly dtls13: boolean;
  readonly dtls12: boolean;
}

export function offeredVersions(ch: ClientHello): OfferedVersions {
  const versions = findExtension(ch.extensions, 'supported_versions')?.versions;
  return versions !== undefined
    ? { dtls13: versions.includes('dtls1_3'), dtls12: versions.includes('dtls1_2') }
    : { dtls13: false, dtls12: ch.legacyVersion === 'dtls1_2' };
}
