/**
 * A real Redis Cluster from Debian's redis-server: `count` primaries with
 * `cluster-enabled yes` on free loopback ports (each with its bus port,
 * +10000, free too), joined by `redis-cli --cluster create`, no replicas,
 * no persistence. stop() ends them and removes their directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningCluster {
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (+10000) is free too. */
async function clusterPort(taken: readonly number[]): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if (taken.includes(port) || taken.includes(port + 10_000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

const cli = (port: number, ...args: string[]): string =>
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '';

export async function startRedisCluster(count = 3): Promise<RunningCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) =>
            c.exitCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM')),
          ),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await clusterPort(ports);
      ports.push(port);
      const home = join(dir, String(port));
      mkdirSync(home);
      children.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--dir',
            home,
            '--save',
            '',
            '--appendonly',
            'no',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) {
      for (let i = 0; i < 200 && !cli(port, 'PING').startsWith('PONG'); i++)
        await new Promise((r) => setTimeout(r, 25));
    }
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      {
        encoding: 'utf8',
      },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) {
      for (let i = 0; i < 400 && !cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok'); i++)
        await new Promise((r) => setTimeout(r, 25));
      if (!cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok'))
        throw new Error(`cluster node ${port} never reached cluster_state:ok`);
    }
    return { ports, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
