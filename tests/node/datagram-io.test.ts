import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { DatagramIo, parseIpv4 } from '../../runtime/node/datagram-io.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { allocate, giveBack, handOff } from '../../runtime/wire/slab.js';
import { freshAntiReplay } from '../support/fresh-anti-replay.js';
import { connected, handshake } from '../support/handshake.js';
import { ipv6Unavailable } from '../support/ipv6.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

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

test('datagrams at places in a few buffers (slab views, back and forth between slabs, a pooled Buffer) arrive as they were, in order', async (t) => {
  const rx = await bound();
  const tx = await bound();
  // Views carved from the send slabs (a run of 1,200 that crosses into the next slab), with views of other buffers
  // between them, a slab met again after another buffer, and a datagram longer than its run's segment.
  const carved = Array.from({ length: 70 }, (_, i) => allocate(i === 40 ? 1400 : 1200));
  carved.forEach((d, i) => d.set(datagram(i, d.length)));
  t.true(new Set(carved.map((d) => d.buffer)).size >= 2, 'the run crosses a slab boundary');
  const pooled = Buffer.from('a datagram in the pool of node:buffer');
  const out = [...carved.slice(0, 30), pooled, carved[30]!, datagram(99, 9000), ...carved.slice(31)];
  const expected = out.map((d) => Uint8Array.from(d));
  const got = collect(rx, out.length);
  let sent = 0;
  DatagramIo.of(tx).send(out, out.length, rx.address().port, '127.0.0.1', false, () => sent++);
  const { data } = await got;
  t.is(sent, out.length);
  t.deepEqual(
    data.map((d) => d.length),
    expected.map((d) => d.length),
  );
  for (let i = 0; i < expected.length; i++) t.deepEqual(data[i], expected[i], `datagram ${i}`);
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

// Send slabs (runtime/wire/slab.ts): a datagram handed off goes back to its slab once the kernel took it in a batched
// call, and its bytes are carved again; nothing still owed (node:dgram's queue, a kept record, an observer's) ever is.
// Serial: the slab is the thread's, and another test's views in it between two awaits would keep it from going back.

/** Leaves the slab being carved owed nothing (views carved before stay kept): the next view starts it. */
function freshSlab(): void {
  for (;;) {
    const v = allocate(8 * 1024);
    handOff(v);
    giveBack(v);
    if (v.byteOffset === 0) return;
  }
}

const overlap = (a: Uint8Array, b: Uint8Array): boolean =>
  a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;

/** `n` views carved from the slab, datagram i's bytes written in each, handed off unless `kept`. */
function carved(n: number, size: number, kept = false): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const v = allocate(size);
    v.set(datagram(i, size));
    if (!kept) handOff(v);
    return v;
  });
}

/** A burst of handed-off 8 KiB views written 0xee, sent batched to `port` and so given back: reuse, if anything may be. */
function churn(io: DatagramIo, port: number, rounds: number): Uint8Array[] {
  const seen: Uint8Array[] = [];
  for (let r = 0; r < rounds; r++) {
    const burst = Array.from({ length: 8 }, () => allocate(8 * 1024).fill(0xee));
    for (const v of burst) handOff(v);
    seen.push(...burst);
    io.send(burst, burst.length, port, '127.0.0.1', false, () => {});
  }
  return seen;
}

test.serial(
  'handed off and sent in a batched call, datagrams go back to their slab: the next burst is carved over them',
  async (t) => {
    const rx = await bound();
    const tx = await bound();
    const io = DatagramIo.of(tx);
    freshSlab();
    const n = 20;
    const got = collect(rx, n);
    const out = carved(n, 1000);
    const copies = out.map((d) => d.slice());
    io.send(out, n, rx.address().port, '127.0.0.1', false, () => {});
    const next = allocate(1000).fill(0xee); // the next burst's first record, written at once
    if (BATCHING) {
      t.is(io.counts.batchedDatagramsSent, n);
      t.is(next.buffer, out[0]!.buffer, 'the same slab');
      t.is(next.byteOffset, out[0]!.byteOffset, 'carved again from its start');
    } else
      t.false(
        out.some((d) => overlap(d, next)),
        'node:dgram still owes them: nothing is carved over them',
      );
    const { data } = await got;
    t.is(data.length, n);
    for (let i = 0; i < n; i++) t.deepEqual(data[i], copies[i], `datagram ${i} left as written`);
    rx.close();
    tx.close();
  },
);

