import type { Socket } from 'node:dgram';
import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';
import { nativeBinding, type NativeBinding } from '../crypto/native/binding.js';
import { beginReceiveBatch, endReceiveBatch, type ReceiveBatchSource } from '../wire/message-arena.js';
import { beginReceiveTurn, endReceiveTurn } from './receive-turn.js';
import { giveBackLaid } from '../wire/slab.js';
import { laidArrayBuffers, laidBuffers, layOutSend } from './send-layout.js';
import { KeptDf } from './kept-df.js';

/**
 * Whether a datagram's first byte starts a protected record, the kind that is lent: a 1.3 unified header (0b001xxxxx),
 * a 1.2 application_data (23) or tls12_cid (25, RFC 9146) record.
 */
function protectedFirst(first: number): boolean {
  return (first & 0xe0) === 0x20 || first === 23 || first === 25;
}

const EMSGSIZE = constants.errno.EMSGSIZE;
/**
 * udpSendLaid's status: the errno that stopped a batch, and the socket's Don't Fragment mode in and out (kept-df.ts).
 * Reused: one send at a time on the main thread or a worker's.
 */
const SEND_STATUS = new Int32Array(2);
/** The most datagrams one udpSendLaid call takes (MAX_SEND_BATCH, native/src/bind-udp.c); a longer send takes several calls. */
export const SEND_BATCH_MAX = 1024;

/**
 * Batched datagram I/O on a node:dgram socket. With the native addon on Linux and an IPv4 socket, one send's datagrams
 * to one peer leave in one system call (UDP GSO or sendmmsg) and waiting datagrams are taken by recvmmsg; otherwise
 * (IPv6, unbound, closed, refused, `DTLS13_UDP_BATCH=0`) node:dgram's own calls. The fd is read from node:dgram's handle
 * on every call, so a closed socket is never written through a reused descriptor number.
 *
 * {@link receive} can read a server's socket itself: libuv's reading stopped, a watcher on the descriptor, recvmmsg
 * with UDP GRO where the kernel has it (`DTLS13_UDP_GRO=0`: off), each coalesced run split back into its datagrams.
 */
export class DatagramIo {
  private static readonly bySocket = new WeakMap<Socket, DatagramIo>();

  /** The one instance for `socket`. */
  static of(socket: Socket): DatagramIo {
    let io = DatagramIo.bySocket.get(socket);
    if (io === undefined) {
      io = new DatagramIo(socket, BATCHING_DISABLED ? undefined : nativeBinding);
      DatagramIo.bySocket.set(socket, io);
    }
    return io;
  }

  /** What was sent by sendmmsg, drained by recvmmsg and read by {@link receive}'s own reading (GRO runs among them). */
  readonly counts = {
    /** Every datagram (and byte) delivered by {@link receive} and sent by {@link send}, whichever way. */
    datagramsIn: 0,
    bytesIn: 0,
    datagramsOut: 0,
    bytesOut: 0,
    batchedSends: 0,
    batchedDatagramsSent: 0,
    drains: 0,
    drainedDatagrams: 0,
    reads: 0,
    readDatagrams: 0,
    groBuffers: 0,
    groDatagrams: 0,
  };

  private readonly socket: Socket;
  private readonly binding: NativeBinding | undefined;
  /** node:dgram's internal state object, which holds the libuv handle (and its fd). */
  private readonly state: DgramState | undefined;
  /** The socket's Don't Fragment mode as the sends leave it (kept-df.ts). */
  private readonly df: KeptDf;
  private lastAddress = '';
  private lastIpv4 = -1;
  /** The batch being delivered, reused from read to read (a nested read makes its own). */
  private readonly batch = new DeliveredBatch(SEGMENT_META, 0);
  private watcher: object | undefined;
  /** Whether the socket keeps the event loop alive (socket.unref(): no); a watcher made again follows it. */
  private referenced = true;
  private groOn = false;
  /** The last sender node:dgram delivered from, and its path name. */
  private fromAddress = '';
  private fromPort = -1;
  private fromPath = '';
  /** Takes a send's datagrams elsewhere when it returns true (a fleet's relay through another host: fleet-link.ts). */
  divert: ((datagrams: readonly Uint8Array[], count: number, address: string, port: number) => boolean) | undefined;

  private constructor(socket: Socket, binding: NativeBinding | undefined) {
    this.socket = socket;
    this.binding = process.platform === 'linux' ? binding : undefined;
    this.state = this.binding === undefined ? undefined : internalState(socket);
    this.df = new KeptDf(socket, this.binding?.udpDfWant);
  }

