import { toHex } from '../wire/bytes.js';
import type { AntiReplayStore } from './anti-replay.js';

/** What the adapter needs of a Redis client: EVAL with keys and arguments (node-redis's `createClient()` has it). */
export interface RedisAntiReplayClient {
  eval(script: string, options: { readonly keys: string[]; readonly arguments: string[] }): Promise<unknown>;
}

/** The client's former name. */
export type RedisSetClient = RedisAntiReplayClient;

/**
 * One script, run atomically by Redis: the store's epoch is `<run_id> <ms>` (Redis's run_id changes with every start;
 * the time is Redis's own clock). An epoch that is missing (a new or flushed store) or of another run (a restart, a
 * failover, a snapshot loaded) is set anew and the ClientHello refused; so is any ClientHello within `windowMs` of the
 * epoch, when a copy may have been taken before it and forgotten. Then the first SET NX of the binder wins.
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

/**
 * `prefix` as a Redis Cluster hash tag: the script reads the epoch key and writes a binder's key in one call, and a
 * cluster refuses a script whose keys hash to different slots (CROSSSLOT). A prefix that holds a tag of its own (`{…}`,
 * not empty) is kept; any other is wrapped whole, so `dtls13:0rtt:` makes `{dtls13:0rtt:}epoch` and
 * `{dtls13:0rtt:}<binder>`, all in the slot of `dtls13:0rtt:`. One store is then one slot of the cluster, on one
 * primary: the epoch check (that node's run ID) is that node's, as it must be.
 */
export function clusterTagged(prefix: string): string {
  return /\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

/**
 * The anti-replay store in Redis, shared by every server that uses the same Redis: `SET <prefix><binder> 1 NX PX
 * window` succeeds for the first ClientHello only, atomically across servers, and expires with the freshness window. A
 * Redis error refuses early data (the handshake goes on).
 *
 * A store that lost what it recorded must not take a flight it took before: Redis restarted without persistence (or
 * with a snapshot older than its last writes), flushed, or failed over. The store keeps an epoch, `<prefix>epoch` =
 * `<run_id> <ms>`, and refuses every ClientHello for one freshness window (20 s) after the epoch is set: after a
 * restart, and after a new Redis starts serving (docs/security/zero-rtt.md).
 */
export class RedisAntiReplay implements AntiReplayStore {
  private readonly client: RedisAntiReplayClient;
  /** The prefix as a Redis Cluster hash tag (see {@link clusterTagged}). */
  private readonly prefix: string;

  constructor(client: RedisAntiReplayClient, prefix = 'dtls13:0rtt:') {
    this.client = client;
    this.prefix = clusterTagged(prefix);
  }

  /** The key holding the store's epoch. */
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