test.serial(
  'through node:dgram (batching off) a handed-off datagram is never given back: what it queued leaves as written',
  async (t) => {
    const rx = await bound();
    const tx = await bound();
    const io = DatagramIo.of(tx);
    io.setBatching(false);
    freshSlab();
    const n = 20;
    const got = collect(rx, n);
    const out = carved(n, 1000);
    const copies = out.map((d) => d.slice());
    io.send(out, n, rx.address().port, '127.0.0.1', false, () => {});
    t.is(io.counts.batchedDatagramsSent, 0, 'node:dgram sent them');
    // The next bursts, written in the same turn, before node:dgram has read what it queued.
    const after = carved(n, 1000).map((v) => v.fill(0xee));
    t.false(
      after.some((a) => out.some((d) => overlap(a, d))),
      'nothing carved over a queued datagram',
    );
    const { data } = await got;
    t.is(data.length, n);
    for (let i = 0; i < n; i++) t.deepEqual(data[i], copies[i], `datagram ${i} left as written`);
    rx.close();
    tx.close();
  },
);

test.serial(
  'a kept datagram (never handed off) sent batched stays: resent after other bursts went back, the same bytes leave',
  async (t) => {
    const rx = await bound();
    const sink = await bound();
    const tx = await bound();
    const io = DatagramIo.of(tx);
    freshSlab();
    const n = 10;
    const kept = carved(n, 1200, true);
    const copies = kept.map((d) => d.slice());
    const first = collect(rx, n);
    io.send(kept, n, rx.address().port, '127.0.0.1', false, () => {});
    const churned = churn(io, sink.address().port, 20); // 20 slabs' worth handed off and given back
    t.false(
      churned.some((c) => kept.some((k) => overlap(c, k))),
      'nothing carved over a kept datagram',
    );
    t.is((await first).data.length, n);
    const second = collect(rx, n);
    io.send(kept, n, rx.address().port, '127.0.0.1', false, () => {}); // the retransmission
    const { data } = await second;
    t.is(data.length, n);
    for (let i = 0; i < n; i++) t.deepEqual(data[i], copies[i], `datagram ${i} resent as first sent`);
    rx.close();
    sink.close();
    tx.close();
  },
);

const serverId = makeIdentity('p256', 'server.test');
const ticketKeys = new Uint8Array(32).fill(0x0e);

test.serial(
  "0-RTT records kept for the ClientHello's retransmission keep their bytes while sent bursts go back to their slabs",
  async (t) => {
    const { link } = handshake(serverId, { server: { ticketKeys, maxEarlyData: 4096 } });
    const ticket = link.events.client.find((x) => x.type === 'sessionTicket');
    if (ticket?.type !== 'sessionTicket') return t.fail('no ticket');
    const request = new TextEncoder().encode('GET /status');
    const client = DtlsConnection.client({
      trustAnchors: [serverId.caDer],
      serverName: 'server.test',
      wallClock: () => TEST_TIME,
      session: ticket.session,
      earlyData: request,
    });
    const server = DtlsConnection.server({
      certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
      wallClock: () => TEST_TIME,
      ticketKeys,
      maxEarlyData: 4096,
      antiReplay: freshAntiReplay(),
    });
    const drain = (c: DtlsConnection): Uint8Array[] => {
      const out: Uint8Array[] = [];
      for (let d = c.pollTransmit(); d; d = c.pollTransmit()) out.push(d);
      return out;
    };
    const rx = await bound();
    const lossy = await bound(); // where the first flight goes: it never reaches the server
    const tx = await bound();
    const io = DatagramIo.of(tx);
    freshSlab();
    client.connect(0);
    const lost = drain(client);
    t.true(lost.length >= 2, 'the ClientHello and the early data, in datagrams of their own');
    const early = lost.slice(1).map((d) => d.slice());
    io.send(lost, lost.length, lossy.address().port, '127.0.0.1', false, () => {});
    churn(io, lossy.address().port, 20);
    const retransmitAt = client.pollTimeout();
    if (retransmitAt === undefined) return t.fail('no retransmission timer');
    client.handleTimeout(retransmitAt);
    const resent = drain(client);
    t.deepEqual(
      resent.slice(1).map((d) => d.slice()),
      early,
      'the early-data records follow the ClientHello again, as first sealed',
    );
    const got = collect(rx, resent.length);
    io.send(resent, resent.length, rx.address().port, '127.0.0.1', false, () => {});
    for (const d of (await got).data) server.receive(d, retransmitAt);
    const events: ConnectionEvent[] = [];
    for (let e = server.pollEvent(); e; e = server.pollEvent()) events.push(e);
    t.deepEqual(
      events.flatMap((e) => (e.type === 'data' && e.early ? [new TextDecoder().decode(e.data)] : [])),
      ['GET /status'],
    );
    rx.close();
    lossy.close();
    tx.close();
  },
);

