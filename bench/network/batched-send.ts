import type { Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';

/**
 * Batched datagram output for the goodput bench: a node:dgram socket whose
 * `send` (as the endpoint calls it: datagram, port, address, callback)
 * queues datagrams and hands them to the kernel `batch` at a time in one
 * sendmmsg(2) call through the native addon, the rest at the next turn of
 * the event loop; whatever the kernel does not take goes out through
 * node:dgram as before. A bench-side stand-in for a driver: the runtime's
 * UDP endpoint itself still sends one datagram per node:dgram call.
 */

/**
 * The file descriptor libuv holds for a bound node:dgram socket, where the
 * platform has one. node:dgram does not expose it: this reads the socket's
 * internal state (Node 20+: the 'state symbol' property's handle), and gives
 * undefined when that is not there.
 */
function socketFd(socket: Socket): number | undefined {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const handle: unknown = state === undefined ? undefined : Reflect.get(Reflect.get(socket, state) as object, 'handle');
  const fd: unknown = handle !== null && typeof handle === 'object' ? Reflect.get(handle, 'fd') : undefined;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

type Send = (msg: Uint8Array, port: number, address: string, callback: () => void) => void;

/** Switches `socket` to batched sends; returns the function that switches it back, or undefined without the addon, an fd, or on a non-Linux system. */
export function batchSends(socket: Socket, batch: number): (() => void) | undefined {
  const binding = nativeBinding;
  const fd = socketFd(socket);
  if (binding === undefined || fd === undefined || process.platform !== 'linux') return undefined;
  const original = socket.send.bind(socket) as unknown as Send;
  const queue: Uint8Array[] = [];
  const callbacks: (() => void)[] = [];
  let to: { port: number; address: string } | undefined;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (queue.length === 0 || to === undefined) return;
    const { port, address } = to;
    const sent = binding.udpSendBatch(fd, queue, queue.length, ipv4Number(address), port);
    const done = Math.max(0, sent);
    for (let i = 0; i < queue.length; i++) {
      if (i < done) callbacks[i]!();
      else original(queue[i]!, port, address, callbacks[i]!);
    }
    queue.length = 0;
    callbacks.length = 0;
  };
  const send: Send = (msg, port, address, callback) => {
    if (!isIPv4(address) || (to !== undefined && (to.port !== port || to.address !== address))) {
      flush();
      if (!isIPv4(address)) return original(msg, port, address, callback);
    }
    to = { port, address };
    queue.push(msg);
    callbacks.push(callback);
    if (queue.length >= batch) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  Object.defineProperty(socket, 'send', { value: send, configurable: true, writable: true });
  return () => {
    flush();
    Reflect.deleteProperty(socket, 'send');
  };
}