  private enabled = true;

  /** Whether this socket's datagrams go through sendmmsg/recvmmsg right now. */
  get batched(): boolean {
    return this.fd() !== undefined;
  }

  /** Turns batching off (every datagram through node:dgram) or back on, for this socket: a comparison, or a workaround. */
  setBatching(enabled: boolean): void {
    this.enabled = enabled;
  }

  /**
   * Sends `datagrams[0..count)` in order to `address:port` (or the connected peer); `sent` is called once per datagram
   * when it has left, with its error if not. A datagram refused as too large for the path (EMSGSIZE, a pending ICMP
   * fragmentation-needed) gets the error as node:dgram reports it, and is not sent again.
   *
   * The send takes the datagrams: one the record writer handed off (wire/slab.ts) is given back to its slab as soon as
   * the kernel has copied it, in the batched call, so the caller must not read one after the call. What goes through
   * node:dgram (read later, in libuv's queue) or {@link divert} is never given back.
   */
  send(
    datagrams: readonly Uint8Array[],
    count: number,
    port: number,
    address: string,
    connected: boolean,
    sent: (error?: Error | null) => void,
  ): void {
    let bytes = 0;
    for (let i = 0; i < count; i++) bytes += datagrams[i]!.length;
    this.counts.datagramsOut += count;
    this.counts.bytesOut += bytes;
    if (this.divert !== undefined && !connected && this.divert(datagrams, count, address, port)) {
      for (let i = 0; i < count; i++) sent();
      return;
    }
    let done = 0;
    const fd = this.fd();
    if (fd !== undefined) {
      const ipv4 = connected ? 0 : address === this.lastAddress ? this.lastIpv4 : this.ipv4(address);
      // In calls of at most SEND_BATCH_MAX (the addon's cap), as many as it takes.
      while (ipv4 >= 0 && done < count) {
        const n = Math.min(count - done, SEND_BATCH_MAX);
        SEND_STATUS[0] = 0;
        SEND_STATUS[1] = this.df.forSend();
        const layout = layOutSend(datagrams, done, n);
        const r = this.binding!.udpSendLaid(fd, laidBuffers, layout, n, ipv4, connected ? 0 : port, SEND_STATUS);
        this.df.sent(SEND_STATUS[1]!);
        if (r > 0) {
          // The kernel copied them in the call: a datagram handed off to this send goes back to its slab (wire/slab.ts).
          giveBackLaid(laidArrayBuffers, layout, r);
          done += r;
          this.counts.batchedSends++;
          this.counts.batchedDatagramsSent += r;
          for (let i = 0; i < r; i++) sent();
        }
        if (r === n) continue;
        if (SEND_STATUS[0] === EMSGSIZE && done < count) {
          // The datagram after those sent was refused as too large for the path: its error, as node:dgram reports one.
          done++;
          sent(Object.assign(new Error('send EMSGSIZE'), { code: 'EMSGSIZE', errno: -EMSGSIZE, syscall: 'send' }));
        }
        break; // the rest through node:dgram, which reports each one's outcome
      }
    }
    if (done === count) return;
    // node:dgram writes them now or later, as under the socket's default mode (kept-df.ts).
    const callback = this.df.beforeDgram(this.openFd(), count - done, sent);
    if (connected) for (let i = done; i < count; i++) this.socket.send(datagrams[i]!, callback);
    else for (let i = done; i < count; i++) this.socket.send(datagrams[i]!, port, address, callback);
  }

  /**
   * Hands up to `max` datagrams waiting on the socket to `deliver`, each a copy; call from the 'message' handler. The
   * own reading's loop ({@link readWaiting}), counted as drains.
   */
  drain(deliver: Deliver, max = 256): number {
    return this.enabled ? this.readWaiting(deliver, false, max, true) : 0;
  }

  /** Whether {@link receive} reads the socket itself (libuv's reading stopped), and with UDP GRO on. */
  get reading(): { readonly own: boolean; readonly gro: boolean } {
    return { own: this.watcher !== undefined, gro: this.watcher !== undefined && this.groOn };
  }

