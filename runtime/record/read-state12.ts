/** DTLS 1.2's read side: epoch 0 in plaintext, epoch 1 from the peer's ChangeCipherSpec. Peer input never throws. */
import type { MessageArena } from '../wire/message-arena.js';
import { APPLICATION_DATA, CODEC12, DTLS12_VERSION, type Header12 } from './codec12.js';
import { ReadEpoch12 } from './epochs12.js';
import type { EpochCipher12 } from './epoch-cipher12.js';
import { TLS12_CID } from './datagram12.js';
import type { DropReason } from './drops.js';
import type { IntegrityMonitor } from './integrity-monitor.js';
import { HELD } from './record-codec.js';
import type { LoopVersion } from './record-loop.js';

/** The record version DTLS 1.0 peers put on their first records (RFC 6347 §4.1: taken on epoch 0). */
const DTLS10_VERSION = 0xfeff;
/** Epoch-1 records held until the peer's ChangeCipherSpec. */
export const MAX_HELD12 = 8;

/** Where a read state counts what it drops (an object with a method: no closure). */
export interface DropSink {
  drop(reason: DropReason): void;
}

const UNCOUNTED: DropSink = { drop: () => undefined };

/** DTLS 1.2's read side for the record loop: the codec and the opening of a record. */
export class ReadState12 implements LoopVersion<Header12> {
  readonly codec = CODEC12;
  /** Our CID's length on the peer's tls12_cid records (0: none yet); set as the hellos settle. */
  cidLength = 0;
  /** Once the hellos settled a datagram is taken whole or not at all (set per datagram). */
  wholeDatagrams = false;
  /** DTLS 1.2 reads on after a record dropped for any reason. */
  readonly endsDatagram = undefined;
  private readonly drops: DropSink;
  /** Epoch 1's keys from the key exchange until the peer's ChangeCipherSpec, then epoch 1's reader. */
  private pendingKeys: EpochCipher12 | undefined;
  private read1: ReadEpoch12 | undefined;
  /** Epoch-1 records (copies) that came before the ChangeCipherSpec. */
  private held: Uint8Array[] = [];
  private readonly integrity: IntegrityMonitor;
  private readonly windowSize: number | undefined;
  private readonly arena: MessageArena | undefined;

  /** `windowSize`: the replay window (default 64); `arena`: 'batch' mode's memory; `drops`: where drops are counted. */
  constructor(integrity: IntegrityMonitor, windowSize?: number, arena?: MessageArena, drops: DropSink = UNCOUNTED) {
    this.drops = drops;
    this.integrity = integrity;
    this.windowSize = windowSize;
    this.arena = arena;
  }

  pending(cipher: EpochCipher12): void {
    this.pendingKeys = cipher;
  }

  get keysPending(): boolean {
    return this.pendingKeys !== undefined;
  }

  get switched(): boolean {
    return this.read1 !== undefined;
  }

  get cipher(): EpochCipher12 | undefined {
    return this.read1?.cipher;
  }

  /** The peer's ChangeCipherSpec: epoch 1 reads from now on. False (nothing changed) when no keys were pending. */
  install(): boolean {
    const keys = this.pendingKeys;
    if (keys === undefined) return false;
    this.read1 = new ReadEpoch12(keys, this.integrity, this.windowSize);
    this.pendingKeys = undefined;
    return true;
  }

  takeHeld(): Uint8Array[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  /** The content of record `h` (real type in `h.contentType`), {@link HELD} before the switch, or why refused. */
  open(d: Uint8Array, h: Header12, now: number): Uint8Array | DropReason | typeof HELD {
    const epoch = h.epoch;
    if (epoch === 0) {
      // A tls12_cid record is protected: never epoch 0 (RFC 9146 §4).
      if (h.type === TLS12_CID) return 'connection-id';
      if (h.version !== DTLS12_VERSION && h.version !== DTLS10_VERSION) return 'malformed';
      return d.slice(h.fragmentAt, h.end);
    }
    if (epoch !== 1) return 'unknown-epoch';
    const read = this.read1;
    if (read !== undefined) {
      // Application data, or a tls12_cid record that may hold it: opened with the batch's run when it is one of it.
      if (h.type !== APPLICATION_DATA && h.type !== TLS12_CID) return read.receiveAt(d, h, now);
      const arena = this.arena;
      return arena !== undefined ? read.receiveAt(d, h, now, arena) : read.receiveAt(d, h, now, undefined, true);
    }
    if (this.pendingKeys === undefined || this.held.length >= MAX_HELD12) return 'unknown-epoch';
    this.held.push(d.slice(h.at, h.end));
    return HELD;
  }

  /**
   * The run road (either mode): the datagram the receive batch is at now (`at`, `length` in its buffer), taken as the
   * next application data record of the run epoch 1's cipher opened ahead (epochs12.ts `takeNext`), once the peer's
   * ChangeCipherSpec switched to it; its content, its sequence number and outer type in `taken`. Undefined, nothing
   * changed, for any other: {@link open} reads it on the one loop.
   */
  takeNext(
    at: number,
    length: number,
    now: number,
    taken: { sequenceNumber: number; type: number },
  ): Uint8Array | undefined {
    const read = this.read1;
    return read === undefined ? undefined : read.takeNext(at, length, now, taken, this.arena === undefined);
  }

  drop(reason: DropReason): void {
    this.drops.drop(reason);
  }

  /** A record that does not frame, read record by record before the hellos settle: the rest of the datagram goes. */
  unframed(): number {
    this.drop('malformed');
    return -1;
  }

  park(): void {
    this.read1?.cipher.park();
  }

  release(): void {
    this.read1?.cipher.release();
    this.pendingKeys?.release();
    this.read1 = undefined;
    this.pendingKeys = undefined;
    this.held = [];
  }
}
