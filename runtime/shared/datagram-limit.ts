import { ConfigError } from '../config-error.js';

/**
 * The largest datagram a connection's flights are cut into, whichever version speaks: the path lowers it (RFC 9147
 * §4.4, RFC 6347 §4.1.1.1: ICMP, EMSGSIZE, a flight unanswered), never below 256 and never up.
 */
export class DatagramLimit {
  private size: number;

  constructor(maxDatagramSize: number) {
    this.size = maxDatagramSize;
  }

  get value(): number {
    return this.size;
  }

  /**
   * Lowers the limit to `size` (never below 256, never up). Returns whether it fell.
   * @throws ConfigError naming `size` when it is not a number (NaN included).
   */
  lower(size: number): boolean {
    if (typeof size !== 'number' || Number.isNaN(size)) throw new ConfigError('size', 'must be a number');
    const next = Math.max(256, Math.min(this.size, Math.floor(size)));
    if (next >= this.size) return false;
    this.size = next;
    return true;
  }
}
