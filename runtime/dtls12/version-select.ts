/**
 * The server's choice of version from the first ClientHello, before
 * either handshake machine runs (RFC 8446 §4.2.1 as RFC 9147 §5.3 keeps
 * it): a ClientHello whose supported_versions lists DTLS 1.3 gets the 1.3
 * connection when 1.3 is enabled; one without it gets the 1.2 connection
 * when 1.2 is enabled, which then writes the RFC 8446 §4.1.3 downgrade
 * sentinel if this server could have done 1.3 (`offers13`). Anything else
 * is refused. Pure: a datagram in, a decision out; nothing is kept.
 */
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { findExtension } from '../handshake/extensions.js';
import { Reader } from '../wire/reader.js';
import { decodeDatagram12 } from './datagram.js';
import type { DtlsVersionName } from '../versions/versions.js';

export type VersionChoice =
  | { readonly version: 'DTLSv1.3' }
  | { readonly version: 'DTLSv1.2'; readonly offers13: boolean }
  /** Not a whole ClientHello in a first epoch-0 record: drop the datagram (no state, no answer). */
  | { readonly version: undefined; readonly reason: 'not-a-client-hello' }
  /** A ClientHello offering no enabled version: protocol_version. */
  | { readonly version: undefined; readonly reason: 'no-common-version' };

/** The version to answer the ClientHello in `datagram` with, given the enabled versions (newest first). */
export function chooseServerVersion(datagram: Uint8Array, enabled: readonly DtlsVersionName[]): VersionChoice {
  let offered13: boolean;
  let legacy12: boolean;
  try {
    const first = decodeDatagram12(datagram)[0];
    if (first === undefined || first.kind !== 'record' || first.record.epoch !== 0 || first.record.type !== 'handshake')
      return { version: undefined, reason: 'not-a-client-hello' };
    const f = readDtlsHandshake(new Reader(first.record.fragment, 'Handshake'));
    if (f.msgType !== 'client_hello' || f.fragmentOffset !== 0 || f.fragment.length !== f.length) return { version: undefined, reason: 'not-a-client-hello' };
    const ch = decodeClientHello(f.fragment);
    const versions = findExtension(ch.extensions, 'supported_versions')?.versions;
    offered13 = versions?.includes('dtls1_3') ?? false;
    // With supported_versions, only what it lists is offered (RFC 8446 §4.2.1); without, legacy_version says 1.2.
    legacy12 = versions !== undefined ? versions.includes('dtls1_2') : ch.legacyVersion === 'dtls1_2';
  } catch {
    return { version: undefined, reason: 'not-a-client-hello' };
  }
  if (offered13 && enabled.includes('DTLSv1.3')) return { version: 'DTLSv1.3' };
  if (legacy12 && enabled.includes('DTLSv1.2')) return { version: 'DTLSv1.2', offers13: enabled.includes('DTLSv1.3') };
  return { version: undefined, reason: 'no-common-version' };
}