/** Sends `bursts` bursts of `perBurst` records from the client over real UDP and has the server open them. */
async function sendBursts(
  link: ReturnType<typeof connected>,
  bursts: number,
  perBurst: number,
): Promise<{ sent: Uint8Array[][]; received: Uint8Array[]; delivered: string[] }> {
  const rx = await bound();
  const tx = await bound();
  const io = DatagramIo.of(tx);
  const sent: Uint8Array[][] = [];
  const received: Uint8Array[] = [];
  for (let b = 0; b < bursts; b++) {
    for (let i = 0; i < perBurst; i++)
      link.client.send(new TextEncoder().encode(`burst ${b} record ${i}`.padEnd(1000)));
    const out: Uint8Array[] = [];
    for (let d = link.client.pollTransmit(); d; d = link.client.pollTransmit()) out.push(d);
    sent.push(out);
    const got = collect(rx, out.length);
    io.send(out, out.length, rx.address().port, '127.0.0.1', false, () => {});
    received.push(...(await got).data);
  }
  for (const d of received) link.server.receive(d, link.now);
  const delivered: string[] = [];
  for (let e = link.server.pollEvent(); e; e = link.server.pollEvent())
    if (e.type === 'data') delivered.push(new TextDecoder().decode(e.data).trimEnd());
  rx.close();
  tx.close();
  return { sent, received, delivered };
}

const expected = (bursts: number, perBurst: number): string[] =>
  Array.from({ length: bursts * perBurst }, (_, i) => `burst ${Math.floor(i / perBurst)} record ${i % perBurst}`);

test.serial(
  "a connection's sent records go back to their slab: each burst is sealed over the last, every record opened",
  async (t) => {
    const link = connected(serverId);
    freshSlab();
    const { sent, delivered } = await sendBursts(link, 6, 30);
    t.deepEqual(delivered, expected(6, 30));
    if (BATCHING)
      for (let b = 1; b < sent.length; b++)
        t.true(
          sent[b]!.some((d) => sent[b - 1]!.some((e) => overlap(d, e))),
          `burst ${b} reused the bytes of burst ${b - 1}`,
        );
  },
);

test.serial('an onDatagram observer keeps what it saw: the records it holds are never sealed over', async (t) => {
  const observed: Uint8Array[] = [];
  const link = connected(serverId, {
    client: { onDatagram: (direction, d) => void (direction === 'sent' && observed.push(d)) },
  });
  freshSlab();
  const before = observed.length;
  const { received, delivered } = await sendBursts(link, 6, 30);
  t.deepEqual(delivered, expected(6, 30));
  const seen = observed.slice(before);
  t.is(seen.length, received.length);
  for (let i = 0; i < seen.length; i++) t.deepEqual(seen[i], received[i], `the observer's datagram ${i} as it left`);
});
