import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import type { Identity } from '../../tests/support/pki-fixtures.js';
import { openClientEndpoint, type UdpClientEndpoint } from '../../tests/support/udp-client.js';
import { pin, PLACEMENT } from './placement.js';
import type { FromPeer, ReceiveCount, Receiver } from './protocol.js';

/** The receiving side of the network bench, in a process of its own. */
export interface Peer {
  readonly dtlsPort: number;
  /** The dtls13 server on the native provider, when its addon loaded in the peer. */
  readonly nativePort: number | undefined;
  /** The same with `messageBuffers: 'batch'` (one ArrayBuffer per session and receive batch). */
  readonly nativeBatchPort: number | undefined;
  readonly udpPort: number;
  /** The peer process's id (placement.ts reports where it may run). */
  readonly pid: number | undefined;
  /** SO_RCVBUF and SO_SNDBUF the peer's sockets ended up with (Linux doubles what is asked). */
  readonly bufferSize: { readonly recv: number; readonly send: number };
  /** Zeroes both counters; resolves with the peer's CPU time so far (µs). */
  reset(): Promise<number>;
  /** What a dtls13 server's or the plain sink's application has received since the last reset. */
  count(which: Receiver): Promise<ReceiveCount>;
  stop(): Promise<void>;
}

/**
 * Forks peer-main.ts (under tsx) and starts its dtls13 server with
 * `identity` and its plain UDP sink; `bufferSize` (0: default) is set on
 * both receiving sockets. `execArgv` adds node flags (e.g. --cpu-prof).
 * Pinned to the receiving side's CPUs when BENCH_NET_CPUS asks (placement.ts).
 */
export async function startPeer(
  identity: Identity,
  bufferSize: number,
  execArgv: readonly string[] = [],
): Promise<Peer> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./peer-main.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The receiving side's CPUs when BENCH_NET_CPUS pins (placement.ts), before it starts its servers.
  if (PLACEMENT !== undefined && child.pid !== undefined) pin(child.pid, PLACEMENT.receiver);
  const waiting = new Map<number, (m: FromPeer) => void>();
  let ready: ((m: Extract<FromPeer, { type: 'ready' }>) => void) | undefined;
  child.on('message', (raw) => {
    const m = raw as FromPeer;
    if (m.type === 'ready') ready?.(m);
    else {
      const f = waiting.get(m.id);
      waiting.delete(m.id);
      f?.(m);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await Promise.race([
    new Promise<Extract<FromPeer, { type: 'ready' }>>((resolve) => {
      ready = resolve;
      child.send({
        type: 'start',
        certificate: { chain: identity.chain, privateKey: identity.privateKey },
        bufferSize,
      });
    }),
    exited.then(() => {
      throw new Error('the bench peer process exited before it was ready');
    }),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the bench peer process was not ready within 30 s')), 30_000).unref(),
    ),
  ]);
  let next = 0;
  const ask = (m: { type: 'reset' } | { type: 'count'; which: Receiver }): Promise<FromPeer> =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      child.send({ ...m, id });
    });
  return {
    dtlsPort: started.dtlsPort,
    nativePort: started.nativePort,
    nativeBatchPort: started.nativeBatchPort,
    udpPort: started.udpPort,
    pid: child.pid,
    bufferSize: started.bufferSize,
    reset: async () => {
      const m = await ask({ type: 'reset' });
      if (m.type !== 'reset') throw new Error(`the bench peer answered ${m.type} to reset`);
      return m.cpuMicros;
    },
    count: async (which) => {
      const m = await ask({ type: 'count', which });
      if (m.type !== 'count') throw new Error(`the bench peer answered ${m.type} to count`);
      return m;
    },
    stop: async () => {
      if (child.exitCode === null) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An AES-128-GCM client of the peer's server at `port` on `provider`, its handshake done, its send buffer `bufferSize`. */
export async function peerClient(
  port: number,
  id: Identity,
  provider: CryptoProvider,
  bufferSize: number,
): Promise<UdpClientEndpoint> {
  const client = openClientEndpoint({
    port,
    provider,
    cipherSuites: ['tls_aes_128_gcm_sha256'],
    trustAnchors: [id.caDer],
    serverName: 'localhost',
  });
  await client.handshake;
  client.socket.setSendBufferSize(bufferSize);
  return client;
}
