import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { DatagramIo, parseIpv4 } from '../../runtime/node/datagram-io.js';
import { ipv6Unavailable } from '../support/ipv6.js';

/** Batching applies here: Linux, the addon built and not disabled. Elsewhere the same tests check the node:dgram path. */
const BATCHING =
  process.platform === 'linux' &&
  nativeBinding !== undefined &&
  !['0', 'off', 'false', 'no'].includes(process.env.DTLS13_UDP_BATCH ?? '');

async function bound(type: 'udp4' | 'udp6' = 'udp4'): Promise<Socket> {
  const s = createSocket(type);
  await new Promise<void>((resolve) => s.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', resolve));
  s.setRecvBufferSize(4 * 1024 * 1024); // a burst must not overflow the socket (the kernel may give less: the bursts stay small)
  return s;
}

/** Datagram i: `size(i)` bytes, each (i * 7 + offset) & 255. */
function datagram(i: number, size: number): Uint8Array {
  const d = new Uint8Array(size);
  for (let k = 0; k < size; k++) d[k] = (i * 7 + k) & 255;
  return d;
}

/**
 * Receives `n` datagrams on `rx`, each 'message' followed by a drain, as the
 * UDP server does; gives up (with what came) 5 s after the last one, so a lost
 * datagram fails the test instead of hanging it.
 */
function collect(rx: Socket, n: number): Promise<{ data: Uint8Array[]; from: string[]; events: number }> {
  const io = DatagramIo.of(rx);
  const data: Uint8Array[] = [];
  const from: string[] = [];
  let events = 0;
  return new Promise((resolve) => {
    const done = (): void => {
      rx.off('message', onMessage);
      resolve({ data, from, events });
    };
    let timer = setTimeout(done, 5000);
    const take = (d: Uint8Array, address: string, port: number): void => {
      data.push(d);
      from.push(`${address}:${port}`);
      clearTimeout(timer);
      if (data.length === n) done();
      else timer = setTimeout(done, 5000);
    };
    const onMessage = (msg: Buffer, rinfo: { address: string; port: number }): void => {
      events++;
      take(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), rinfo.address, rinfo.port);
      io.drain(take);
    };
    rx.on('message', onMessage);
  });
}

test('parseIpv4 takes dotted quads only', (t) => {
  t.is(parseIpv4('127.0.0.1'), 0x7f000001);
  t.is(parseIpv4('255.255.255.255'), 0xffffffff);
  t.is(parseIpv4('0.0.0.0'), 0);
  t.is(parseIpv4('10.1.2.3'), 0x0a010203);
  for (const bad of [
    '',
    'localhost',
    '::1',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '1..2.3',
    '01.2.3.4',
    '1.2.3.4 ',
    '-1.2.3.4',
    '1.2.3.',
  ])
    t.is(parseIpv4(bad), -1, bad);
});

test('a burst sent in one call arrives whole and in order; behind the first datagram the rest are drained in batches', async (t) => {
  const rx = await bound();
  const tx = await bound();
  const n = 100;
  const sizes = Array.from({ length: n }, (_, i) => (i === 50 ? 60_000 : 1 + ((i * 97) % 600)));
  const got = collect(rx, n);
  const out = Array.from({ length: n }, (_, i) => datagram(i, sizes[i]!));
  let sent = 0;
  DatagramIo.of(tx).send(out, n, rx.address().port, '127.0.0.1', false, () => sent++);
  const { data, from, events } = await got;
  t.is(sent, n, 'every datagram reported as sent');
  t.deepEqual(
    data.map((d) => d.length),
    sizes,
    'every datagram, none cut short (a 60,000-byte one included), in order',
  );
  for (let i = 0; i < n; i++) t.deepEqual(data[i], out[i], `datagram ${i}`);
  t.true(
    from.every((f) => f === `127.0.0.1:${tx.address().port}`),
    'each with its sender',
  );
  const rxCounts = DatagramIo.of(rx).counts;
  const txCounts = DatagramIo.of(tx).counts;
  if (BATCHING) {
    t.is(txCounts.batchedDatagramsSent, n, 'sent by sendmmsg');
    t.true(
      rxCounts.drainedDatagrams > 0 && events < n,
      `received ${rxCounts.drainedDatagrams} by recvmmsg, ${events} by node:dgram`,
    );
    t.is(rxCounts.drainedDatagrams + events, n);
  } else {
    t.is(txCounts.batchedDatagramsSent, 0);
    t.is(events, n, 'every datagram through node:dgram');
  }
  rx.close();
  tx.close();
});

