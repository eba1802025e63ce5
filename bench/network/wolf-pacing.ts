import { readFileSync } from 'node:fs';

/**
 * Pacing against wolfSSL's example server with -i (loop). That server
 * serves one client at a time on one socket: after a connection it closes
 * the socket, then opens and binds a new one on the same port. A
 * ClientHello that arrives in between finds no socket and is dropped, and
 * the client only retransmits after its 1 s timer: that was the ~1 s p99
 * (and wolfSSL's own `client -b N`, whose next ClientHello goes out at once,
 * averages ~0.8 s per connection against it). So before each new client we
 * wait until the socket that served the last one is gone and a new one is
 * bound, reading the kernel's UDP socket table.
 */

/** Inodes of the UDP sockets bound to local `port` (Linux /proc/net/udp and udp6). */
export function boundInodes(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const found = new Set<string>();
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      if (cols[1]?.endsWith(`:${hex}`) && cols[9] !== undefined) found.add(cols[9]);
    }
  }
  return found;
}

/** The one socket bound to `port` now, waiting up to `limitMs` for there to be exactly one. */
export async function servingSocket(port: number, limitMs = 2_000): Promise<string | undefined> {
  const until = performance.now() + limitMs;
  for (;;) {
    const s = boundInodes(port);
    if (s.size === 1) return [...s][0];
    if (performance.now() > until) return undefined;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Waits until `served` is no longer bound to `port` and another socket is; false after `limitMs`. */
export async function rebound(port: number, served: string, limitMs = 2_000): Promise<boolean> {
  const until = performance.now() + limitMs;
  for (;;) {
    const s = boundInodes(port);
    if (s.size > 0 && !s.has(served)) return true;
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 1));
  }
}
