/**
 * The workers' sockets on one port. With the addon on Linux the primary makes them all (worker i's is number i of the
 * reuseport group) and attaches the CID steering program (native/src/reuseport.c; `DTLS13_REUSEPORT_STEERING=0`: off).
 * Without it, node:dgram's `reusePort` (Node 22.12, 23.1+): each worker binds its own, and a CID record on the wrong
 * worker is forwarded. Neither (Node 20 without the addon): `workers` is a ConfigError.
 */
import { fstatSync } from 'node:fs';
import { isIP } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { ConfigError } from '../../config-error.js';
import { nativeBinding, type NativeBinding } from '../../crypto/native/binding.js';
import { WORKER_BYTE_OFFSET } from '../../cid/cid-owner.js';
import { parseIpAddress } from '../../pki/ip-address.js';
import { dgramHasReusePort } from '../options.js';

/** The addon's reuseport calls (native/src/reuseport.c), absent from an addon built before them. */
interface ReuseportBinding {
  reuseportBind(address: Uint8Array, port: number, v6only: number): number;
  /** The group's first socket: SO_REUSEPORT set after bind(2), so its port is one no socket held (native/src/udp-socket.h). */
  reuseportBindFirst?(address: Uint8Array, port: number, v6only: number): number;
  reuseportSteer(fd: number, workerOffset: number): number;
  reuseportLocalPort(fd: number): number;
  reuseportClose(fd: number): number;
  /** A second descriptor of a socket, absent from an addon built before it. */
  reuseportDup?(fd: number): number;
}

function reuseportBinding(binding: NativeBinding | undefined): ReuseportBinding | undefined {
  if (process.platform !== 'linux' || binding === undefined) return undefined;
  const b = binding as unknown as Partial<ReuseportBinding>;
  return typeof b.reuseportBind === 'function' && typeof b.reuseportSteer === 'function'
    ? (b as ReuseportBinding)
    : undefined;
}

/** `DTLS13_REUSEPORT_STEERING=0`: no steering program (read when the sockets are made). */
function steeringDisabled(): boolean {
  return ['0', 'off', 'false', 'no'].includes((process.env.DTLS13_REUSEPORT_STEERING ?? '').toLowerCase());
}

export type SocketPlan = 'native' | 'dgram';

/** How this process can give each worker a socket on the same port; a ConfigError when it cannot. */
export function socketPlan(): SocketPlan {
  if (reuseportBinding(nativeBinding) !== undefined) return 'native';
  if (dgramHasReusePort()) return 'dgram';
  throw new ConfigError(
    'workers',
    `needs SO_REUSEPORT: the native addon on Linux (node native/build.mjs; here: ${process.platform === 'linux' ? 'not built or not loaded' : process.platform}) or node:dgram's reusePort (Node 22.12 / 23.1 and later; this is Node ${process.versions.node})`,
  );
}

/** The workers' sockets made by the primary: descriptors in worker order, the port, and whether the steering program is on. */
export interface NativeSockets {
  readonly fds: readonly number[];
  readonly port: number;
  readonly steered: boolean;
}

/**
 * `count` SO_REUSEPORT sockets on `host:port`, steered when two or more. The first is bound alone, so a held port is
 * EADDRINUSE and port 0 never joins another reuseport group. Throws the system error.
 */
export function nativeSockets(host: string, port: number, count: number, ipv6Only: boolean): NativeSockets {
  const b = reuseportBinding(nativeBinding)!;
  const address = addressBytes(host);
  const fds: number[] = [];
  try {
    let bound = port;
    for (let i = 0; i < count; i++) {
      const bind = i === 0 && b.reuseportBindFirst !== undefined ? b.reuseportBindFirst : b.reuseportBind;
      const fd = bind.call(b, address, bound, ipv6Only ? 1 : 0);
      if (fd < 0) throw systemError(-fd, 'bind', host, bound);
      fds.push(fd);
      if (i === 0) bound = b.reuseportLocalPort(fd);
    }
    // One socket has no group (the kernel makes it when a second joins), and nothing to steer.
    const steered = count > 1 && !steeringDisabled() && b.reuseportSteer(fds[0]!, WORKER_BYTE_OFFSET) === 0;
    return { fds, port: bound, steered };
  } catch (e) {
    for (const fd of fds) b.reuseportClose(fd);
    throw e;
  }
}

/**
 * A copy of socket `fd` for a worker, the primary keeping `fd`: a dying worker closes only its copy, so the socket
 * keeps its place in the group for a replacement. Undefined when the addon has no dup; throws the system error.
 */
export function workerDescriptor(fd: number): number | undefined {
  const b = reuseportBinding(nativeBinding);
  if (b?.reuseportDup === undefined) return undefined;
  const copy = b.reuseportDup(fd);
  if (copy < 0) throw systemError(-copy, 'dup', 'fd', fd);
  return copy;
}

/** Closes descriptors no worker took. */
export function closeNativeSockets(fds: readonly number[]): void {
  const b = reuseportBinding(nativeBinding);
  for (const fd of fds) b?.reuseportClose(fd);
}

/** Which open file `fd` names (device and inode), or undefined when `fd` is not open. */
function openFile(fd: number): string | undefined {
  try {
    const { dev, ino } = fstatSync(fd);
    return `${dev}:${ino}`;
  } catch {
    return undefined;
  }
}

/**
 * A descriptor handed to a worker thread, which closes it once a socket in the thread took it; a thread that ended
 * before that (stopped from outside, or its module did not load) leaves it open, and {@link HandedDescriptor.reclaim}
 * closes it.
 */
export class HandedDescriptor {
  private readonly fd: number;
  private readonly file: string | undefined;

  constructor(fd: number) {
    this.fd = fd;
    this.file = openFile(fd);
  }

  /**
   * Closes the descriptor if it still names the socket it was handed with; call once the thread has ended (its
   * handles are closed then, so the number is either the same socket's, left open, or free or another file's).
   */
  reclaim(): void {
    if (this.file !== undefined && openFile(this.fd) === this.file) closeNativeSockets([this.fd]);
  }
}

function systemError(errno: number, syscall: string, address: string, port: number): Error {
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`${syscall} ${code} ${address}:${port}`), {
    code,
    errno: -errno,
    syscall,
    address,
    port,
  });
}

/** An IP address's bytes (4 for IPv4, 16 for IPv6; an IPv6 zone index left out). */
function addressBytes(host: string): Uint8Array {
  const bytes = isIP(host) === 0 ? undefined : parseIpAddress(host.split('%')[0]!);
  if (bytes === undefined) throw new ConfigError('host', `must be an IP address to bind, got ${host}`);
  return bytes;
}
