import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';

/** A UDP port of `host` that was free a moment ago (the kernel's choice for a socket bound to port 0). */
export function freeUdpPort(host: string): Promise<number> {
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether some socket of this machine is bound to UDP `port` (Linux: /proc/net/udp and udp6). Undefined where that cannot be read. */
function udpPortBound(port: number): boolean | undefined {
  const files = ['/proc/net/udp', '/proc/net/udp6'].filter((f) => existsSync(f));
  if (files.length === 0) return undefined;
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return files.some((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex) === true),
  );
}

/**
 * Resolves once UDP `port` is bound (a server the mapper started is listening), or after `limitMs`, or once `gone()`
 * says the process ended. Where the socket table cannot be read, it waits a fixed 200 ms.
 */
export async function waitForUdpPort(port: number, limitMs: number, gone: () => boolean): Promise<void> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const bound = udpPortBound(port);
    if (bound === undefined) return new Promise((resolve) => setTimeout(resolve, 200));
    if (bound || gone() || performance.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
