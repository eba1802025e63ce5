import test from 'ava';
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { DatagramIo } from '../../runtime/node/datagram-io.js';

/**
 * DatagramIo.receive, the server's reading: its own (recvmmsg, UDP GRO) with
 * the addon on Linux, node:dgram's otherwise; the datagrams delivered must
 * be the ones sent, whole and in order, whichever way they were read.
 */
const OWN_READING =
  process.platform === 'linux' &&
  nativeBinding?.udpReceiveStart !== undefined &&
  !['0', 'off', 'false', 'no'].includes(process.env.DTLS13_UDP_BATCH ?? '');

async function bound(s: Socket = createSocket('udp4'), port = 0): Promise<Socket> {
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => {
      s.off('error', reject);
      resolve();
    });
  });
  s.setRecvBufferSize(4 * 1024 * 1024);
  return s;
}

function datagram(i: number, size: number): Uint8Array {
  const d = new Uint8Array(size);
  for (let k = 0; k < size; k++) d[k] = (i * 13 + k) & 255;
  return d;
}

/** Starts the reading with receive(); `until(n)` resolves once n datagrams came (or with what came, 5 s after the last one). */
function receiving(
  io: DatagramIo,
  gro?: boolean,
): { data: Uint8Array[]; from: string[]; until: (n: number) => Promise<void> } {
  const data: Uint8Array[] = [];
  const from: string[] = [];
  let waiting: { n: number; resolve: () => void; timer: NodeJS.Timeout } | undefined;
  io.receive(
    (d, address, port) => {
      data.push(d);
      from.push(`${address}:${port}`);
      if (waiting === undefined) return;
      clearTimeout(waiting.timer);
      if (data.length >= waiting.n) waiting.resolve();
      else waiting.timer = setTimeout(waiting.resolve, 5000);
    },
    gro === undefined ? {} : { gro },
  );
  const until = (n: number): Promise<void> =>
    new Promise((resolve) => {
      if (data.length >= n) return resolve();
      waiting = { n, resolve, timer: setTimeout(resolve, 5000) };
    });
  return { data, from, until };
}

/**
 * Sends `out` to `rx` in bursts of at most 32 datagrams (each burst's equal runs one GSO send), each once the one before
 * has arrived: a larger burst could overflow loopback's queues on a loaded machine, and a lost datagram is not what
 * these tests are about.
 */
async function sendInBursts(
  tx: Socket,
  rx: Socket,
  out: readonly Uint8Array[],
  r: ReturnType<typeof receiving>,
): Promise<void> {
  for (let at = 0; at < out.length; at += 32) {
    const burst = out.slice(at, at + 32);
    DatagramIo.of(tx).send(burst, burst.length, rx.address().port, '127.0.0.1', false, () => {});
    await r.until(at + burst.length);
  }
}

// Equal runs (one GSO send each on the sender, coalesced by GRO on the receiver), shorter ones ending runs, an empty one, odd sizes.
const SIZES = [
  ...Array<number>(40).fill(1200),
  300,
  0,
  ...Array<number>(20).fill(1229),
  1300,
  1300,
  5,
  5,
  5,
  1,
  ...Array<number>(30).fill(1200),
];

async function roundTrip(
  t: import('ava').ExecutionContext,
  setUp: (io: DatagramIo) => void,
  gro?: boolean,
): Promise<DatagramIo> {
  const rx = createSocket('udp4');
  const io = DatagramIo.of(rx);
  setUp(io);
  const r = receiving(io, gro); // before the bind: the reading starts once bound
  await bound(rx);
  const tx = await bound();
  const out = SIZES.map((size, i) => datagram(i, size));
  await sendInBursts(tx, rx, out, r);
  const { data, from } = r;
  t.deepEqual(
    data.map((d) => d.length),
    SIZES,
  );
  for (let i = 0; i < SIZES.length; i++) t.deepEqual(data[i], out[i], `datagram ${i}`);
  t.true(from.every((f) => f === `127.0.0.1:${tx.address().port}`));
  // Each delivered datagram is its own copy: changing one changes no other.
  data[0]!.fill(0);
  t.deepEqual(data[1], out[1]);
  rx.close();
  tx.close();
  return io;
}

