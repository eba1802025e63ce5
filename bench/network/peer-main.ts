import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import { listen, type DtlsListener } from '../../runtime/api/listener.js';
import { lastCpu } from './placement.js';
import type { FromPeer, Receiver, ToPeer } from './protocol.js';

/**
 * The network bench's peer process (forked by peer.ts): a dtls13 server and
 * a plain node:dgram sink on loopback, each counting the payload bytes its
 * application receives. Driven over IPC; exits when told to stop or when
 * the parent goes away.
 */

interface Counter {
  bytes: number;
  messages: number;
  firstAt: number;
  lastAt: number;
}

const fresh = (): Counter => ({ bytes: 0, messages: 0, firstAt: Number.NaN, lastAt: Number.NaN });
const freshCounters = (): Record<Receiver, Counter> => ({
  'dtls-node': fresh(),
  'dtls-native': fresh(),
  'dtls-native-batch': fresh(),
  udp: fresh(),
});
let counters = freshCounters();

/** The counter whose last message's time is taken once the current callback's messages are counted. */
let unstamped: Counter | undefined;
function stampLast(): void {
  if (unstamped !== undefined) unstamped.lastAt = performance.now();
  unstamped = undefined;
}

/**
 * A message counted. The clock is read for the first message and once after each callback that delivered messages (a
 * microtask: a read of the socket delivers many), as the C receivers read it once per recvmmsg batch: a clock read per
 * message cost about 50 ns, charged to the receiver's CPU per payload. `each`: a callback per message (node:dgram's
 * sink), whose clock is read with each, as before.
 */
function count(c: Counter, n: number, each = false): void {
  if (c.messages === 0) c.firstAt = c.lastAt = performance.now();
  c.bytes += n;
  c.messages++;
  if (each) c.lastAt = performance.now();
  else if (unstamped !== c) {
    if (unstamped === undefined) queueMicrotask(stampLast);
    else unstamped.lastAt = performance.now();
    unstamped = c;
  }
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function reply(m: FromPeer): void {
  process.send?.(m);
}

let stop: (() => Promise<void>) | undefined;
/** The servers' sockets by receiver, and their DatagramIo counts at the last reset: the GRO share per trial. */
const sockets = new Map<Receiver, Socket>();
let readAtReset = new Map<Receiver, { read: number; gro: number }>();

function readCounts(which: Receiver): { read: number; gro: number } {
  const s = sockets.get(which);
  const c = s === undefined ? undefined : DatagramIo.of(s).counts;
  return { read: c?.readDatagrams ?? 0, gro: c?.groDatagrams ?? 0 };
}

function coalesced(which: Receiver): number {
  const now = readCounts(which);
  const then = readAtReset.get(which) ?? { read: 0, gro: 0 };
  return now.read > then.read ? (now.gro - then.gro) / (now.read - then.read) : Number.NaN;
}

async function start(m: Extract<ToPeer, { type: 'start' }>): Promise<void> {
  const buffers = m.bufferSize > 0 ? { udpReceiveBufferSize: m.bufferSize, udpSendBufferSize: m.bufferSize } : {};
  const serve = async (provider: CryptoProvider, which: Receiver): Promise<DtlsListener> => {
    // 'dtls-native' is the option 'own'; the others take the default ('batch', one ArrayBuffer per session and batch).
    const messageBuffers = which === 'dtls-native' ? { messageBuffers: 'own' as const } : {};
    const { chain, privateKey } = m.certificate;
    const server = listen(
      (session) => {
        // data is taken as it comes, kept nowhere, as a listener-only application would
        session.onmessage = (data) => count(counters[which], data.length);
      },
      { cert: [...chain], key: privateKey, host: '127.0.0.1', provider, ...messageBuffers, ...buffers },
    );
    await server.listening;
    const socket = server.admission.socket;
    if (socket !== undefined) sockets.set(which, socket);
    return server;
  };
  const server = await serve(nodeProvider, 'dtls-node');
  const native = nativeProvider ? await serve(nativeProvider, 'dtls-native') : undefined;
  const nativeBatch = nativeProvider ? await serve(nativeProvider, 'dtls-native-batch') : undefined;
  const sink = createSocket('udp4');
  sink.on('message', (d) => count(counters.udp, d.length, true));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  if (m.bufferSize > 0) {
    sink.setRecvBufferSize(m.bufferSize);
    sink.setSendBufferSize(m.bufferSize);
  }
  stop = async () => {
    sink.close();
    await server.close();
    await native?.close();
    await nativeBatch?.close();
  };
  reply({
    type: 'ready',
    dtlsPort: server.address?.port ?? 0,
    nativePort: native?.address?.port,
    nativeBatchPort: nativeBatch?.address?.port,
    udpPort: sink.address().port,
    bufferSize: { recv: sink.getRecvBufferSize(), send: sink.getSendBufferSize() },
  });
}

process.on('message', (raw) => {
  const m = raw as ToPeer;
  if (m.type === 'start') void start(m);
  else if (m.type === 'reset') {
    counters = freshCounters();
    readAtReset = new Map([...sockets.keys()].map((w) => [w, readCounts(w)]));
    reply({ type: 'reset', id: m.id, cpuMicros: cpuMicros() });
  } else if (m.type === 'count') {
    const c = counters[m.which];
    reply({
      type: 'count',
      id: m.id,
      bytes: c.bytes,
      messages: c.messages,
      firstAt: c.firstAt,
      lastAt: c.lastAt,
      cpuMicros: cpuMicros(),
      onCpu: lastCpu(),
      coalesced: coalesced(m.which),
    });
  } else if (m.type === 'stop') void (stop?.() ?? Promise.resolve()).then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
