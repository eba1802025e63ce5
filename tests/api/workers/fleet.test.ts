/**
 * A fleet: two hosts (network namespaces, each a `dtls13` server on 2
 * workers) behind a real L4 UDP load balancer, Debian's nginx with its
 * stream module (`hash $remote_addr consistent`), and a real redis-server
 * as the fleet's 0-RTT anti-replay store; the ticket keys come from one
 * file both hosts read (ticketKeyFile). The client is this process, on 20
 * addresses of its own so the balancer's hash sends some to each host.
 * docs/scale-out.md shows the same configuration. Needs root, iproute2,
 * nginx and libnginx-mod-stream, redis-server (.ci/run installs them).
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { connect, type DtlsSession } from '../../../runtime/index.js';
import { Lines, TestBed, systemTool } from '../../support/netns.js';
import { AGE_STORE_SCRIPT } from '../../support/redis-server.js';
import { exchange, id } from './support.js';
import { workersTest, workersUnavailable } from './workers-test.js';

const PORT = 4433;
const LINK_PORT = 4500;
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
const HOST = fileURLToPath(new URL('./fixtures/fleet-host.ts', import.meta.url));

interface Fleet {
  readonly bed: TestBed;
  readonly dir: string;
  readonly vip: string;
  readonly children: ChildProcess[];
  /** A client address the balancer sends to each host, by host id. */
  readonly addressOf: Map<number, string>;
}

let fleet: Fleet | undefined;

/** nginx.conf for the balancer: UDP on the VIP, hashed by client address over the two hosts, from one source address. */
export function nginxConf(dir: string, vip: string, source: string, hosts: readonly string[]): string {
  return `load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 1;
daemon off;
master_process off; # one process here, so the test's teardown ends it with one signal (leave it out in production)
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 1024; }
stream {
    upstream dtls13_fleet {
        hash $remote_addr consistent;
${hosts.map((h) => `        server ${h}:${PORT};`).join('\n')}
    }
    server {
        listen ${vip}:${PORT} udp;
        proxy_pass dtls13_fleet;
        proxy_bind ${source};
        proxy_timeout 60s;
    }
}
`;
}

function started(child: ChildProcess, what: string): ChildProcess {
  child.on('error', (e) => console.error(`${what}: ${e.message}`));
  return child;
}

test.before(async () => {
  if (workersUnavailable !== undefined) return; // the hosts' listenWorkers would fail: the tests say why, skipped
  const bed = new TestBed();
  const o = bed.octet;
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-fleet-'));
  const children: ChildProcess[] = [];
  const lb = bed.namespace('l');
  const hosts = [bed.namespace('h'), bed.namespace('i')];
  const front = bed.link(lb, undefined, `10.216.${o}`);
  const vip = `10.216.${o}.1`;
  for (let k = 10; k < 30; k++) bed.exec(undefined, 'ip', 'addr', 'add', `10.216.${o}.${k}/24`, 'dev', front.b);
  // The balancer's own address for its side of the fleet (and Redis's): on its loopback, routed to by both hosts.
  const source = `10.219.${o}.1`;
  bed.exec(lb, 'ip', 'addr', 'add', `${source}/32`, 'dev', 'lo');
  const hostAddresses = hosts.map((ns, i) => {
    const subnet = `10.${217 + i}.${o}`;
    bed.link(lb, ns, subnet);
    bed.exec(ns, 'ip', 'route', 'add', `${source}/32`, 'via', `${subnet}.1`);
    // The hosts reach each other's fleet link through the balancer's namespace (their private network here).
    bed.exec(ns, 'ip', 'route', 'add', `10.${218 - i}.${o}.0/24`, 'via', `${subnet}.1`);
    return `${subnet}.2`;
  });
  bed.exec(lb, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
  const redis = started(
    spawn(
      systemTool('ip'),
      [
        'netns',
        'exec',
        lb,
        'redis-server',
        '--port',
        '6379',
        '--bind',
        source,
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'no',
      ],
      { stdio: 'ignore' },
    ),
    'redis-server',
  );
  children.push(redis);
  writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, vip, source, hostAddresses));
  const nginx = started(
    spawn(systemTool('ip'), ['netns', 'exec', lb, 'nginx', '-p', dir, '-c', join(dir, 'nginx.conf')], {
      stdio: 'ignore',
    }),
    'nginx',
  );
  children.push(nginx);
  writeFileSync(join(dir, 'cert.pem'), id.cert);
  writeFileSync(join(dir, 'key.pem'), id.key);
  writeFileSync(join(dir, 'ticket-keys'), `${randomBytes(32).toString('hex')}\n${randomBytes(32).toString('hex')}\n`);
  process.env.DTLS13_FLEET_REDIS = `redis://${source}:6379`;
  // The fleet's link: each host's workers at LINK_PORT + worker, authenticated with one key.
  process.env.DTLS13_FLEET_HOSTS = hostAddresses.map((a, i) => `${i + 1}=${a}:${LINK_PORT}`).join(',');
  process.env.DTLS13_FLEET_KEY = randomBytes(32).toString('hex');
  const ready = hosts.map((ns, i) => {
    const child = bed.node(ns, HOST, [
      String(i + 1),
      hostAddresses[i]!,
      String(PORT),
      join(dir, 'cert.pem'),
      join(dir, 'key.pem'),
      join(dir, 'ticket-keys'),
    ]);
    const lines = new Lines(child.stdout);
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    return lines.wait(/listening \d+|failed .*/, 120_000);
  });
  for (const line of await Promise.all(ready)) if (line[0].startsWith('failed')) throw new Error(line[0]);
  // The store refuses 0-RTT for a freshness window after it starts (redis-anti-replay.ts): make it a minute old.
  bed.exec(lb, 'redis-cli', '-h', source, '-p', '6379', 'EVAL', AGE_STORE_SCRIPT, '1', '{dtls13:0rtt:}epoch');
  // Which host the balancer gives each client address.
  const addressOf = new Map<number, string>();
  for (let k = 10; k < 30 && addressOf.size < 2; k++) {
    const address = `10.216.${o}.${k}`;
    const client = open(vip, address);
    await client.opened;
    const host = Number((await exchange(client, 'where')).match(/^h(\d+)/)![1]);
    if (!addressOf.has(host)) addressOf.set(host, address);
    await client.close();
  }
  fleet = { bed, dir, vip, children, addressOf };
});

