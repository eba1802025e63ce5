import { once } from 'node:events';
import { createSocket, type Socket } from 'node:dgram';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import type { Identity } from '../support/pki-fixtures.js';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';

/** Whether a socket here is read by the native addon (recvmmsg, GRO runs): Linux, the addon built, batching not off. */
export const ownReading =
  nativeBinding?.udpReceiveStart !== undefined &&
  process.platform === 'linux' &&
  !['0', 'off', 'false', 'no'].includes((process.env.DTLS13_UDP_BATCH ?? '').toLowerCase());

/** Burst message `i` of `size` bytes: `i` in its first two bytes, the rest filled with it (a changed byte shows). */
export function numbered(i: number, size: number): Buffer {
  const b = Buffer.alloc(size, i);
  b.writeUInt16BE(i, 0);
  return b;
}

/** Waits until `done()` holds, checking every 20 ms, for `limitMs` at most (the assertion after it says whether it did). */
export async function until(done: () => boolean, limitMs = 15_000): Promise<void> {
  for (let waited = 0; !done() && waited < limitMs; waited += 20) await sleep(20);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A UDP socket bound to `address` (default 127.0.0.1) and `port` (default any), counting what it receives. */
export async function rawSocket(address = '127.0.0.1', port = 0): Promise<Socket & { received: Uint8Array[] }> {
  const s = Object.assign(createSocket('udp4'), { received: [] as Uint8Array[] });
  s.on('message', (m) => s.received.push(new Uint8Array(m)));
  s.bind(port, address);
  await once(s, 'listening');
  return s;
}

/**
 * A client that is only a ClientHello source: a sans-I/O client connection
 * whose datagrams a raw socket carries. `first()` is its first ClientHello;
 * `answer(hrr)` feeds the server's HelloRetryRequest and returns the second.
 */
export class HelloSource {
  readonly connection: DtlsConnection;
  private now = 0;

  constructor(options: ConnectionOptions) {
    this.connection = DtlsConnection.client(options);
  }

  first(): Uint8Array[] {
    this.connection.connect(this.now);
    return this.drain();
  }

  answer(datagram: Uint8Array): Uint8Array[] {
    this.connection.receive(datagram, ++this.now);
    return this.drain();
  }

  private drain(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let d = this.connection.pollTransmit(); d !== undefined; d = this.connection.pollTransmit()) out.push(d);
    return out;
  }
}

/** Sends each datagram from `socket` to 127.0.0.1:`port`, resolving once all have left. */
export async function sendAll(
  socket: Socket,
  datagrams: readonly Uint8Array[],
  port: number,
  address = '127.0.0.1',
): Promise<void> {
  for (const d of datagrams)
    await new Promise<void>((resolve, reject) => socket.send(d, port, address, (e) => (e ? reject(e) : resolve())));
}

/**
 * A sans-I/O client connection driven over a raw UDP socket, so a test can
 * later silence it (`mute()`: it neither reads nor answers any more) while
 * still sending what it likes from the same address and port.
 */
export class RawClient {
  readonly connection: DtlsConnection;
  readonly socket: Socket & { received: Uint8Array[] };
  private muted = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly port: number;

  private constructor(connection: DtlsConnection, socket: Socket & { received: Uint8Array[] }, port: number) {
    this.connection = connection;
    this.socket = socket;
    this.port = port;
  }

  /** Handshakes with 127.0.0.1:`port`; resolves once the handshake completed, rejects if it failed or took over 15 s. */
  static async connect(options: ConnectionOptions, port: number): Promise<RawClient> {
    const socket = await rawSocket();
    const c = new RawClient(DtlsConnection.client(options), socket, port);
    socket.on('message', (m) => {
      if (c.muted) return;
      c.connection.receive(new Uint8Array(m), performance.now());
      c.flush();
    });
    c.connection.connect(performance.now());
    c.flush();
    await until(() => c.connection.state === 'connected' || c.connection.failure !== undefined);
    if (c.connection.state !== 'connected') {
      c.close();
      throw new Error(`raw client: ${c.connection.failure?.message ?? c.connection.state}`);
    }
    return c;
  }

  /** Stops reading, answering and retransmitting. */
  mute(): void {
    this.muted = true;
    if (this.timer) clearTimeout(this.timer);
  }

  close(): void {
    this.mute();
    this.socket.close();
  }

  private flush(): void {
    for (let d = this.connection.pollTransmit(); d !== undefined; d = this.connection.pollTransmit())
      this.socket.send(d, this.port, '127.0.0.1');
    if (this.timer) clearTimeout(this.timer);
    const at = this.connection.pollTimeout();
    if (at === undefined || this.muted) return;
    this.timer = setTimeout(
      () => {
        if (this.muted) return;
        this.connection.handleTimeout(performance.now());
        this.flush();
      },
      Math.max(0, Math.ceil(at - performance.now())),
    );
  }
}

/** `identity` (pki-fixtures' makeIdentity) as listen's `cert` and `key` options (PEM). */
export function pemOptions(identity: Identity): { readonly cert: string; readonly key: string } {
  return {
    cert: identity.chain.map((c) => certificateToPem(c)).join(''),
    key: privateKeyToPem(identity.privateKey),
  };
}

/**
 * Client options that make a ClientHello over a third of a P-256 certificate flight (a long ALPN name the server
 * ignores): a `cookies: false` listener starts its handshake at once instead of asking for the cookie
 * (runtime/connection/cookieless-hello.ts), so a peer that sends only this ClientHello holds a handshake.
 */
export const HELLO_OVER_A_THIRD = { alpn: ['a'.repeat(250)] } as const;
