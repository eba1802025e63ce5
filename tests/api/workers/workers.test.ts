import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLoopback } from '../../dissect/tcpdump.js';
import { udpDatagrams } from '../../support/pcap-udp.js';
import { createSocket } from 'node:dgram';
import { ConfigError, DtlsListener, connect, listen } from '../../../runtime/index.js';
import { DtlsWorkerListener, listenWorkers } from '../../../runtime/workers.js';
import { ECHO_WORKER, clientOn, exchange, hashedWorker, id, until, workerOf, workersServer } from './support.js';
import { workersTest } from './workers-test.js';

/**
 * listenWorkers(module, { workers: 2 }) over real UDP on 127.0.0.1: two worker threads,
 * each with its own SO_REUSEPORT socket on one port, the native addon's
 * steering program sending each CID record to the worker its CID names.
 * (tests/api/workers/forwarding.test.ts: the same without the program.)
 */

/** ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

workersTest(
  'two workers share the port and their ticket keys: a ticket issued by one worker resumes on the other',
  async (t) => {
    const server = workersServer(t);
    const { port } = await server.listening;
    t.true(server.stats.steered, 'the steering program is attached (native addon)');
    const first = await clientOn(t, port, 0);
    await first.ticket;
    const ticket = first.session!;
    await first.close();
    const second = await clientOn(t, port, 1, { session: ticket });
    t.true(second.reused, 'resumed on worker 1 with worker 0\u2019s ticket');
    t.is(await exchange(second, 'resumed'), '1: resumed');
    await second.close();
    await until(() => server.stats.serverSessions >= 2);
    t.true(
      server.stats.workers.every((w) => w.serverSessions > 0),
      'both workers served',
    );
    await server.close();
    t.false(server.stats.isConnected);
  },
);

workersTest(
  '0-RTT replayed to the other worker is refused: the workers share the anti-replay store (a cookie exchange, no early data)',
  async (t) => {
    const server = workersServer(t);
    const { port } = await server.listening;
    const first = await clientOn(t, port, 0);
    await first.ticket;
    const ticket = first.session!;
    await first.close();
    const sent: Buffer[] = [];
    const early = connect('127.0.0.1', port, {
      ca: id.ca,
      servername: 'localhost',
      cid: 4,
      session: ticket,
      earlyData: Buffer.from('once only'),
      onDatagram: (direction, d) => {
        if (direction === 'sent') sent.push(Buffer.from(d));
      },
    });
    t.teardown(() => early.close());
    await early.opened;
    t.is(early.parameters?.earlyData, 'accepted');
    const genuine = workerOf(await exchange(early, 'after'));
    await early.close();
    // The captured ClientHello (with its early data) sent again from a port the kernel's hash gives the other worker.
    let replayPort = 0;
    for (let p = 40_000 + (process.pid % 10_000); replayPort === 0; p++)
      if ((await hashedWorker(server, p)) !== genuine) replayPort = p;
    const replay = createSocket('udp4');
    await new Promise<void>((resolve) => replay.bind(replayPort, '127.0.0.1', () => resolve()));
    const answer = new Promise<Buffer>((resolve) => replay.once('message', resolve));
    replay.send(sent[0]!, port, '127.0.0.1');
    const reply = await answer;
    replay.close();
    t.is(reply[0], 22, 'a handshake record');
    t.is(reply[13], 2, 'a ServerHello');
    t.deepEqual(
      reply.subarray(27, 59),
      HRR_RANDOM,
      'a HelloRetryRequest: the cookie exchange, not the early data taken a second time',
    );
    await server.close();
  },
);

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  workersTest(
    `${version}: a client that rebinds to new ports keeps its session on its worker: the kernel steers its CID records there from any port`,
    async (t) => {
      const server = workersServer(t);
      const { port } = await server.listening;
      // Six moves hash to worker 0 alone one time in 64 (the kernel's hash of address and port), and then show nothing:
      // a session moves through rounds of six ports until one of its ports would have gone to worker 1 without the CID.
      const hashed: number[] = [];
      for (let round = 0; round < 4 && !hashed.includes(1); round++) {
        const client = await clientOn(t, port, 0, { cid: 4, maxVersion: version });
        t.is(client.protocol, version);
        const ports: number[] = [];
        for (let i = 0; i < 6; i++) {
          const moved = await client.rebind();
          ports.push(moved.port);
          t.is(await exchange(client, `move ${i}`), `0: move ${i}`);
        }
        await client.close();
        for (const p of ports) hashed.push(await hashedWorker(server, p));
      }
      await until(() => server.stats.migrations >= 1);
      t.true(server.stats.migrations >= 1, 'the session moved to a new path (RFC 9853; RFC 9146 §6 in 1.2)');
      t.is(
        server.stats.forwardedOut,
        0,
        'nothing forwarded between workers: the kernel put every CID record on its owner\u2019s socket',
      );
      t.true(hashed.includes(1), `some new port hashes to worker 1 (${hashed.join(', ')})`);
      await server.close();
    },
  );
}

workersTest(
  'forged CIDs naming the other worker, no worker, or another host: dropped and counted, nothing forwarded, the server keeps serving',
  async (t) => {
    const server = workersServer(t);
    const { port } = await server.listening;
    const client = await clientOn(t, port, 0);
    const attacker = createSocket('udp4');
    await new Promise<void>((resolve) => attacker.bind(0, '127.0.0.1', () => resolve()));
    const forged = (host: number, worker: number, length: number): Buffer => {
      const d = Buffer.alloc(length, 0xa5);
      d[0] = 0x3c; // 001 C=1 S=1 L=1 EE=00
      d[1] = host;
      d[2] = worker;
      return d;
    };
    const before = server.stats.bytesReceived;
    let sent = 0;
    for (let i = 0; i < 200; i++) {
      for (const d of [forged(0, 1, 100), forged(0, 7, 60), forged(9, 0, 80), forged(0, 255, 3), Buffer.of(0x3c)]) {
        attacker.send(d, port, '127.0.0.1');
        sent += d.length;
      }
      // Paced by what the workers have read (their stats), not by time: nothing piles up in the receiving socket's buffer.
      if (i % 25 === 24) await until(() => server.stats.bytesReceived - before >= sent);
    }
    await until(() => server.stats.bytesReceived - before >= sent);
    attacker.close();
    t.is(await exchange(client, 'still here'), '0: still here');
    const s = server.stats;
    t.is(s.forwardedOut, 0);
    t.true(s.unknownOwner > 0, 'CIDs naming no worker of this host');
    t.true(s.unknownConnectionId > 0, 'CIDs of the right worker that no session holds');
    await client.close();
    await server.close();
  },
);

workersTest(
  'the socket options reach every worker\u2019s socket: udpReceiveBufferSize and udpSendBufferSize (read back with ss), udpTTL (in a capture)',
  async (t) => {
    // Below stock Linux's net.core.rmem_max / wmem_max (212,992), so it is granted whole on any machine: doubled, it is
    // more than the default buffer the kernel would otherwise report.
    const size = 150_000;
    const server = workersServer(t, { udpReceiveBufferSize: size, udpSendBufferSize: size, udpTTL: 9 });
    const { port } = await server.listening;
    // ss prints each UDP socket on the port with its memory: skmem:(r0,rb<receive buffer>,t0,tb<send buffer>,...).
    const out = execFileSync('ss', ['-uamnH', 'sport', '=', `:${port}`], { encoding: 'utf8' });
    const buffers = [...out.matchAll(/skmem:\(r\d+,rb(\d+),t\d+,tb(\d+)/g)].map((m) => ({
      rb: Number(m[1]),
      tb: Number(m[2]),
    }));
    t.is(buffers.length, 2, `one socket per worker on port ${port}: ${out}`);
    // Linux doubles what is asked for (bookkeeping); the defaults (212,992) are below that.
    for (const b of buffers) {
      t.true(b.rb >= 2 * size, `SO_RCVBUF ${b.rb}`);
      t.true(b.tb >= 2 * size, `SO_SNDBUF ${b.tb}`);
    }
    // Every datagram the workers send carries the TTL asked for (the client's carry Linux's default, 64).
    const dir = mkdtempSync(join(tmpdir(), 'dtls13-workers-ttl-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'ttl.pcap');
    const capture = await captureLoopback(file, [port]);
    const client = await clientOn(t, port, 1);
    t.is(await exchange(client, 'sized'), '1: sized');
    await client.close();
    await capture.stop();
    const fromServer = udpDatagrams(file).filter((d) => d.from === `127.0.0.1:${port}`);
    t.true(fromServer.length >= 2, `the workers' datagrams were captured (${fromServer.length})`);
    t.deepEqual([...new Set(fromServer.map((d) => d.ttl))], [9], 'udpTTL on every datagram the workers sent');
    await server.close();
  },
);

test('workers: bad options are ConfigErrors at listen, naming the option', (t) => {
  const base = { cert: id.cert, key: id.key, host: '127.0.0.1' };
  t.throws(() => listen(() => {}, { ...base, workers: 2 }), {
    instanceOf: ConfigError,
    message: /option workers: .*module/,
  });
  t.throws(() => listenWorkers(ECHO_WORKER, { ...base, workers: 0 }), {
    instanceOf: ConfigError,
    message: /option workers: .*1\.\.64/,
  });
  t.throws(() => listenWorkers(ECHO_WORKER, { ...base, workers: 2, sni: () => undefined }), {
    instanceOf: ConfigError,
    message: /option sni: .*worker module/,
  });
  t.throws(
    () => listenWorkers(ECHO_WORKER, { ...base, workers: 2, cid: { length: 8, generate: (n) => new Uint8Array(n) } }),
    {
      instanceOf: ConfigError,
      message: /option cid\.generate/,
    },
  );
  t.throws(() => listenWorkers(ECHO_WORKER, { ...base, workers: 2, cid: 4 }), {
    instanceOf: ConfigError,
    message: /option cid\.length: .*6\.\.20/,
  });
  t.throws(() => listenWorkers(ECHO_WORKER, { ...base, workers: 2, hostId: 256 }), {
    instanceOf: ConfigError,
    message: /option hostId/,
  });
  t.throws(() => listen(() => {}, { ...base, hostId: 1 }), {
    instanceOf: ConfigError,
    message: /option hostId: needs workers/,
  });
});

workersTest(
  "the deprecated listen(module, { workers }) is listenWorkers: its checks and its listener's class",
  async (t) => {
    const base = { cert: id.cert, key: id.key, host: '127.0.0.1' };
    t.throws(() => listen(ECHO_WORKER, { ...base, workers: 0 }), {
      instanceOf: ConfigError,
      message: /option workers: .*1\.\.64/,
    });
    const server = listen(new URL('./fixtures/no-such-module.ts', import.meta.url), { workers: 1, ...base });
    t.true(server instanceof DtlsWorkerListener);
    await t.throwsAsync(server.listening, { message: /no-such-module/ });
    await t.throwsAsync(server.closed);
  },
);

workersTest('a worker module that does not load: listening and closed reject with why', async (t) => {
  const server = listenWorkers(new URL('./fixtures/no-such-module.ts', import.meta.url), {
    workers: 2,
    cert: id.cert,
    key: id.key,
    host: '127.0.0.1',
  });
  await t.throwsAsync(server.listening, { message: /no-such-module/ });
  await t.throwsAsync(server.closed);
});

workersTest(
  'a listener on workers is a DtlsListener: busy reaches every worker, its stats have every name a listener has',
  async (t) => {
    const server = workersServer(t);
    const { port } = await server.listening;
    t.true(server instanceof DtlsListener);
    const one = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1' });
    t.teardown(() => one.close());
    const names = Object.keys(server.stats.toJSON());
    t.deepEqual(
      Object.keys(one.stats.toJSON()).filter((n) => !names.includes(n)),
      [],
      "every name of a listener's stats",
    );
    server.busy = true;
    t.true(server.busy);
    const waiting = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
    t.teardown(() => waiting.destroy());
    await until(() => server.stats.serverBusyCount > 0);
    t.true(server.stats.serverBusyCount > 0, 'a worker dropped the ClientHello, and counted it');
    t.is(server.stats.serverSessions, 0);
    server.busy = false;
    await waiting.opened; // its ClientHello again, taken
    t.regex(await exchange(waiting, 'served'), /^[01]: served$/);
    await until(() => server.stats.serverSessions === 1); // the workers' rows: written after each read of their socket
    t.is(server.stats.serverSessions, 1);
  },
);
