/**
 * A real address change: the client runs in a network namespace of its
 * own, joined to this one by a veth pair (iproute2), and moves to a new
 * interface address mid-session. The server (here) checks the new address
 * with RRC (RFC 9853), moves the session and the data keeps flowing with
 * no new handshake; a datagram captured from the path and replayed from a
 * third address moves nothing; tcpdump on the veth measures what the server
 * sent to the unvalidated address against 3× what came from it.
 */
import test from 'ava';
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listen, type DtlsSession } from '../../runtime/index.js';
import { AMPLIFICATION_FACTOR } from '../../runtime/cid/path-validation.js';
import { pemIdentity } from '../api/fixtures.js';
import { udpDatagrams } from '../support/pcap-udp.js';
import { Lines } from '../support/netns.js';

const tag = process.pid % 100_000;
const NS = `d13c${tag}`;
const HOST_SIDE = `d13r${tag}`;
const NS_SIDE = `d13n${tag}`;
const net = `10.213.${tag % 250}`;
const SERVER = `${net}.1`;
const FIRST = `${net}.2`;
const SECOND = `${net}.3`;
const THIRD = `${net}.5`;
const CLIENT = fileURLToPath(new URL('./netns/client.ts', import.meta.url));

const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe' });
const inNs = (...args: string[]): void => ip('netns', 'exec', NS, 'ip', ...args);

