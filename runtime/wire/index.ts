/** The byte-level machinery generated codecs are built on. */
export { bytesEqual, copyOf } from './bytes.js';
export { DecodeError, EncodeError, formatPath, type PathSegment } from './errors.js';
export { Reader } from './reader.js';
export { scratchWriter, validateWith } from './scratch.js';
export { Writer } from './writer.js';