test('drained datagrams are copies: a later drain does not change what an earlier one delivered', async (t) => {
  const rx = await bound();
  const tx = await bound();
  const n = 40;
  const got = collect(rx, n);
  const out = Array.from({ length: n }, (_, i) => datagram(i, 300));
  DatagramIo.of(tx).send(out, n, rx.address().port, '127.0.0.1', false, () => {});
  const { data } = await got;
  const second = collect(rx, n);
  DatagramIo.of(tx).send(
    out.map((d) => d.map((b) => b ^ 0xff)),
    n,
    rx.address().port,
    '127.0.0.1',
    false,
    () => {},
  );
  t.is((await second).data.length, n);
  t.is(data.length, n);
  for (let i = 0; i < n; i++) t.deepEqual(data[i], out[i], `datagram ${i} kept its bytes`);
  rx.close();
  tx.close();
});

test('a connected socket sends to its peer; a closed one is never written to (node:dgram refuses, as it does alone)', async (t) => {
  const rx = await bound();
  const tx = createSocket('udp4');
  await new Promise<void>((resolve) => tx.connect(rx.address().port, '127.0.0.1', resolve));
  const got = collect(rx, 3);
  const io = DatagramIo.of(tx);
  t.is(io.batched, BATCHING);
  io.send([datagram(1, 10), datagram(2, 20), datagram(3, 30)], 3, rx.address().port, '127.0.0.1', true, () => {});
  const { data } = await got;
  t.deepEqual(
    data.map((d) => d.length),
    [10, 20, 30],
  );
  await new Promise<void>((resolve) => tx.close(resolve));
  t.false(io.batched, 'no descriptor once closed');
  t.throws(() => io.send([datagram(4, 10)], 1, rx.address().port, '127.0.0.1', true, () => {}), {
    code: 'ERR_SOCKET_DGRAM_NOT_RUNNING',
  });
  rx.close();
});

test('a name instead of an address goes through node:dgram', async (t) => {
  const rx = await bound('udp4');
  const tx = await bound('udp4');
  const got = collect(rx, 2);
  const io = DatagramIo.of(tx);
  io.send([datagram(1, 10), datagram(2, 11)], 2, rx.address().port, 'localhost', false, () => {});
  const { data } = await got;
  t.is(data.length, 2);
  t.is(io.counts.batchedDatagramsSent, 0, 'a name is left to node:dgram to resolve');
  rx.close();
  tx.close();
});

const IPV6 = 'an IPv6 socket goes through node:dgram (not batched)';
const noIpv6 = ipv6Unavailable();
if (noIpv6 !== undefined) test.skip(`${IPV6} — not run: ${noIpv6}`, () => {});
else
  test(IPV6, async (t) => {
    const six = await bound('udp6');
    t.false(DatagramIo.of(six).batched, 'IPv6 sockets are not batched');
    six.close();
  });

test('runs of equal datagrams (one UDP GSO send each where the kernel has it) arrive as the datagrams they were, in order', async (t) => {
  const rx = await bound();
  const tx = await bound();
  // 60 of 1,229 bytes (two GSO runs: 65,000 bytes at most per send), a shorter one ending a run, a longer one, then equal again.
  const sizes = [...Array<number>(60).fill(1229), 700, 1300, 1300, 1300, 5, 5, 5, 1];
  const got = collect(rx, sizes.length);
  const out = sizes.map((size, i) => datagram(i, size));
  let sent = 0;
  DatagramIo.of(tx).send(out, out.length, rx.address().port, '127.0.0.1', false, () => sent++);
  const { data } = await got;
  t.is(sent, sizes.length);
  t.deepEqual(
    data.map((d) => d.length),
    sizes,
  );
  for (let i = 0; i < sizes.length; i++) t.deepEqual(data[i], out[i], `datagram ${i}`);
  rx.close();
  tx.close();
});

test('a delivery that closes the socket ends the drain: nothing more is delivered, nothing is read from the closed descriptor', async (t) => {
  const rx = await bound();
  const tx = await bound();
  const io = DatagramIo.of(rx);
  const delivered: number[] = [];
  const closed = new Promise<void>((resolve) =>
    rx.once('message', () => {
      io.drain((d) => {
        delivered.push(d.length);
        if (delivered.length === 3) rx.close(resolve);
      });
      if (delivered.length < 3) rx.close(resolve); // nothing drained (no batching here)
    }),
  );
  const out = Array.from({ length: 40 }, (_, i) => datagram(i, 10 + i));
  DatagramIo.of(tx).send(out, out.length, rx.address().port, '127.0.0.1', false, () => {});
  await closed;
  if (BATCHING) t.deepEqual(delivered, [11, 12, 13], 'the drain stopped at the close');
  else t.deepEqual(delivered, [], 'without batching nothing is drained');
  t.false(io.batched);
  tx.close();
});