const GRO =
  'own reading with UDP GRO: coalesced runs are split back into the datagrams sent, in order, each from its sender';
// Without the addon's reading node:dgram reads every datagram: 'batching off' below and the GRO-off test check that path.
if (!OWN_READING)
  test.skip(`${GRO} — not run: no reading of its own here (Linux and the addon with udpReceiveStart, DTLS13_UDP_BATCH not off)`, () => {});
else
  test(GRO, async (t) => {
    const io = await roundTrip(t, () => {});
    t.true(io.reading.own);
    t.is(io.counts.readDatagrams, SIZES.length);
    t.log(`UDP GRO ${io.reading.gro ? 'on' : 'refused by this kernel'}: ${JSON.stringify(io.counts)}`);
    if (io.reading.gro)
      t.true(io.counts.groBuffers > 0 && io.counts.groDatagrams > io.counts.groBuffers, JSON.stringify(io.counts));
  });

test('own reading with GRO off: recvmmsg alone, the same datagrams', async (t) => {
  const io = await roundTrip(t, () => {}, false);
  t.false(io.reading.gro);
  t.is(io.counts.groBuffers, 0);
  t.is(io.reading.own, OWN_READING);
});

test('batching off (the fallback): node:dgram reads, the same datagrams', async (t) => {
  const io = await roundTrip(t, (x) => x.setBatching(false));
  t.false(io.reading.own);
  t.is(io.counts.reads, 0);
});

test('a closed socket releases its port: the duplicate descriptor the own reading watched is closed with it', async (t) => {
  const rx = createSocket('udp4');
  const io = DatagramIo.of(rx);
  let delivered = 0;
  io.receive(() => delivered++);
  await bound(rx);
  const port = rx.address().port;
  t.is(io.reading.own, OWN_READING);
  await new Promise<void>((resolve) => rx.close(() => resolve())); // the 'close' event: the watcher stopped, the duplicate closed
  t.false(io.reading.own);
  // Only free again when no descriptor of the old socket is open (no SO_REUSEADDR/REUSEPORT here).
  const again = await bound(createSocket('udp4'), port);
  t.is(again.address().port, port);
  const tx = await bound();
  const arrived = new Promise<void>((resolve) => again.once('message', () => resolve()));
  tx.send(new Uint8Array([1, 2, 3]), port, '127.0.0.1');
  await arrived;
  t.is(delivered, 0, 'nothing reached the closed socket’s reader');
  again.close();
  tx.close();
});

test("a connected socket's ICMP error is its 'error' as node:dgram's (recvmsg ECONNREFUSED), and the reading goes on after it", async (t) => {
  const rx = createSocket('udp4');
  const io = DatagramIo.of(rx);
  const r = receiving(io);
  await bound(rx);
  // A peer that is gone: its port closed, so the kernel answers rx's datagram with ICMP port unreachable.
  const gone = await bound();
  const port = gone.address().port;
  await new Promise<void>((resolve) => gone.close(() => resolve()));
  await new Promise<void>((resolve, reject) =>
    rx.connect(port, '127.0.0.1', (e?: Error) => (e ? reject(e) : resolve())),
  );
  t.is(io.reading.own, OWN_READING);
  const refused = new Promise<NodeJS.ErrnoException>((resolve) => rx.once('error', resolve));
  rx.send(new Uint8Array([1]));
  const error = await refused;
  t.like(error, { code: 'ECONNREFUSED', syscall: 'recvmsg', message: 'recvmsg ECONNREFUSED' });
  t.true(typeof error.errno === 'number' && error.errno < 0);
  // The peer is back on its port: its datagrams are read as before (libuv stopped the watch that saw the error).
  const back = await bound(createSocket('udp4'), port);
  back.send(datagram(1, 100), rx.address().port, '127.0.0.1');
  await r.until(1);
  t.deepEqual(r.data, [datagram(1, 100)]);
  t.is(io.reading.own, OWN_READING);
  rx.close();
  back.close();
});

