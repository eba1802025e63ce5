/** DTLS 1.2 record protection (RFC 5246 §6.2.3.3, RFC 6347 §4.1.2, RFC 9146 §5): additional data, nonces, one epoch's AEAD. */
import { protocolVersionToNumber } from '../../generated/wire/enums.js';
import { nativeRecord12, type NativeRecord12 } from '../crypto/native/record12.js';
import type { AeadKey, CryptoProvider } from '../crypto/provider.js';
import type { Dtls12SuiteParams } from '../versions/suites12.js';
import { constantTimeEqual } from '../wire/bytes.js';
import { allocate } from '../wire/slab.js';
import { MessageArena } from '../wire/message-arena.js';
import {
  APPLICATION_DATA,
  DTLS12_VERSION,
  HEADER12,
  Header12,
  MAX_PLAINTEXT_12,
  putSeqNum,
  writeHeader12,
} from './codec12.js';
import { encodeDatagram12, TLS12_CID, type Dtls12WireRecord } from './datagram12.js';
import type { DropReason } from './drops.js';
import type { FailureWindow } from './failure-window.js';
import { decodeInnerPlaintext, noPadding, type PaddingPolicy } from './inner-plaintext.js';
import { DEFAULT_AEAD_LIMITS, type AeadLimits } from './limits.js';
import { OPEN_RUNS, OpenedAhead, type OpenRun } from './opened-ahead.js';
import type { StagedProtection } from './write-form.js';

const EMPTY = new Uint8Array(0);

/** The header of the record being laid out here (writing is synchronous: one object serves every record). */
const written = new Header12();

/** additional_data = seq_num + type + version + plaintext length (RFC 5246 §6.2.3.3, RFC 6347 §4.1.2.1). */
export function additionalData12(
  epoch: number,
  sequenceNumber: number,
  type: number,
  version: number,
  plaintextLength: number,
): Uint8Array {
  const aad = new Uint8Array(13);
  putSeqNum(aad, 0, epoch, sequenceNumber);
  aad[8] = type;
  aad[9] = version >>> 8;
  aad[10] = version & 0xff;
  aad[11] = plaintextLength >>> 8;
  aad[12] = plaintextLength & 0xff;
  return aad;
}

/** The additional data of a tls12_cid record (RFC 9146 §5.3). */
export function cidAdditionalData12(
  version: number,
  epoch: number,
  sequenceNumber: number,
  cid: Uint8Array,
  innerLength: number,
): Uint8Array {
  const aad = new Uint8Array(8 + 3 + 2 + 8 + cid.length + 2);
  aad.fill(0xff, 0, 8);
  aad[8] = TLS12_CID;
  aad[9] = cid.length;
  aad[10] = TLS12_CID;
  aad[11] = version >>> 8;
  aad[12] = version & 0xff;
  putSeqNum(aad, 13, epoch, sequenceNumber);
  aad.set(cid, 21);
  aad[21 + cid.length] = innerLength >>> 8;
  aad[22 + cid.length] = innerLength & 0xff;
  return aad;
}

/** The AEAD nonce: salt + nonce_explicit (GCM, CCM: RFC 5288 §3), or write_IV XOR seq_num (ChaCha: RFC 7905 §2). */
export function recordNonce12(
  suite: Dtls12SuiteParams,
  iv: Uint8Array,
  epoch: number,
  sequenceNumber: number,
  explicit?: Uint8Array,
): Uint8Array {
  const nonce = new Uint8Array(12);
  if (suite.nonce === 'explicit') {
    nonce.set(iv.subarray(0, 4));
    if (explicit === undefined) putSeqNum(nonce, 4, epoch, sequenceNumber);
    else nonce.set(explicit, 4);
    return nonce;
  }
  putSeqNum(nonce, 4, epoch, sequenceNumber);
  for (let i = 0; i < 12; i++) nonce[i]! ^= iv[i]!;
  return nonce;
}

/** A record that opened: its real content type (a CID record's inner one) and content. */
export interface Opened12 {
  readonly ok: true;
  readonly type: number;
  readonly content: Uint8Array;
  readonly epoch: number;
  readonly sequenceNumber: number;
}

/** A record that did not open, and why (the reasons of runtime/record/drops.ts). */
export interface Refused12 {
  readonly ok: false;
  readonly reason: DropReason;
}

