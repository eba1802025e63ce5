import { toHex } from '../wire/bytes.js';
import type { AntiReplayStore } from './anti-replay.js';

/** What the adapter needs of a Redis client: EVAL with keys and arguments (node-redis's `createClient()` has it). */
export interface RedisAntiReplayClient {
  eval(script: string, options: { readonly keys: string[]; readonly arguments: string[] }): Promise<unknown>;
}

/** The client's former name. */
export type RedisSetClient = RedisAntiReplayClient;

/**
 * One atomic script: an epoch (`<run_id> <ms>`) missing or of another run is set anew and the ClientHello refused, as
 * is any within `windowMs` of it; then the first SET NX of the binder wins.
 */
const SCRIPT = `
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = redis.call('GET', KEYS[1])
local epochRun, since
if epoch then epochRun, since = string.match(epoch, '^(%x+) (%d+)$') end
if epochRun ~= run or since == nil then
  redis.call('SET', KEYS[1], run .. ' ' .. now)
  return 0
end
if now - tonumber(since) < tonumber(ARGV[1]) then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 1 end
return 0
`;

/** `prefix` as a Redis Cluster hash tag (`{dtls13:0rtt:}`), so the script's keys share one slot (no CROSSSLOT). */
export function clusterTagged(prefix: string): string {
  return /\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

/**
 * The anti-replay store in Redis, shared by every server that uses the same Redis: `SET <prefix><binder> 1 NX PX
 * window` succeeds for the first ClientHello only, atomically across servers, and expires with the freshness window. A
 * Redis error refuses early data (the handshake goes on).
 *
 * A store that lost its records (restart, flush, failover) must not take a flight twice: it refuses every ClientHello
 * for one freshness window (20 s) after its epoch, `<run_id> <ms>`, is set (docs/security/zero-rtt.md).
 */
export class RedisAntiReplay implements AntiReplayStore {
  private readonly client: RedisAntiReplayClient;
  /** The prefix as a Redis Cluster hash tag (see {@link clusterTagged}). */
  private readonly prefix: string;

  constructor(client: RedisAntiReplayClient, prefix = 'dtls13:0rtt:') {
    this.client = client;
    this.prefix = clusterTagged(prefix);
  }

  get epochKey(): string {
    return `${this.prefix}epoch`;
  }

  async admit(key: Uint8Array, windowMs: number): Promise<boolean> {
    const window = String(Math.max(1, Math.ceil(windowMs)));
    try {
      const answer = await this.client.eval(SCRIPT, {
        keys: [this.epochKey, this.prefix + toHex(key)],
        arguments: [window],
      });
      return answer === 1;
    } catch {
      return false;
    }
  }
}