  /**
   * Hands every datagram arriving on the socket to `deliver`, in order, until it closes; call once, before or after the
   * bind. Once bound (IPv4, addon, batching on) the socket is read here; an error the socket reports instead of a
   * datagram (a connected socket's ICMP: ECONNREFUSED, EMSGSIZE) is its 'error', as node:dgram emits it. `gro: false`
   * keeps UDP GRO off.
   *
   * `lend: true`: a datagram that starts with a protected record is handed over as a view of the receive buffer, valid
   * until `deliver` returns; every other one is a copy. `path` is `${address}|${port}`, one cached string per sender.
   */
  receive(deliver: Deliver, options: { readonly gro?: boolean; readonly lend?: boolean } = {}): void {
    const gro = options.gro ?? !GRO_DISABLED;
    const counted = (d: Uint8Array, address: string, port: number, path?: string): void => {
      this.counts.datagramsIn++;
      this.counts.bytesIn += d.length;
      deliver(d, address, port, path);
    };
    this.socket.on('message', (msg, rinfo) => {
      const { address, port } = rinfo;
      // The sender's path name, made once per sender in a row (a client's one server: never again).
      if (port !== this.fromPort || address !== this.fromAddress) {
        this.fromAddress = address;
        this.fromPort = port;
        this.fromPath = `${address}|${port}`;
      }
      counted(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), address, port, this.fromPath);
      this.drain(deliver);
    });
    const b = this.binding;
    if (b?.udpReceiveStart === undefined || b.udpReceiveSegments === undefined || b.udpReceiveStop === undefined)
      return;
    const lend = options.lend === true;
    // The own reading counts each datagram itself (readWaiting), without `counted`'s call.
    if (this.fd() !== undefined) this.takeOver(deliver, gro, lend);
    else this.socket.once('listening', () => this.takeOver(deliver, gro, lend));
  }

  /** Stops libuv's reading of the socket and starts ours; leaves node:dgram's in place when any step is refused. */
  private takeOver(deliver: Deliver, gro: boolean, lend: boolean): void {
    const fd = this.fd();
    if (fd === undefined || !this.watch(deliver, lend)) return;
    // The watcher keeps the event loop alive as the socket did: socket.unref() / ref() go to it too.
    const { ref, unref } = this.socket;
    const b = this.binding!;
    this.socket.unref = (): Socket => {
      this.referenced = false;
      if (this.watcher !== undefined) b.udpReceiveRef?.(this.watcher, false);
      return unref.call(this.socket);
    };
    this.socket.ref = (): Socket => {
      this.referenced = true;
      if (this.watcher !== undefined) b.udpReceiveRef?.(this.watcher, true);
      return ref.call(this.socket);
    };
    this.groOn = gro && b.udpGroEnable!(fd) === 0;
    this.socket.once('close', () => this.stopReading());
  }

  /** Watches the socket's descriptor in place of libuv's reading; false, node:dgram reading on, when a step is refused. */
  private watch(deliver: Deliver, lend: boolean): boolean {
    const fd = this.fd();
    const handle: unknown = this.state?.handle;
    if (fd === undefined || this.watcher !== undefined || handle === null || typeof handle !== 'object') return false;
    const recvStop: unknown = Reflect.get(handle, 'recvStop');
    if (typeof recvStop !== 'function') return false;
    const b = this.binding!;
    const watcher = b.udpReceiveStart!(fd, (status) => {
      this.readWaiting(deliver, lend, MAX_READ_PER_WAKE, false);
      // libuv stops a watch that saw the socket's error flag (POLLERR: a connected socket's ICMP), once read: a new one.
      if (status >= 0 || this.watcher !== watcher) return;
      this.stopReading();
      if (this.watch(deliver, lend)) {
        if (!this.referenced) b.udpReceiveRef?.(this.watcher!, false);
      } else if (this.fd() !== undefined) {
        const recvStart: unknown = Reflect.get(handle, 'recvStart');
        if (typeof recvStart === 'function') recvStart.call(handle); // node:dgram reads on
      }
    });
    if (typeof watcher === 'number') return false; // refused (-errno)
    recvStop.call(handle);
    this.watcher = watcher;
    return true;
  }

  /** The socket reported `error` (-errno) where a datagram was expected: its 'error', as node:dgram emits one. */
  private failed(error: number): void {
    const code = getSystemErrorName(error);
    this.socket.emit('error', Object.assign(new Error(`recvmsg ${code}`), { errno: error, code, syscall: 'recvmsg' }));
  }

  private stopReading(): void {
    if (this.watcher === undefined) return;
    this.binding!.udpReceiveStop!(this.watcher);
    this.watcher = undefined;
  }

  /**
   * Everything waiting on the socket, `max` datagrams at most (bounded per wake-up, for fairness), in order, split from
   * its GRO buffer: a copy, or with `lend` a view of a datagram starting with a protected record (a 1.3 unified header,
   * 0b001xxxxx, or a 1.2 application_data or tls12_cid record, 23 or 25: their receivers keep no view of it;
   * tests/buffers, tests/dtls12/receive-path*). `drained`: called from node:dgram's 'message' ({@link drain}), counted as drains.
   */
  private readWaiting(deliver: Deliver, lend: boolean, max: number, drained: boolean): number {
    const receiveSegments = this.binding?.udpReceiveSegments;
    if (this.state === undefined || receiveSegments === undefined) return 0;
    const nested = slabInUse;
    // A delivery may read again (a drain from a 'message' handler): it must not overwrite the datagram being delivered.
    const slab = nested ? new Uint8Array(RECEIVE_BATCH * RECEIVE_STRIDE) : (RECEIVE_SLAB ?? receiveSlab());
    const meta = nested ? new Uint32Array(4 * RECEIVE_BATCH) : SEGMENT_META;
    // fd() written out (one call less per wake-up); node:dgram's close() drops the handle at once.
    const state = this.state;
    const handle: unknown = state.handle;
    const fd: unknown = handle !== null && typeof handle === 'object' ? Reflect.get(handle, 'fd') : undefined;
    if (typeof fd !== 'number' || fd < 0) {
      this.stopReading(); // closed: node:dgram would deliver nothing more either
      return 0;
    }
    const counts = this.counts;
    let taken = 0;
    slabInUse = true;
    try {
      reading: while (taken < max) {
        if (state.handle !== handle) break; // closed by a delivery
        const n = receiveSegments(fd, slab, RECEIVE_STRIDE, meta);
        // 0: nothing waits; < 0: an error the socket had pending (read, so cleared), no datagram.
        if (n < 0) this.failed(n);
        if (n <= 0) break;
        if (drained) {
          counts.drains++;
          counts.drainedDatagrams += n;
        } else counts.reads++;
        // One batch object per read: this io's own, reused, unless nested (a nested read has meta words of its own).
        const delivering = nested ? new DeliveredBatch(meta, n, lend ? slab : undefined) : this.batch;
        delivering.count = n;
        delivering.buffer = lend ? slab : undefined;
        delivering.reading = this;
        delivering.handle = handle;
        delivering.drained = drained;
        const outer = beginReceiveBatch(delivering);
        // The read is one receive turn (receive-turn.ts): its sessions settle before the batch's arenas are let go.
        const outerTurn = beginReceiveTurn();
        try {
          for (let i = 0; i < n; i++) {
            const at = i * RECEIVE_STRIDE;
            // Read before any delivery of this buffer: a nested read does not touch these meta words (its own), but they are kept local anyway.
            const length = meta[4 * i]!;
            const ipv4 = meta[4 * i + 1]!;
            const port = meta[4 * i + 2]!;
            const segment = meta[4 * i + 3]! || length; // 0: one datagram
            const coalesced = segment !== length;
            if (coalesced) counts.groBuffers++;
            const address = port === 0 ? '' : (ADDRESSES.get(ipv4) ?? addressOf(ipv4));
            const path = port === 0 ? '' : (PATHS.get(ipv4 * 65536 + port) ?? pathOf(ipv4, port, address));
            for (let off = 0; off < length || off === 0; off += segment) {
              const end = at + Math.min(off + segment, length);
              const first = slab[at + off]!;
              const lent = lend && end > at + off && protectedFirst(first);
              const d = lent ? slab.subarray(at + off, end) : slab.slice(at + off, end);
              if (coalesced) counts.groDatagrams++;
              if (!drained) counts.readDatagrams++;
              taken++;
              if (state.handle !== handle) break reading; // closed by a delivery
              delivering.at = i;
              delivering.offset = off;
              delivering.current = lent ? d : undefined;
              delivering.position = at + off;
              delivering.segment = coalesced ? segment : 0;
              delivering.length = d.length;
              if (port !== 0) {
                counts.datagramsIn++;
                counts.bytesIn += d.length;
                deliver(d, address, port, path);
              }
              if (segment === 0) break; // an empty datagram
              // The rest of the GRO run taken by the delivery too ({@link DeliveredBatch.nextInRun}, counted there).
              if (delivering.offset !== off) {
                taken += (delivering.offset - off) / segment;
                off = delivering.offset;
              }
            }
          }
        } finally {
          try {
            endReceiveTurn(outerTurn);
          } finally {
            endReceiveBatch(outer);
          }
        }
        if (n < RECEIVE_BATCH) break;
      }
    } finally {
      slabInUse = nested;
    }
    if (state.handle !== handle) this.stopReading();
    return taken;
  }

  /** Whether the socket still has `handle` (node:dgram's close() drops it at once): a read that began on it goes on. */
  holds(handle: unknown): boolean {
    return this.state?.handle === handle;
  }

  /** The socket's file descriptor while it is open and bound, where batching applies. */
  private fd(): number | undefined {
    return this.enabled ? this.openFd() : undefined;
  }

  /** The socket's file descriptor while it is open and bound (an IPv4 socket, the addon there), batching on or off. */
  private openFd(): number | undefined {
    if (this.state === undefined) return undefined;
    const handle: unknown = this.state.handle;
    if (handle === null || typeof handle !== 'object') return undefined;
    const fd: unknown = Reflect.get(handle, 'fd');
    return typeof fd === 'number' && fd >= 0 ? fd : undefined;
  }

  /** `address` as a 32-bit number when it is a dotted-quad IPv4 address, else -1 (remembering the last one). */
  private ipv4(address: string): number {
    if (address !== this.lastAddress) {
      this.lastAddress = address;
      this.lastIpv4 = parseIpv4(address);
    }
    return this.lastIpv4;
  }
}

