import { toHex } from '../wire/bytes.js';
import type { AntiReplayStore } from './anti-replay.js';

/** What the adapter needs of a Redis client: EVAL with keys and arguments (node-redis's `createClient()` has it). */
export interface RedisAntiReplayClient {
  eval(script: string, options: { readonly keys: string[]; readonly arguments: string[] }): Promise<unknown>;
}

/** The client's former name. */
export type RedisSetClient = RedisAntiReplayClient;

/**
 * One atomic script on one key, a sorted set: the epoch is the member `epoch <run_id> <ms>` scored +inf, each
 * admitted binder a member scored by when it expires. An epoch missing or of another run (or a key of another type,
 * the former layout) starts the set anew and refuses the ClientHello, as is any within `windowMs` of the epoch; then
 * expired binders are pruned and the first ZADD NX of the binder wins. Eviction takes the whole key or none of it.
 */
const SCRIPT = `
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local since
if redis.call('TYPE', KEYS[1]).ok == 'zset' then
  local epoch = redis.call('ZRANGEBYSCORE', KEYS[1], '+inf', '+inf')
  if #epoch == 1 then since = string.match(epoch[1], '^epoch ' .. run .. ' (%d+)$') end
end
if since == nil then
  redis.call('DEL', KEYS[1])
  redis.call('ZADD', KEYS[1], '+inf', 'epoch ' .. run .. ' ' .. now)
  return 0
end
if now - tonumber(since) < window then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZADD', KEYS[1], 'NX', now + window, ARGV[1])
`;

/** `prefix` as a Redis Cluster hash tag (`{dtls13:0rtt:}`), so the store's key has a slot of its own naming. */
export function clusterTagged(prefix: string): string {
  return /\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

/**
 * The anti-replay store in Redis, shared by every server that uses the same Redis: one key, `{<prefix>}epoch`, a
 * sorted set of the binders admitted in the last freshness window (scored by expiry) and the store's epoch. A binder
 * is admitted once, atomically across servers, by one Lua script. A Redis error refuses early data (the handshake
 * goes on).
 *
 * A store that lost its records (restart, flush, failover, eviction) must not take a flight twice: the epoch,
 * `<run_id> <ms>`, lives in the same key as the binders, so nothing can drop a binder and keep the epoch, and the
 * store refuses every ClientHello for one freshness window (20 s) after the epoch is set (docs/security/zero-rtt.md).
 */
export class RedisAntiReplay implements AntiReplayStore {
  private readonly client: RedisAntiReplayClient;
  /** The prefix as a Redis Cluster hash tag (see {@link clusterTagged}). */
  private readonly prefix: string;

  constructor(client: RedisAntiReplayClient, prefix = 'dtls13:0rtt:') {
    this.client = client;
    this.prefix = clusterTagged(prefix);
  }

  /** The store's one key: the sorted set of its epoch and binders. */
  get epochKey(): string {
    return `${this.prefix}epoch`;
  }

  async admit(key: Uint8Array, windowMs: number): Promise<boolean> {
    const window = String(Math.max(1, Math.ceil(windowMs)));
    try {
      const answer = await this.client.eval(SCRIPT, { keys: [this.epochKey], arguments: [toHex(key), window] });
      return answer === 1;
    } catch {
      return false;
    }
  }
}
