import type { Socket } from 'node:dgram';
import { nativeBinding, type NativeBinding } from '../crypto/native/binding.js';

/**
 * Batched datagram I/O on a node:dgram socket. With the native addon on
 * Linux, the datagrams one call has to send to one IPv4 peer leave in one
 * system call, synchronously (a run of equal-sized ones as one UDP GSO
 * send, the rest by sendmmsg(2)), and the datagrams waiting behind the one
 * node:dgram just delivered are taken in one recvmmsg(2) call; otherwise, or
 * when the socket is IPv6, not yet bound, closed, or the kernel refuses,
 * every datagram goes through node:dgram as before. One code path above
 * both: the endpoints call {@link send} and {@link drain} and never ask which.
 *
 * The socket's file descriptor is node:dgram's own (read from its internal
 * handle on every call, so a closed socket is never written to through a
 * reused descriptor number). `DTLS13_UDP_BATCH=0` (or DTLS13_NATIVE=0)
 * turns batching off.
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

  /** Datagrams sent by sendmmsg, and taken by recvmmsg (beyond the one node:dgram delivered). */
  readonly counts = { batchedSends: 0, batchedDatagramsSent: 0, drains: 0, drainedDatagrams: 0 };

  private readonly socket: Socket;
  private readonly binding: NativeBinding | undefined;
  /** node:dgram's internal state object, which holds the libuv handle (and its fd). */
  private readonly state: object | undefined;
  private lastAddress = '';
  private lastIpv4 = -1;

  private constructor(socket: Socket, binding: NativeBinding | undefined) {
    this.socket = socket;
    this.binding = process.platform === 'linux' ? binding : undefined;
    this.state = this.binding === undefined ? undefined : internalState(socket);
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
   * Sends `datagrams[0..count)` to `address:port`, or with `connected` to
   * the peer the socket is connected to (which `address:port` names), in
   * order; `sent` is called once per datagram when it has left (at once for
   * those sendmmsg took). A send error is the network's loss, as with
   * node:dgram.
   */
  send(datagrams: readonly Uint8Array[], count: number, port: number, address: string, connected: boolean, sent: () => void): void {
    let done = 0;
    const fd = this.fd();
    if (fd !== undefined) {
      const ipv4 = connected ? 0 : this.ipv4(address);
      if (ipv4 >= 0) {
        done = Math.max(0, this.binding!.udpSendBatch(fd, datagrams, count, ipv4, connected ? 0 : port));
        if (done > 0) {
          this.counts.batchedSends++;
          this.counts.batchedDatagramsSent += done;
        }
        for (let i = 0; i < done; i++) sent();
      }
    }
    if (connected) for (let i = done; i < count; i++) this.socket.send(datagrams[i]!, sent);
    else for (let i = done; i < count; i++) this.socket.send(datagrams[i]!, port, address, sent);
  }

  /**
   * Hands each datagram waiting on the socket to `deliver` (a copy of its
   * own: the receive buffer is reused), up to `max`; call it from the
   * socket's 'message' handler, after the datagram node:dgram delivered.
   * Returns how many it took.
   */
  drain(deliver: (datagram: Uint8Array, address: string, port: number) => void, max = 256): number {
    const slab = receiveSlab();
    const meta = RECEIVE_META;
    let taken = 0;
    while (taken < max) {
      // Read again on every call: a delivery may have closed the socket, and its number may belong to another file now.
      const fd = this.fd();
      if (fd === undefined) break;
      const n = this.binding!.udpRecvBatch(fd, slab, RECEIVE_STRIDE, meta);
      if (n <= 0) break;
      this.counts.drains++;
      this.counts.drainedDatagrams += n;
      // Copied out before any is delivered: a delivery may re-enter and drain again into the same slab and meta.
      const batch: [Uint8Array, number, number][] = [];
      for (let i = 0; i < n; i++) {
        const at = i * RECEIVE_STRIDE;
        batch.push([slab.slice(at, at + meta[3 * i]!), meta[3 * i + 1]!, meta[3 * i + 2]!]);
      }
      taken += n;
      for (const [d, ipv4, port] of batch) {
        if (this.fd() === undefined) return taken; // closed by a delivery: node:dgram would deliver nothing more either
        if (port !== 0) deliver(d, addressOf(ipv4), port);
      }
      if (n < RECEIVE_BATCH) break;
    }
    return taken;
  }

  /** The socket's file descriptor while it is open and bound, where batching applies. */
  private fd(): number | undefined {
    if (this.state === undefined || !this.enabled) return undefined;
    const handle: unknown = Reflect.get(this.state, 'handle');
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

/** Datagrams taken per recvmmsg call, and the room for each (the largest UDP payload fits). */
const RECEIVE_BATCH = 16;
const RECEIVE_STRIDE = 65_536;
const RECEIVE_META = new Uint32Array(3 * RECEIVE_BATCH);
/** One receive buffer per thread (1 MiB, made on first use; only the pages datagrams touch are ever written). */
let RECEIVE_SLAB: Uint8Array | undefined;
function receiveSlab(): Uint8Array {
  RECEIVE_SLAB ??= new Uint8Array(RECEIVE_BATCH * RECEIVE_STRIDE);
  return RECEIVE_SLAB;
}

/** node:dgram keeps its libuv handle on a symbol-keyed state object (Node 20+); undefined where it does not, or for an IPv6 socket. */
function internalState(socket: Socket): object | undefined {
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

function addressOf(ipv4: number): string {
  let s = ADDRESSES.get(ipv4);
  if (s === undefined) {
    if (ADDRESSES.size >= MAX_ADDRESSES) ADDRESSES.clear();
    s = `${ipv4 >>> 24}.${(ipv4 >>> 16) & 255}.${(ipv4 >>> 8) & 255}.${ipv4 & 255}`;
    ADDRESSES.set(ipv4, s);
  }
  return s;
}