test.after.always(() => {
  if (!fleet) return;
  for (const c of fleet.children) c.kill('SIGKILL');
  fleet.bed.destroy();
  rmSync(fleet.dir, { recursive: true, force: true });
});

function open(vip: string, bindHost: string, extra: Record<string, unknown> = {}): DtlsSession {
  return connect(vip, PORT, { ca: id.ca, servername: 'localhost', cid: 4, bindHost, ...extra });
}

workersTest.serial('the balancer spreads clients over both hosts', (t) => {
  t.deepEqual([...fleet!.addressOf.keys()].sort(), [1, 2], 'some client address hashed to each host');
});

workersTest.serial('a ticket issued by host 1 resumes on host 2 (the ticket keys of one file)', async (t) => {
  const { vip, addressOf } = fleet!;
  const first = open(vip, addressOf.get(1)!);
  await first.opened;
  t.is(await exchange(first, 'hello'), 'h1: hello');
  await first.ticket;
  const ticket = first.session!;
  await first.close();
  const second = open(vip, addressOf.get(2)!, { session: ticket });
  await second.opened;
  t.true(second.reused);
  t.is(await exchange(second, 'resumed'), 'h2: resumed');
  await second.close();
});

workersTest.serial(
  'a client whose new address the balancer sends to host 2 keeps its session on host 1: host 2 forwards its CID records over the fleet link and relays the answers',
  async (t) => {
    const { vip, addressOf } = fleet!;
    const client = open(vip, addressOf.get(1)!);
    await client.opened;
    t.is(await exchange(client, 'before'), 'h1: before');
    await client.rebind(addressOf.get(2)!); // an address the balancer hashes to host 2
    t.is(await exchange(client, 'after'), 'h1: after', 'still host 1: no new handshake on host 2');
    t.is(await exchange(client, 'again'), 'h1: again');
    t.false(client.reused);
    await client.close();
  },
);

workersTest.serial(
  '0-RTT taken by host 1 and replayed to host 2 is refused (the fleet\u2019s Redis store): a cookie exchange, no early data',
  async (t) => {
    const { vip, addressOf } = fleet!;
    const first = open(vip, addressOf.get(1)!);
    await first.opened;
    await first.ticket;
    const ticket = first.session!;
    await first.close();
    const sent: Buffer[] = [];
    const early = open(vip, addressOf.get(1)!, {
      session: ticket,
      earlyData: Buffer.from('once'),
      onDatagram: (direction: string, d: Uint8Array) => {
        if (direction === 'sent') sent.push(Buffer.from(d));
      },
    });
    await early.opened;
    t.is(early.parameters?.earlyData, 'accepted', 'host 1 took the early data');
    await early.close();
    const replay = createSocket('udp4');
    await new Promise<void>((resolve) => replay.bind(0, addressOf.get(2)!, () => resolve()));
    const answer = new Promise<Buffer>((resolve) => replay.once('message', resolve));
    replay.send(sent[0]!, PORT, vip);
    const reply = await answer;
    replay.close();
    t.is(reply[13], 2, 'a ServerHello');
    t.deepEqual(reply.subarray(27, 59), HRR_RANDOM, 'a HelloRetryRequest from host 2, not its early data taken again');
  },
);
