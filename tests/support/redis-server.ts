import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { createClient } from 'redis';
import { RedisAntiReplay } from '../../runtime/session/redis-anti-replay.js';

/** A real redis-server (Debian's package) on a free loopback port, with no persistence; stop() ends it. */
export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => c.write('PING\r\n'));
    c.once('data', (d) => {
      c.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * A redis-server on `port` (default: a free one), e.g. the same port again to restart one that stopped; `config`:
 * more of its command-line settings (`['--maxmemory', '4mb']`).
 */
export async function startRedis(port?: number, config: readonly string[] = []): Promise<RunningRedis> {
  port ??= await freeTcpPort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...config],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 200 && !exited; i++) {
    if (await answersPing(port)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: () =>
          new Promise<void>((resolve) =>
            exited ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')),
          ),
      };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error(
    `redis-server did not answer on port ${port}${exited ? ' (it exited: is redis-server installed?)' : ''}`,
  );
}

/**
 * A Lua script (KEYS[1]: the store's key) that makes a RedisAntiReplay store look as if it had been serving for a
 * minute under the redis-server running now: its epoch member a minute back, no binders. A store refuses 0-RTT for one
 * freshness window after it starts (runtime/session/redis-anti-replay.ts), which a test that wants early data taken
 * at once skips this way (also with `redis-cli EVAL`, or on a cluster's node).
 */
export const AGE_STORE_SCRIPT =
  "local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)') local t = redis.call('TIME') " +
  "redis.call('DEL', KEYS[1]) " +
  "redis.call('ZADD', KEYS[1], '+inf', 'epoch ' .. run .. ' ' .. (tonumber(t[1]) * 1000 - 60000)) return 1";

/** Ages the RedisAntiReplay store at `url` with {@link AGE_STORE_SCRIPT}. */
export async function ageAntiReplayStore(url: string, prefix = 'dtls13:0rtt:'): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    await client.eval(AGE_STORE_SCRIPT, { keys: [new RedisAntiReplay(client, prefix).epochKey], arguments: [] });
  } finally {
    await client.quit();
  }
}
