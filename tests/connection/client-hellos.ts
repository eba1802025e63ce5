/**
 * ClientHellos the version-choice tests make from a real one: with supported_versions changed, and cut into
 * fragments of epoch-0 records (tests/connection/hello-phase, server-version-step, version-negotiation).
 */
import { encodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import { encodeDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { encodeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';

/** `hello` with supported_versions listing `versions`, or without the extension (`undefined`). */
export function offering(hello: ClientHello, versions: readonly string[] | undefined): Uint8Array {
  const extensions = hello.extensions.filter((e) => e.extensionType !== 'supported_versions');
  const sv = { extensionType: 'supported_versions', extensionData: { versions } };
  return encodeClientHello({
    ...hello,
    extensions: versions === undefined ? extensions : ([sv, ...extensions] as ClientHello['extensions']),
  });
}

/** A ClientHello fragment (`body` from `offset`, of a message `length` long) in one epoch-0 record numbered `sequenceNumber`. */
export function fragment(body: Uint8Array, offset: number, length: number, sequenceNumber: number): Uint8Array {
  return encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion: 'dtls1_2',
    epoch: 0,
    sequenceNumber,
    fragment: encodeDtlsHandshake({
      msgType: 'client_hello',
      length,
      messageSeq: 0,
      fragmentOffset: offset,
      fragment: body,
    }),
  });
}
