/**
 * dtls13: DTLS 1.3 (RFC 9147) for TypeScript.
 *
 * The wire layer: typed decoders and encoders for every DTLS 1.3 structure,
 * generated from spec/wire, and datagram-level record splitting.
 */
export * from '../generated/wire/index.js';
export { decodeDatagram, encodeDatagram, type DecodeDatagramOptions, type DtlsRecord } from './wire/datagram.js';
export { DecodeError, EncodeError, Reader, Writer, type PathSegment } from './wire/index.js';
export { ConfigError } from './config-error.js';