/** Makes the namespace and the veth pair; returns why it cannot, if it cannot. */
function setUp(): string | undefined {
  try {
    ip('netns', 'add', NS);
  } catch (e) {
    return `ip netns add failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  ip('link', 'add', HOST_SIDE, 'type', 'veth', 'peer', 'name', NS_SIDE);
  ip('link', 'set', NS_SIDE, 'netns', NS);
  ip('addr', 'add', `${SERVER}/24`, 'dev', HOST_SIDE);
  ip('addr', 'add', `${THIRD}/24`, 'dev', HOST_SIDE);
  ip('link', 'set', HOST_SIDE, 'up');
  inNs('link', 'set', 'lo', 'up');
  inNs('addr', 'add', `${FIRST}/24`, 'dev', NS_SIDE);
  inNs('link', 'set', NS_SIDE, 'up');
  return undefined;
}

function tearDown(): void {
  spawnSync('ip', ['netns', 'del', NS]);
  spawnSync('ip', ['link', 'del', HOST_SIDE]);
}

const unavailable = spawnSync('ip', ['netns', 'list']).status === 0 ? setUp() : 'iproute2 is not installed';
test.after.always(tearDown);

/** tcpdump on the host side of the veth, once it writes packets (probes to a closed port in the namespace until it does). */
async function capture(file: string): Promise<{ stop: () => Promise<void> }> {
  const child = spawn('tcpdump', ['-i', HOST_SIDE, '--immediate-mode', '-U', '-n', '-w', file, 'udp'], {
    stdio: 'ignore',
  });
  const done = new Promise((r) => child.on('close', r));
  const probe = createSocket('udp4');
  for (let i = 0; !(existsSync(file) && statSync(file).size > 24); i++) {
    if (i > 100) throw new Error('tcpdump wrote nothing in 10 s');
    probe.send('probe', 9, FIRST);
    await new Promise((r) => setTimeout(r, 100));
  }
  probe.close();
  return {
    stop: async () => (await new Promise((r) => setTimeout(r, 300)), child.kill('SIGINT'), await done, undefined),
  };
}

const text = (label: string): string => `${label} ${'.'.repeat(100)}`;

if (unavailable !== undefined) {
  test.skip(`a client in another network namespace moves to a new address — not run: ${unavailable} (tests/cid/udp-migration.test.ts moves a client over loopback instead)`, () => {});
} else {
  test('a client in another network namespace moves to a new address: RRC, the session follows, data flows, a replay from a third address moves nothing', async (t) => {
    const id = pemIdentity('localhost');
    const dir = mkdtempSync(join(tmpdir(), 'dtls13-netns-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, id.ca);
    const pcap = join(dir, 'veth.pcap');
    const migrations: { from: string; to: string }[] = [];
    let server: DtlsSession | undefined;
    const endpoint = listen(
      (s) => {
        server = s;
        s.onmessage = (data) => s.send(`echo ${data.toString()}`);
        s.onmigrate = (from, to) =>
          migrations.push({ from: `${from.address}:${from.port}`, to: `${to.address}:${to.port}` });
      },
      { cert: id.cert, key: id.key, host: SERVER, port: 0, cid: { length: 4, spares: 2 } },
    );
    const { port } = await endpoint.listening;
    const tap = await capture(pcap);
    const child: ChildProcessWithoutNullStreams = spawn('ip', [
      'netns',
      'exec',
      NS,
      process.execPath,
      '--import=tsx',
      CLIENT,
      SERVER,
      String(port),
      caFile,
    ]);
    const out = new Lines(child.stdout);
    const err = new Lines(child.stderr);
    try {
      await out.wait(/opened/);
      child.stdin.write(`send ${text('one')}\n`);
      await out.wait(/reply echo one/);
      const firstAddress = server?.remoteAddress;
      t.is(firstAddress?.address, FIRST);
      // The capture of the path: the last datagram the client sent from its first address.
      const captured = [...err.all.matchAll(/^sent ([0-9a-f]+)$/gm)].at(-1)?.[1];
      t.truthy(captured);

      inNs('addr', 'add', `${SECOND}/24`, 'dev', NS_SIDE);
      child.stdin.write(`move ${SECOND}\n`);
      const moved = await out.wait(/moved ([\d.]+):(\d+)/);
      t.is(moved[1], SECOND);
      child.stdin.write(`send ${text('two')}\n`);
      await out.wait(/reply echo two/);
      for (let waited = 0; migrations.length === 0 && waited < 10_000; waited += 20)
        await new Promise((r) => setTimeout(r, 20));
      t.deepEqual(migrations, [{ from: `${FIRST}:${firstAddress?.port}`, to: `${SECOND}:${moved[2]}` }]);
      child.stdin.write(`send ${text('three')}\n`);
      await out.wait(/reply echo three/);
      t.is(server?.remoteAddress?.address, SECOND);
      t.is(endpoint.stats.migrations, 1);

      // The captured datagram again, from a third address. It carries the CID of the first path, which the server retired
      // once the client moved to a spare: dropped as an unknown CID before any session sees it. Nothing moves.
      const unknown = endpoint.stats.unknownConnectionId;
      const third = createSocket('udp4');
      await new Promise<void>((r) => third.bind(0, THIRD, () => r()));
      await new Promise<void>((r) => third.send(Buffer.from(captured!, 'hex'), port, SERVER, () => r()));
      child.stdin.write(`send ${text('four')}\n`);
      await out.wait(/reply echo four/);
      third.close();
      t.is(endpoint.stats.unknownConnectionId, unknown + 1);
      t.is(server?.remoteAddress?.address, SECOND);
      t.is(migrations.length, 1);
      t.is((out.all.match(/opened/g) ?? []).length, 1, 'one handshake');
      child.stdin.end('quit\n');
      await new Promise((r) => child.on('close', r));
    } finally {
      child.kill();
      await tap.stop();
      await endpoint.close();
    }
    // What crossed the veth: before the server's first datagram to the new address that is not a path_challenge (35 bytes
    // with a 4-byte CID), what it sent there stays within 3× what came from there.
    const serverAt = `${SERVER}:${port}`;
    const newAt = `${SECOND}:${movedPort(out.all)}`;
    const wire = udpDatagrams(pcap);
    const firstData = wire.findIndex((d) => d.from === serverAt && d.to === newAt && d.length !== 35);
    const before = wire.slice(0, firstData < 0 ? wire.length : firstData);
    const sent = before.filter((d) => d.from === serverAt && d.to === newAt).reduce((n, d) => n + d.length, 0);
    const received = before.filter((d) => d.to === serverAt && d.from === newAt).reduce((n, d) => n + d.length, 0);
    t.true(sent > 0, 'path challenges went to the new address');
    t.true(sent <= AMPLIFICATION_FACTOR * received, `${sent} bytes to the unvalidated address for ${received} from it`);
    t.log(`to the unvalidated address: ${sent} bytes for ${received} received (limit ${AMPLIFICATION_FACTOR}×)`);
    rmSync(dir, { recursive: true, force: true });
  });
}

function movedPort(all: string): string {
  return all.match(/moved [\d.]+:(\d+)/)?.[1] ?? '';
}
