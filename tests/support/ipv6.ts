/**
 * Whether this machine has IPv6, known when a test file is loaded (ava registers tests synchronously): a test that
 * needs it is registered as a skip that says why, instead of passing without running.
 */
import { networkInterfaces } from 'node:os';

/** Why IPv6 sockets cannot be used here (no interface has ::1: IPv6 off or absent), or undefined when they can. */
export function ipv6Unavailable(): string | undefined {
  const loopback = Object.values(networkInterfaces()).some((addresses) =>
    addresses?.some((a) => a.family === 'IPv6' && a.address === '::1'),
  );
  return loopback ? undefined : 'no IPv6 here (no interface has ::1)';
}
