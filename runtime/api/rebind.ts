import type { Socket } from 'node:dgram';
import { Transport } from '../node/transport.js';
import { withFamily } from '../node/peer-paths.js';
import { bindSocket, createClientSocket } from '../node/socket-bind.js';
import type { SessionDriver } from './session-driver.js';
import type { SessionAddress } from './session-types.js';
import type { DtlsSession } from './session.js';

/** A client socket's path name: its local address and port (what the client's connection is told datagrams came over). */
export function localPath(socket: Socket): string {
  try {
    const a = socket.address();
    return `${a.address}|${a.port}`;
  } catch {
    return 'unbound';
  }
}

/**
 * Feeds a client socket's datagrams to the session through its transport (`lend`: protected records lent, not copied);
 * its errors end the session only while it is current. EMSGSIZE (ICMP fragmentation-needed) cuts later datagrams
 * smaller instead (RFC 9147 §4.4).
 */
export function attachClientSocket(
  socket: Socket,
  driver: SessionDriver<DtlsSession>,
  fail: (error: Error) => void,
  lend = true,
): void {
  const named = { path: 'unbound' };
  // Named once connected (the local address is the wildcard until then).
  socket.on('connect', () => {
    named.path = localPath(socket);
  });
  socket.on('error', (error) => {
    if (driver.currentSocket !== socket) return;
    if ((error as NodeJS.ErrnoException).code === 'EMSGSIZE') driver.pathMtuExceeded();
    else fail(error);
  });
  Transport.of(socket).serveClient(driver, named, lend);
}

/**
 * Moves a client to a new socket (from `address` when given), connected to the server; the old one stays a moment to
 * answer a path_challenge with path_drop (RFC 9853 §5.2). Resolves with the new local address.
 */
export function rebindClient(
  driver: SessionDriver<DtlsSession>,
  fail: (error: Error) => void,
  address?: string,
  lend = true,
): Promise<SessionAddress> {
  const old = driver.currentSocket;
  const oldPath = old === undefined ? 'unbound' : localPath(old);
  const family = driver.remote.address.includes(':') ? 'udp6' : 'udp4';
  const socket = createClientSocket(family);
  attachClientSocket(socket, driver, fail, lend);
  return new Promise((resolve, reject) => {
    const refused = (e: Error): void => {
      try {
        socket.close();
      } catch {
        // already closed
      }
      reject(e);
    };
    socket.once('error', refused);
    bindSocket(socket, 0, address, () => {
      socket.connect(driver.remote.port, driver.remote.address, (error?: Error) => {
        if (error) return refused(error); // node:dgram hands a failed connect's error here, not to 'error'
        socket.off('error', refused);
        driver.moveSocket(socket, localPath(socket), oldPath);
        resolve(withFamily(socket.address()));
      });
    });
  });
}