const BATCHING_DISABLED = ['0', 'off', 'false', 'no'].includes((process.env.DTLS13_UDP_BATCH ?? '').toLowerCase());
const GRO_DISABLED = ['0', 'off', 'false', 'no'].includes((process.env.DTLS13_UDP_GRO ?? '').toLowerCase());
/** What a read hands each datagram to: its bytes, its sender, and the sender's path name (`address|port`). */
type Deliver = (datagram: Uint8Array, address: string, port: number, path?: string) => void;

/** Datagrams {@link DatagramIo.receive}'s reading takes per wake-up before it lets the event loop turn. */
const MAX_READ_PER_WAKE = 1024;

/** Datagrams taken per recvmmsg call (the network bench's C baseline takes as many), and the room for each (the largest UDP payload fits). */
export const RECEIVE_BATCH = 16;
const RECEIVE_STRIDE = 65_536;
/** One receive batch being delivered (wire/message-arena.ts): its meta words, how many buffers, which datagram now. */
class DeliveredBatch implements ReceiveBatchSource {
  /** Four words per buffer: length, IPv4 address, port, GRO segment size. */
  readonly meta: Uint32Array;
  count: number;
  /** The receive buffer datagrams are lent from (read with `lend`), else undefined. */
  buffer: Uint8Array | undefined;
  at = 0;
  offset = 0;
  /** The datagram being delivered, when lent from {@link buffer}, and where it starts there. */
  current: Uint8Array | undefined;
  position = 0;
  /** The GRO segment size of the buffer being delivered (0: not coalesced); the length of the datagram at {@link position}. */
  segment = 0;
  length = 0;
  /** The reading that delivers this batch (its socket's handle and counts), and whether it is a drain. */
  reading: DatagramIo | undefined;
  handle: unknown;
  drained = false;