export interface EpochCipher12Options {
  /** This direction's connection ID (RFC 9146): the peer's when writing, ours when reading; absent: plain records. */
  readonly cid?: Uint8Array;
  /** Zeros after the content type in a CID record's DTLSInnerPlaintext (RFC 9146 §4). */
  readonly padding?: PaddingPolicy;
}

export class EpochCipher12 {
  readonly epoch: number;
  readonly suite: Dtls12SuiteParams;
  /** The provider's AEAD key, only where the addon does not hold the record key ({@link native} undefined). */
  private readonly aead: AeadKey | undefined;
  private readonly iv: Uint8Array;
  private readonly cid: Uint8Array | undefined;
  private readonly padding: PaddingPolicy;
  private readonly native: NativeRecord12 | undefined;
  /** The AEAD's usage limits (RFC 9147 §4.5.3): the integrity limit sizes the key's failure rate. */
  readonly limits: AeadLimits;
  /** Records that failed authentication under this key (the integrity limit's count, RFC 9147 §4.5.3). */
  failed = 0;
  /** A write key's records numbered (the one writer counts them against the confidentiality limit). */
  used = 0;
  /**
   * What seals its records staged by the one writer (record-writer.ts): this cipher, a run of them in one addon call
   * ({@link sealRecords}) where the addon has it, else one record a call.
   */
  readonly protection: StagedProtection = this;
  /** A staged run sealed in one addon call (the prototype's {@link sealNative}, no function per key); else undefined. */
  readonly sealRecords: ((buffer: Uint8Array, layout: Float64Array, count: number) => void) | undefined;
  /** The key's failed authentications this second, once its rate applies (IntegrityMonitor; made then). */
  failureWindow: FailureWindow | undefined = undefined;
  /** 'batch' mode: a receive batch's records opened in one call (made with the first). */
  private ahead: OpenedAhead | undefined;

  constructor(
    provider: CryptoProvider,
    suite: Dtls12SuiteParams,
    keys: { readonly key: Uint8Array; readonly iv: Uint8Array },
    epoch: number,
    options: EpochCipher12Options = {},
  ) {
    if (keys.key.length !== suite.keyLength)
      throw new RangeError(`${suite.name} needs a ${suite.keyLength}-byte key, got ${keys.key.length}`);
    if (keys.iv.length !== suite.fixedIvLength)
      throw new RangeError(`${suite.name} needs a ${suite.fixedIvLength}-byte write IV, got ${keys.iv.length}`);
    if (!Number.isInteger(epoch) || epoch < 1 || epoch > 0xffff)
      throw new RangeError(`a protected epoch is 1..65535, got ${epoch}`);
    this.epoch = epoch;
    this.suite = suite;
    this.iv = keys.iv.slice();
    this.cid = options.cid !== undefined && options.cid.length > 0 ? options.cid.slice() : undefined;
    this.padding = options.padding ?? noPadding;
    this.native = nativeRecord12(provider, suite.aead, keys.key, keys.iv, epoch, this.cid);
    // The addon's record key seals and opens every record: no second key (an addon call and a handle) beside it.
    this.aead = this.native === undefined ? provider.aead(suite.aead, keys.key) : undefined;
    this.sealRecords = this.native?.sealsBatches === true ? this.sealNative : undefined;
    this.limits = DEFAULT_AEAD_LIMITS[suite.aead];
  }

  /**
   * Seals `count` records {@link layOut} laid out in `buffer` (StagedRecords' layout, staged-records.ts), each as
   * {@link sealRecord} seals one, in one addon call; called as this cipher's {@link sealRecords}.
   */
  private sealNative(buffer: Uint8Array, layout: Float64Array, count: number): void {
    this.native!.sealBatch(buffer, layout, count);
  }

  /** The whole protected record of `content`; `explicitNonce` (8 bytes, never repeated) for GCM and CCM. */
  seal(type: number, sequenceNumber: number, content: Uint8Array, explicitNonce?: Uint8Array): Uint8Array {
    const out = this.layOut(type, sequenceNumber, content, explicitNonce);
    this.sealLaid(out, type, sequenceNumber, this.laidPlaintext, explicitNonce !== undefined);
    return out;
  }

  /** The DTLSInnerPlaintext's (or plain content's) length in the record {@link layOut} last laid out. */
  laidPlaintext = 0;

