import { ConfigError } from '../../runtime/config-error.js';
import { TlmExtension } from './extension.js';

/** The values a {@link DtlsExtension} carries (RFC 9147 §4). */
export interface DtlsExtensionFields {
  /** TLSPlaintext/TLSInnerPlaintext content type, the wire number (RFC 8446 §5.1: 20..26), 0..255. */
  contentType: number;
  /** The record's epoch (RFC 9147 §4), 0..0xffff: the 2-byte DTLSPlaintext epoch width. */
  epoch: number;
  /** The record's sequence number within its epoch (RFC 9147 §4), 0..2^48-1. */
  recordNumber: number;
  /** The connection ID in the record header (RFC 9146/9147 §9), or undefined when none. */
  cid?: Uint8Array | undefined;
}

const MAX_EPOCH = 0xffff;
const MAX_RECORD_NUMBER = 2 ** 48 - 1;

function checkInt(option: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ConfigError(option, `must be an integer in 0..${max}, got ${String(value)}`);
  }
  return value;
}

/**
 * A TLM extension naming the DTLS record a transaction stands for: its
 * content type, epoch, record number and connection ID. It rides on the
 * generic payload through sockets unchanged; a target may read and modify it.
 *
 * Numbers, not bigints: a 16-bit epoch and a 48-bit sequence number are exact
 * in a double, and the runtime's record layer uses numbers for both. Values are
 * checked on every write (a `ConfigError` names the field).
 */
export class DtlsExtension extends TlmExtension {
  #contentType = 0;
  #epoch = 0;
  #recordNumber = 0;
  /** The connection ID, or undefined. Held by reference; `clone` copies it. */
  cid: Uint8Array | undefined;

  constructor(fields: DtlsExtensionFields) {
    super();
    this.contentType = fields.contentType;
    this.epoch = fields.epoch;
    this.recordNumber = fields.recordNumber;
    this.cid = fields.cid;
  }

  /** Content type (0..255). */
  get contentType(): number {
    return this.#contentType;
  }
  set contentType(v: number) {
    this.#contentType = checkInt('contentType', v, 0xff);
  }

  /** Epoch (0..0xffff). */
  get epoch(): number {
    return this.#epoch;
  }
  set epoch(v: number) {
    this.#epoch = checkInt('epoch', v, MAX_EPOCH);
  }

  /** Sequence number within the epoch (0..2^48-1). */
  get recordNumber(): number {
    return this.#recordNumber;
  }
  set recordNumber(v: number) {
    this.#recordNumber = checkInt('recordNumber', v, MAX_RECORD_NUMBER);
  }

  /** A deep copy (the CID bytes are copied too). */
  override clone(): DtlsExtension {
    return new DtlsExtension({
      contentType: this.#contentType,
      epoch: this.#epoch,
      recordNumber: this.#recordNumber,
      cid: this.cid?.slice(),
    });
  }

  /** Takes `other`'s values; the CID bytes are copied. */
  override copyFrom(other: DtlsExtension): void {
    this.#contentType = other.#contentType;
    this.#epoch = other.#epoch;
    this.#recordNumber = other.#recordNumber;
    this.cid = other.cid?.slice();
  }
}