  constructor(meta: Uint32Array, count: number, buffer?: Uint8Array) {
    this.meta = meta;
    this.count = count;
    this.buffer = buffer;
  }

  datagramsAhead(into: Float64Array): number {
    const { meta: m, at: i } = this;
    if (this.buffer === undefined) return 0;
    const ipv4 = m[4 * i + 1];
    const port = m[4 * i + 2];
    let n = 0;
    for (let j = i; j < this.count && 2 * n < into.length; j++) {
      if (m[4 * j + 1] !== ipv4 || m[4 * j + 2] !== port) continue;
      const length = m[4 * j]!;
      const segment = m[4 * j + 3]! || length;
      if (segment === 0) continue;
      for (let off = j === i ? this.offset : 0; off < length && 2 * n < into.length; off += segment) {
        into[2 * n] = j * RECEIVE_STRIDE + off;
        into[2 * n + 1] = Math.min(segment, length - off);
        n++;
      }
    }
    return n;
  }

  /**
   * As ReceiveBatchSource says (wire/message-arena.ts), counted as the read loop counts a datagram; -1 also for one
   * that would be a copy, or once a delivery closed the socket. The read loop goes on after the last one taken.
   */
  nextInRun(accept: (buffer: Uint8Array, at: number, length: number) => boolean): number {
    const { buffer, segment, reading } = this;
    if (segment === 0 || buffer === undefined || reading === undefined || !reading.holds(this.handle)) return -1;
    const i = this.at;
    const length = this.meta[4 * i]!;
    const off = this.offset + segment;
    if (off >= length) return -1;
    const at = i * RECEIVE_STRIDE + off;
    const n = Math.min(segment, length - off);
    const first = buffer[at]!;
    if (!protectedFirst(first) || !accept(buffer, at, n)) return -1;
    this.offset = off;
    this.current = undefined;
    this.position = at;
    this.length = n;
    const counts = reading.counts;
    counts.groDatagrams++;
    if (!this.drained) counts.readDatagrams++;
    counts.datagramsIn++;
    counts.bytesIn += n;
    return n;
  }

