import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Prng } from './prng.js';

/** What the relay does with one datagram. */
export type Fate = 'pass' | 'drop' | 'duplicate' | { readonly delayMs: number };
/** Chooses a datagram's fate from its direction, its index in that direction and its bytes. */
export type FateOf = (from: 'client' | 'server', index: number, datagram: Uint8Array) => Fate;

/**
 * Whether a datagram starts with a handshake-phase record: DTLSPlaintext
 * (epoch 0) or a unified header whose epoch bits say 2 (handshake keys).
 */
export function handshakePhase(datagram: Uint8Array): boolean {
  const first = datagram[0] ?? 0;
  return (first & 0xe0) === 0x20 ? (first & 3) === 2 : first === 22;
}

/**
 * A UDP relay between one client and a server on 127.0.0.1 that passes,
 * drops, duplicates or delays (reorders) each datagram as `fate` says, by
 * direction and index: real loss between two real peers.
 */
export class LossyProxy {
  readonly dropped: { from: 'client' | 'server'; index: number }[] = [];
  readonly counts = { passed: 0, dropped: 0, duplicated: 0, delayed: 0 };
  private readonly socket: Socket;
  private readonly upstream: Socket;
  private client: RemoteInfo | undefined;
  private readonly count = { client: 0, server: 0 };
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  private constructor(serverPort: number, fate: FateOf) {
    this.socket = createSocket('udp4');
    this.upstream = createSocket('udp4');
    const relay = (from: 'client' | 'server', msg: Buffer, send: (m: Buffer) => void): void => {
      const index = this.count[from]++;
      const f = fate(from, index, msg);
      if (f === 'drop') {
        this.dropped.push({ from, index });
        this.counts.dropped++;
      } else if (f === 'pass') {
        this.counts.passed++;
        send(msg);
      } else if (f === 'duplicate') {
        this.counts.duplicated++;
        send(msg);
        send(msg);
      } else {
        this.counts.delayed++;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.closed) send(msg);
        }, f.delayMs);
        this.timers.add(timer);
      }
    };
    this.socket.on('message', (msg, rinfo) => {
      this.client ??= rinfo;
      relay('client', msg, (m) => this.upstream.send(m, serverPort, '127.0.0.1'));
    });
    this.upstream.on('message', (msg) => {
      const client = this.client;
      if (client) relay('server', msg, (m) => this.socket.send(m, client.port, client.address));
    });
  }

  static async start(serverPort: number, fate: FateOf): Promise<LossyProxy> {
    const p = new LossyProxy(serverPort, fate);
    await Promise.all([p.socket, p.upstream].map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))));
    return p;
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.socket.close();
    this.upstream.close();
  }
}

/**
 * Seeded bad weather, bounded in count and so in time: among each
 * direction's first `affected` datagrams, handshake-phase ones are dropped
 * (about 20%, at most `maxDrops` per direction, so exponential backoff stays
 * within seconds), duplicated (10%) or held back 5–60 ms so later ones
 * overtake them (20%); everything else passes. Application data is spared:
 * DTLS does not retransmit it, and the peers under test (wolfSSL's examples
 * among them) wait for a reply forever.
 */
export function badWeather(seed: number, affected = 16, maxDrops = 2): FateOf {
  const prng = new Prng(seed);
  const drops = { client: 0, server: 0 };
  return (from, index, datagram) => {
    if (index >= affected || !handshakePhase(datagram)) return 'pass';
    const r = prng.below(100);
    if (r < 20 && drops[from] < maxDrops) {
      drops[from]++;
      return 'drop';
    }
    if (r >= 20 && r < 30) return 'duplicate';
    if (r >= 30 && r < 50) return { delayMs: 5 + prng.below(56) };
    return 'pass';
  };
}
