import { toHex } from '../wire/bytes.js';
import type { AntiReplayStore } from './anti-replay.js';

/** What the adapter needs of a Redis client: SET with NX and PX (node-redis's `createClient()` has it). */
export interface RedisSetClient {
  set(key: string, value: string, options: { readonly NX: true; readonly PX: number }): Promise<string | null | object>;
}

/**
 * The anti-replay store in Redis, shared by every server that uses the same
 * Redis: `SET dtls13:0rtt:<binder> 1 NX PX window` succeeds for the first
 * ClientHello only, atomically across servers, and expires with the
 * freshness window. A Redis error refuses early data (the handshake goes on).
 */
export class RedisAntiReplay implements AntiReplayStore {
  private readonly client: RedisSetClient;
  private readonly prefix: string;

  constructor(client: RedisSetClient, prefix = 'dtls13:0rtt:') {
    this.client = client;
    this.prefix = prefix;
  }

  async admit(key: Uint8Array, windowMs: number): Promise<boolean> {
    try {
      return (await this.client.set(this.prefix + toHex(key), '1', { NX: true, PX: Math.max(1, Math.ceil(windowMs)) })) === 'OK';
    } catch {
      return false;
    }
  }
}