  lendCurrent(): Uint8Array {
    return (this.current = this.buffer!.subarray(this.position, this.position + this.length));
  }

  bytesAhead(): number {
    const { meta: m, at: i } = this;
    const ipv4 = m[4 * i + 1];
    const port = m[4 * i + 2];
    let bytes = m[4 * i]! - this.offset;
    for (let j = i + 1; j < this.count; j++) if (m[4 * j + 1] === ipv4 && m[4 * j + 2] === port) bytes += m[4 * j]!;
    return bytes;
  }
}

/** Four words per buffer for udpReceiveSegments: length, IPv4 address, port, GRO segment size. */
const SEGMENT_META = new Uint32Array(4 * RECEIVE_BATCH);
/** One receive buffer per thread (1 MiB, made on first use; only the pages datagrams touch are ever written). */
let RECEIVE_SLAB: Uint8Array | undefined;
/** True while {@link DatagramIo.receive}'s reading delivers datagrams from RECEIVE_SLAB (lent views among them): a read meanwhile takes a buffer of its own. */
let slabInUse = false;
function receiveSlab(): Uint8Array {
  RECEIVE_SLAB ??= new Uint8Array(RECEIVE_BATCH * RECEIVE_STRIDE);
  return RECEIVE_SLAB;
}

/** node:dgram's state object as read here: its libuv handle (null once the socket closed), a plain property load. */
interface DgramState {
  readonly handle?: unknown;
}

/** node:dgram keeps its libuv handle on a symbol-keyed state object (Node 20+); undefined where it does not, or for an IPv6 socket. */
function internalState(socket: Socket): DgramState | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const state: unknown = key === undefined ? undefined : Reflect.get(socket, key);
  // IPv4 sockets only: the native calls take and report IPv4 addresses.
  return state !== null && typeof state === 'object' && Reflect.get(socket, 'type') === 'udp4' ? state : undefined;
}

/** A dotted-quad IPv4 address as a number, or -1. */
export function parseIpv4(address: string): number {
  let value = 0;
  let part = -1;
  let parts = 0;
  for (let i = 0; i <= address.length; i++) {
    const c = i < address.length ? address.charCodeAt(i) : 46;
    if (c === 46) {
      if (part < 0 || part > 255 || ++parts > 4) return -1;
      value = value * 256 + part;
      part = -1;
    } else if (c >= 48 && c <= 57) {
      if (part === 0) return -1; // no leading zeros
      part = part < 0 ? c - 48 : part * 10 + (c - 48);
    } else return -1;
  }
  return parts === 4 ? value : -1;
}

/** Address strings by number, for received datagrams (bounded: cleared when full). */
const ADDRESSES = new Map<number, string>();
const MAX_ADDRESSES = 4096;

/** `address|port` strings by sender (bounded: cleared when full), flat and hashed once, for the server's maps. */
const PATHS = new Map<number, string>();

function pathOf(ipv4: number, port: number, address: string): string {
  const k = ipv4 * 65536 + port;
  let s = PATHS.get(k);
  if (s === undefined) {
    if (PATHS.size >= MAX_ADDRESSES) PATHS.clear();
    s = `${address}|${port}`;
    PATHS.set(k, s);
  }
  return s;
}

function addressOf(ipv4: number): string {
  let s = ADDRESSES.get(ipv4);
  if (s === undefined) {
    if (ADDRESSES.size >= MAX_ADDRESSES) ADDRESSES.clear();
    s = `${ipv4 >>> 24}.${(ipv4 >>> 16) & 255}.${(ipv4 >>> 8) & 255}.${ipv4 & 255}`;
    ADDRESSES.set(ipv4, s);
  }
  return s;
}