test('the endpoint counters see every datagram, however it was read (counts)', async (t) => {
  const rx = createSocket('udp4');
  const io = DatagramIo.of(rx);
  const r = receiving(io);
  await bound(rx);
  const tx = await bound();
  await sendInBursts(
    tx,
    rx,
    SIZES.map((size, i) => datagram(i, size)),
    r,
  );
  t.is(io.counts.datagramsIn, SIZES.length);
  t.is(
    io.counts.bytesIn,
    SIZES.reduce((a, b) => a + b, 0),
  );
  rx.close();
  tx.close();
});

test('socket.unref() lets the process exit while the own reading watches the socket (the watcher is unreferenced with it)', async (t) => {
  const module = fileURLToPath(new URL('../../runtime/node/datagram-io.ts', import.meta.url));
  const script = [
    "import { createSocket } from 'node:dgram';",
    `import { DatagramIo } from ${JSON.stringify(module)};`,
    "const s = createSocket('udp4');",
    'const io = DatagramIo.of(s);',
    'io.receive(() => {});',
    "s.bind(0, '127.0.0.1', () => { console.log(io.reading.own); s.unref(); });",
  ].join('\n');
  // Without the unref reaching the watcher the child never exits: killed after 20 s, it fails here. (Not spawnSync: it
  // would stop this process's event loop, and the other tests' sockets with it.)
  const child = await new Promise<{ error: (Error & { killed?: boolean }) | null; stdout: string; stderr: string }>(
    (resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { encoding: 'utf8', timeout: 20_000 },
        (error, stdout, stderr) => resolve({ error, stdout, stderr }),
      ),
  );
  t.falsy(child.error?.killed, 'the process had to be killed: something kept its event loop alive');
  t.is(child.error, null, child.stderr);
  t.is(child.stdout.trim(), String(OWN_READING));
});

test('lend: protected-record datagrams (a 1.3 unified header 0b001xxxxx, a 1.2 application_data or tls12_cid record, 23 or 25) come as views of the receive buffer, whole while delivered; the rest as copies', async (t) => {
  const rx = createSocket('udp4');
  const io = DatagramIo.of(rx);
  const seen: { view: boolean; bytes: Uint8Array; first: number; d: Uint8Array }[] = [];
  let arrived = 0;
  let all: (() => void) | undefined;
  // A unified header (0x2c..0x3f), DTLS 1.2 / plaintext content types (21, 22, 23, 25), and an empty datagram.
  const firsts = [0x2e, 0x2e, 0x3f, 22, 0x2c, 23, 25, 21, 0x20];
  const out = firsts.map((f, i) => {
    const d = datagram(i, 1200);
    d[0] = f;
    return d;
  });
  io.receive(
    (d) => {
      // Copied here, while the datagram is being delivered: what the caller is promised.
      seen.push({ view: d.buffer.byteLength !== d.length, bytes: Uint8Array.from(d), first: d[0]!, d });
      if (++arrived === out.length) all?.();
    },
    { lend: true },
  );
  await bound(rx);
  const tx = await bound();
  const done = new Promise<void>((resolve) => (all = resolve));
  DatagramIo.of(tx).send(out, out.length, rx.address().port, '127.0.0.1', false, () => {});
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 5000))]);
  t.is(seen.length, out.length);
  for (let i = 0; i < out.length; i++) t.deepEqual(seen[i]!.bytes, out[i], `datagram ${i} whole while delivered`);
  t.is(io.reading.own, OWN_READING);
  if (OWN_READING) {
    t.deepEqual(
      seen.map((s) => s.view),
      firsts.map((f) => (f & 0xe0) === 0x20 || f === 23 || f === 25),
      'views exactly for the unified-header and 1.2 application_data and tls12_cid datagrams',
    );
    // The copies are their own arrays: unchanged after later reads.
    for (let i = 0; i < out.length; i++) if (!seen[i]!.view) t.deepEqual(seen[i]!.d, out[i]);
  }
  rx.close();
  tx.close();
});
