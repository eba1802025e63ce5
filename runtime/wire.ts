/**
 * `dtls13/wire`: typed decoders and encoders of every DTLS 1.3 and 1.2 structure (`decodeX`, `encodeX`, `validateX`,
 * `sizeX`), datagrams split into records, and errors naming the field path and byte offset.
 */
export * from '../generated/wire/index.js';
export { decodeDatagram, encodeDatagram, type DecodeDatagramOptions, type DtlsRecord } from './wire/datagram.js';
export { DecodeError, EncodeError, Reader, Writer, type PathSegment } from './wire/index.js';