  /**
   * The record of `content` numbered `sequenceNumber`, laid out for {@link sealRecord}: its header written (codec12's
   * write half; with the addon only its type, the addon writing the rest as it seals), `explicitNonce` if given, the
   * content in place (with a CID: its real type and padding zeros after), room for the tag; in a view carved from the
   * outgoing slab, as 1.3's records are.
   */
  layOut(type: number, sequenceNumber: number, content: Uint8Array, explicitNonce?: Uint8Array): Uint8Array {
    if (content.length > MAX_PLAINTEXT_12)
      throw new RangeError(`a DTLS 1.2 record carries at most ${MAX_PLAINTEXT_12} bytes, got ${content.length}`);
    if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0 || sequenceNumber > 2 ** 48 - 1)
      throw new RangeError(`sequence number ${sequenceNumber} is not a uint48`);
    const explicitLength = this.suite.recordIvLength;
    if (explicitNonce !== undefined && explicitNonce.length !== explicitLength)
      throw new RangeError(
        `${this.suite.name} takes a ${explicitLength}-byte explicit nonce, got ${explicitNonce.length}`,
      );
    const cid = this.cid;
    // A CID record's DTLSInnerPlaintext: the content, its real type, the padding zeros.
    const plaintextLength =
      cid === undefined ? content.length : content.length + 1 + this.padding(content.length, type);
    if (plaintextLength > MAX_PLAINTEXT_12)
      throw new RangeError(`DTLSInnerPlaintext of ${plaintextLength} bytes is over ${MAX_PLAINTEXT_12}`);
    const headerLength = HEADER12 + (cid?.length ?? 0);
    const at = headerLength + explicitLength;
    const out = allocate(at + plaintextLength + this.suite.tagLength);
    // The addon writes the header as it seals (native/src/record12.c), reading the type from its first byte here.
    if (this.native !== undefined) out[0] = type;
    else {
      const h = written;
      h.type = cid === undefined ? type : TLS12_CID;
      h.epoch = this.epoch;
      h.sequenceNumber = sequenceNumber;
      h.fragmentLength = explicitLength + plaintextLength + this.suite.tagLength;
      writeHeader12(out, h, cid);
    }
    if (explicitNonce !== undefined) out.set(explicitNonce, headerLength);
    out.set(content, at);
    if (cid !== undefined) {
      out[at + content.length] = type;
      out.fill(0, at + content.length + 1, at + plaintextLength);
    }
    this.laidPlaintext = plaintextLength;
    return out;
  }

  /**
   * Seals a record {@link layOut} laid out, in place (what StagedRecords calls, staged-records.ts): its explicit nonce
   * from its sequence number. A plain record's type is its header's first byte; a tls12_cid record's is inside it.
   */
  sealRecord(seq: number, record: Uint8Array, _headerLength: number, plaintextLength: number): void {
    const native = this.native;
    if (native === undefined) return this.sealLaid(record, record[0]!, seq, plaintextLength, false);
    try {
      native.seal(record, record[0]!, seq, plaintextLength, false); // sealLaid's, inline: one call per record
    } catch (e) {
      record.fill(0);
      throw e;
    }
  }

  /** Seals a laid-out record in place (wiped if it throws): header, nonce and tag around its plaintext. */
  private sealLaid(
    out: Uint8Array,
    type: number,
    sequenceNumber: number,
    plaintextLength: number,
    explicitGiven: boolean,
  ): void {
    try {
      const native = this.native;
      if (native !== undefined) return native.seal(out, type, sequenceNumber, plaintextLength, explicitGiven);
      const cid = this.cid;
      const explicitLength = this.suite.recordIvLength;
      const headerLength = HEADER12 + (cid?.length ?? 0);
      const at = headerLength + explicitLength;
      if (explicitLength > 0 && !explicitGiven) putSeqNum(out, headerLength, this.epoch, sequenceNumber);
      const explicit = explicitGiven ? out.subarray(headerLength, at) : undefined;
      const nonce = recordNonce12(this.suite, this.iv, this.epoch, sequenceNumber, explicit);
      const aad =
        cid === undefined
          ? additionalData12(this.epoch, sequenceNumber, type, DTLS12_VERSION, plaintextLength)
          : cidAdditionalData12(DTLS12_VERSION, this.epoch, sequenceNumber, cid, plaintextLength);
      // A copy of the plaintext (sealed over itself); an empty one a fresh Uint8Array: node:crypto's CCM throws "tag not
      // set" for an empty Buffer view.
      const plaintext = plaintextLength === 0 ? EMPTY : out.slice(at, at + plaintextLength);
      this.aead!.sealInto(nonce, aad, [plaintext], out, at);
    } catch (e) {
      out.fill(0); // the plaintext copy in a slab shared with other records goes, as in 1.3's writer
      throw e;
    }
  }

  /** The real content type of the record {@link openAt} last opened (a tls12_cid record's is inside it). */
  openedType = 0;

  /** The CID's length on this epoch's records (0: plain 1.2 records). */
  get cidLength(): number {
    return this.cid?.length ?? 0;
  }

  /** Deprotects a record of this epoch decoded by decodeDatagram12 (tools and tests); never throws for peer input. */
  open(wire: Dtls12WireRecord): Opened12 | Refused12 {
    const r = wire.record;
    if (r.epoch !== this.epoch) return { ok: false, reason: 'unknown-epoch' };
    const cidLength = wire.kind === 'cid' ? wire.record.cid.length : 0;
    const fragment = wire.kind === 'cid' ? wire.record.encContent : wire.record.fragment;
    if (fragment.length > MAX_PLAINTEXT_12 + 2048) return { ok: false, reason: 'too-long' };
    const bytes = encodeDatagram12([wire], { cidLength });
    const fragmentLength = bytes.length - HEADER12 - cidLength;
    const type = bytes[0]!;
    const content = this.openAt(
      bytes,
      0,
      type,
      protocolVersionToNumber(r.version),
      r.sequenceNumber,
      cidLength,
      fragmentLength,
    );
    if (typeof content === 'string') return { ok: false, reason: content };
    return { ok: true, type: this.openedType, content, epoch: r.epoch, sequenceNumber: r.sequenceNumber };
  }

  /** Opens the record at datagram[at..] {@link readHeader12} read; its real type in {@link openedType}. */
  openAt(
    datagram: Uint8Array,
    at: number,
    type: number,
    version: number,
    sequenceNumber: number,
    cidLength: number,
    fragmentLength: number,
    arena?: MessageArena,
    own = false,
  ): Uint8Array | DropReason {
    if (version !== DTLS12_VERSION) return 'malformed';
    const explicitLength = this.suite.recordIvLength;
    const plaintextLength = fragmentLength - explicitLength - this.suite.tagLength;
    if (plaintextLength < 0) return 'too-short';
    if (plaintextLength > MAX_PLAINTEXT_12) return 'too-long';
    const fragmentAt = at + HEADER12 + cidLength;
    let cid: Uint8Array | undefined;
    if (type === TLS12_CID) {
      cid = datagram.subarray(at + 11, at + 11 + cidLength);
      if (this.cid === undefined || !constantTimeEqual(cid, this.cid)) return 'connection-id';
    } else if (this.cid !== undefined) return 'connection-id';
    this.openedType = type;
    let content: Uint8Array | undefined;
    if (this.native !== undefined) {
      // 'batch' mode, a datagram that is one record of this key's form (application_data; with a CID tls12_cid):
      // opened with the sender's run in the batch. 'own' mode: the run opens into an arena of its own that no message
      // views, each record copied out.
      if (
        (arena !== undefined || own) &&
        at === 0 &&
        fragmentAt + fragmentLength === datagram.length &&
        type === (cid === undefined ? 23 : TLS12_CID)
      ) {
        const ahead = this.openedAhead(this.native, datagram, sequenceNumber, arena);
        if (ahead !== undefined)
          return cid === undefined
            ? ((own ? ahead.takenOwn() : ahead.inner) ?? 'authentication')
            : this.takenInner(ahead, own);
      }
      // A tls12_cid record's real type is inside: what the connection keeps must not sit in the arena.
      if (own || cid !== undefined) arena = undefined;
      const into = arena?.take(plaintextLength, datagram.length);
      content = this.native.openAt(datagram, fragmentAt, fragmentLength, type, sequenceNumber, plaintextLength, into);
      if (content === undefined && into !== undefined) arena!.giveBack(into);
    } else {
      if (own) arena = undefined;
      const fragment = datagram.subarray(fragmentAt, fragmentAt + fragmentLength);
      content = this.decrypt(fragment, type, sequenceNumber, plaintextLength, cid);
      // A copy: the provider's output may share an ArrayBuffer (Node's Buffer pool) with other data.
      if (content !== undefined && cid === undefined) {
        const into = arena === undefined ? new Uint8Array(content.length) : arena.take(content.length, datagram.length);
        into.set(content);
        content = into;
      }
    }
    if (content === undefined) return 'authentication';
    if (cid === undefined) return content;
    const split = decodeInnerPlaintext(content);
    if (split === undefined) return 'no-content-type';
    this.openedType = split.contentType;
    return split.content.slice();
  }

  /**
   * A tls12_cid record the run opened ahead, as {@link openAt} would give it alone: application data its content alone
   * (the addon found its type and length; 'own' mode: copied out), any other type or none from the copy the run set
   * aside at opening (opened-ahead.ts), decoded as the one loop decodes it.
   */
  private takenInner(ahead: OpenedAhead, own: boolean): Uint8Array | DropReason {
    const inner = ahead.inner;
    if (inner === undefined) return 'authentication';
    if (ahead.typeAt >= 0) {
      this.openedType = APPLICATION_DATA;
      return (own ? ahead.takenOwn() : inner) ?? 'authentication';
    }
    const split = decodeInnerPlaintext(inner);
    if (split === undefined) return 'no-content-type';
    this.openedType = split.contentType;
    return split.content.slice();
  }

  /** The record that is all of `datagram`, opened with its receive batch's run (opened-ahead.ts); undefined: alone. */
  private openedAhead(
    native: NativeRecord12,
    datagram: Uint8Array,
    sequenceNumber: number,
    arena: MessageArena | undefined,
  ): OpenedAhead | undefined {
    if (!native.opensRuns || !OPEN_RUNS) return undefined;
    // With a CID the records are DTLSInnerPlaintext: one that is not application data is set aside at opening.
    const ahead = (this.ahead ??= new OpenedAhead(arena ?? new MessageArena(), this.cid !== undefined));
    if (!ahead.take(datagram, this, 0, 0, 0)) {
      if (!ahead.mayOpen(datagram)) return undefined;
      const run: OpenRun = (buffer, pairs, count, out, results) => native.openRun(buffer, pairs, count, out, results);
      if (!ahead.open(datagram, this, 0, run) || !ahead.take(datagram, this, 0, 0, 0)) return undefined;
    }
    // The addon read the same header: never otherwise, but then the record is opened alone.
    if (ahead.seq === sequenceNumber) return ahead;
    ahead.inner?.fill(0);
    return undefined;
  }

  /**
   * The run road (epochs12.ts `takeNext`): the run opened ahead, when its next record is the datagram the receive batch
   * is at (`at`, `length` in its buffer), authentic: its sequence number in its `seq`, for its `takeFound`. Nothing is
   * taken; undefined for any other datagram.
   */
  nextInRun(at: number, length: number): OpenedAhead | undefined {
    const ahead = this.ahead;
    return ahead !== undefined && ahead.findNext(at, length, this, 0, 0, 0) ? ahead : undefined;
  }

  /** Opens a fragment of this epoch (version and CID checked) with the provider's AEAD. */
  private decrypt(
    fragment: Uint8Array,
    type: number,
    sequenceNumber: number,
    plaintextLength: number,
    cid: Uint8Array | undefined,
  ): Uint8Array | undefined {
    const explicitLength = this.suite.recordIvLength;
    const nonce = recordNonce12(
      this.suite,
      this.iv,
      this.epoch,
      sequenceNumber,
      explicitLength > 0 ? fragment.subarray(0, explicitLength) : undefined,
    );
    const aad =
      cid === undefined
        ? additionalData12(this.epoch, sequenceNumber, type, DTLS12_VERSION, plaintextLength)
        : cidAdditionalData12(DTLS12_VERSION, this.epoch, sequenceNumber, cid, plaintextLength);
    return this.aead!.open(nonce, aad, fragment.subarray(explicitLength));
  }

  /** Frees the key's OpenSSL contexts (the native path), keeping it usable: for a session gone quiet. */
  park(): void {
    this.native?.park();
    this.aead?.park?.();
  }

  release(): void {
    this.native?.release();
    this.aead?.release();
    this.iv.fill(0);
  }
}
