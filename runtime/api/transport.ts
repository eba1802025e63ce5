/** `transport` of `listen` and `connect`: DTLS over datagrams the application carries (a WebRTC port, RFC 7983). */
import type { Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { ConfigError, described, portOption } from '../config-error.js';
import { withFamily, type FamilyAddress } from '../node/peer-paths.js';

/** Sends one datagram to `address:port`; what it throws is the network losing that datagram (and ends a client's session). */
export type DatagramSend = (datagram: Uint8Array, address: string, port: number) => void;

/** The local address a transport reports as `endpoint.address` (default `{ address: '0.0.0.0', family: 'IPv4', port: 0 }`). */
export interface TransportAddress {
  readonly address: string;
  readonly port: number;
}

/** What a transport holds: its send, its local address, and the socket the endpoint or session using it has now. */
interface Carried {
  readonly send: DatagramSend;
  readonly local: TransportAddress;
  socket: TransportSocket | undefined;
}

/** Each transport's state, this module's alone: the endpoints reach it through {@link attachTransport}, no member. */
const carried = new WeakMap<DatagramTransport, Carried>();

/** Whether `value` is a DatagramTransport (made by this module). */
export function isDatagramTransport(value: unknown): value is DatagramTransport {
  return typeof value === 'object' && value !== null && carried.has(value as DatagramTransport);
}

/** The node:dgram-shaped socket an endpoint or a session (listener.ts, connect.ts) uses `transport` through, one at a time. */
export function attachTransport(transport: DatagramTransport, option = 'transport'): Socket {
  const state = carried.get(transport)!;
  if (state.socket !== undefined)
    throw new ConfigError(option, 'is in use by another endpoint or session (one transport carries one)');
  const socket = new TransportSocket(state.send, state.local, () => {
    if (state.socket === socket) state.socket = undefined;
  });
  state.socket = socket;
  // The endpoint and the session use node:dgram's socket only through send, close, address, bind, connect and events, which this has.
  return socket as unknown as Socket;
}

/** A datagram path the application owns: dtls13 sends with `send`, the application hands it datagrams (`receive`). */
export class DatagramTransport {
  constructor(send: DatagramSend, local: TransportAddress = { address: '0.0.0.0', port: 0 }) {
    if (typeof send !== 'function')
      throw new ConfigError('send', 'must be a function (datagram, address, port) => void', 'ERR_INVALID_ARG_TYPE');
    if (typeof local !== 'object' || local === null || isIP(local.address) === 0)
      throw new ConfigError('local', 'must be { address, port } with an IP address');
    carried.set(this, { send, local: { address: local.address, port: local.port }, socket: undefined });
  }

  /** Whether `datagram` is DTLS by RFC 7983's first-byte rule (20..63; STUN 0..3, RTP and RTCP 128..191). */
  static isDtls(datagram: Uint8Array): boolean {
    const first = datagram[0];
    return first !== undefined && first >= 20 && first <= 63;
  }

  /** Hands dtls13 a datagram from `address:port` (copied); false, and dropped, when nothing uses the transport. */
  receive(datagram: Uint8Array, address: string, port: number): boolean {
    const socket = carried.get(this)!.socket;
    if (socket === undefined) return false;
    socket.deliver(Buffer.from(datagram), address, port);
    return true;
  }

  /**
   * A client's path change (ICE nominated another pair, RFC 8445 §8.1.1): the session sends to and takes from
   * `address:port` only from now on. A listener's sessions move by connection IDs (`cid`) instead.
   */
  moveRemote(address: string, port: number): void {
    if (typeof address !== 'string' || isIP(address) === 0)
      throw new ConfigError('address', `must be an IP address, got ${described(address)}`);
    portOption('port', port);
    carried.get(this)!.socket?.emit('remote', { address, port });
  }

  /** Whether an endpoint or a session is using the transport now. */
  get inUse(): boolean {
    return carried.get(this)!.socket !== undefined;
  }
}

/** The part of node:dgram's Socket the endpoints use, over a {@link DatagramSend}. */
class TransportSocket extends EventEmitter {
  private closed = false;
  private readonly sendDatagram: DatagramSend;
  private readonly local: TransportAddress;
  private readonly detach: () => void;
  constructor(sendDatagram: DatagramSend, local: TransportAddress, detach: () => void) {
    super();
    this.sendDatagram = sendDatagram;
    this.local = local;
    this.detach = detach;
  }

  deliver(msg: Buffer, address: string, port: number): void {
    if (this.closed) return;
    this.emit('message', msg, { ...withFamily({ address, port }), size: msg.length });
  }

  send(msg: Uint8Array, ...args: unknown[]): void {
    const [port, address, callback] = args.length >= 2 ? args : [undefined, undefined, args[0]];
    if (!this.closed && typeof port === 'number' && typeof address === 'string') {
      try {
        this.sendDatagram(msg, address, port);
      } catch (e) {
        queueMicrotask(() => this.emit('error', e instanceof Error ? e : new Error(String(e))));
      }
    }
    if (typeof callback === 'function') (callback as (error: Error | null, bytes: number) => void)(null, msg.length);
  }

  address(): FamilyAddress {
    return withFamily(this.local);
  }

  bind(...args: unknown[]): this {
    const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return this;
  }

  connect(...args: unknown[]): void {
    const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
  }

  close(callback?: () => void): this {
    if (!this.closed) {
      this.closed = true;
      this.detach();
      queueMicrotask(() => this.emit('close'));
    }
    if (callback) queueMicrotask(callback);
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}
