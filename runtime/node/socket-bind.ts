import { createSocket, type BindOptions, type Socket } from 'node:dgram';
import { lookup as resolve } from 'node:dns/promises';
import { ipVersion } from './ip-version.js';
import { nativeBinding } from '../crypto/native/binding.js';
import { parseIpAddress } from '../pki/ip-address.js';
import { madeByLibrary } from './kept-df.js';

/** The addon's call (native/src/udp-socket.c), absent from an addon built before it; reuseportClose closes any descriptor. */
interface SocketBinding {
  udpSocketBind(address: Uint8Array, port: number, v6only: number): number;
  reuseportClose(fd: number): number;
}

/** node:dgram's libuv handle (internalBinding('udp_wrap').UDP), as far as this file uses it. */
interface UdpHandle {
  open(fd: number): number;
  recvStart(): unknown;
  close(): void;
}

/**
 * A client's UDP socket, with a lookup that answers an IP literal itself (node:dgram's loads node:dns for it): the
 * library's own, its Don't Fragment mode kept between GSO sends (kept-df.ts).
 */
export function createClientSocket(type: 'udp4' | 'udp6'): Socket {
  return madeByLibrary(createSocket({ type, lookup: literalLookup }));
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** node:dgram calls it (address, family, callback). */
function literalLookup(hostname: string, options: unknown, callback: LookupCallback): void {
  const literal = ipVersion(hostname);
  if (literal !== 0) {
    process.nextTick(callback, null, hostname, literal);
    return;
  }
  const family = typeof options === 'number' ? options : ((options as { family?: number } | null)?.family ?? 0);
  resolve(hostname, { family }).then(
    (r) => callback(null, r.address, r.family),
    (e: NodeJS.ErrnoException) => callback(e, '', 0),
  );
}

/**
 * `socket.bind(port, address, listening)`, by the native addon where it can (native/src/udp-socket.c, the handle given
 * to node:dgram as a cluster primary's would be): Node 20's bind loads node:cluster (about 0.4 ms at the first bind).
 * Otherwise node:dgram binds and reports errors its own way.
 */
export function bindSocket(socket: Socket, port: number, address: string | undefined, listening: () => void): void {
  if (!bindNatively(socket, port, address, listening)) socket.bind(port, address, listening);
}

/**
 * A server's `socket` bound by node:dgram: resolves once listening, rejects with the bind's error. Then a send error is
 * a lost datagram: an 'error' listener drops it (it would otherwise end the process).
 */
export function boundSocket(socket: Socket, options: BindOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options, () => {
      socket.off('error', reject);
      socket.on('error', NO_ERROR_HANDLING);
      resolve(socket);
    });
  });
}

const NO_ERROR_HANDLING = (): void => {};

function socketBinding(): SocketBinding | undefined {
  const b = nativeBinding as Partial<SocketBinding> | undefined;
  if (process.platform !== 'linux' || typeof b?.udpSocketBind !== 'function' || typeof b.reuseportClose !== 'function')
    return undefined;
  return b as SocketBinding;
}

function bindNatively(socket: Socket, port: number, address: string | undefined, listening: () => void): boolean {
  const b = socketBinding();
  if (b === undefined) return false;
  const v6 = Reflect.get(socket, 'type') === 'udp6';
  const text = address ?? (v6 ? '::' : '0.0.0.0');
  // An IPv4 literal without parseIpAddress's patterns: a regular expression's first run compiles it.
  const bytes = ipVersion(text) === 4 ? Uint8Array.from(text.split('.'), Number) : parseIpAddress(text);
  if (bytes === undefined || bytes.length !== (v6 ? 16 : 4)) return false;
  const handle = freshHandle(socket);
  if (handle === undefined) return false;
  const fd = b.udpSocketBind(bytes, port, 0);
  if (fd < 0) return false; // node:dgram tries and reports the error its way
  if (handle.open(fd) !== 0) {
    b.reuseportClose(fd);
    handle.close();
    return false;
  }
  // node:dgram's bind(handle): its handle replaced by this one, reading started, 'listening' emitted.
  socket.bind(handle as unknown as BindOptions, listening);
  return true;
}

/** A new handle of the kind the socket holds (an unbound socket's own has no descriptor yet), or undefined when node:dgram's insides are not as expected. */
function freshHandle(socket: Socket): UdpHandle | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const state: unknown = key === undefined ? undefined : Reflect.get(socket, key);
  if (state === null || typeof state !== 'object' || Reflect.get(state, 'bindState') !== 0) return undefined;
  const own: unknown = Reflect.get(state, 'handle');
  const kind: unknown = own !== null && typeof own === 'object' ? own.constructor : undefined;
  if (typeof kind !== 'function') return undefined;
  const handle: unknown = Reflect.construct(kind, []);
  const h = handle as Partial<UdpHandle>;
  if (typeof h.open !== 'function' || typeof h.recvStart !== 'function' || typeof h.close !== 'function')
    return undefined;
  // node:dgram's handle swap carries lookup, bind and send over from the socket's own handle, not connect: a udp6
  // socket's is connect6, so without it connect() would take the IPv6 address as IPv4 and fail (EINVAL).
  const connect: unknown = Reflect.get(own as object, 'connect');
  if (typeof connect !== 'function') return undefined;
  Reflect.set(handle as object, 'connect', connect);
  return handle as UdpHandle;
}
