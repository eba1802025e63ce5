/**
 * What the version-negotiation tests share: a dtls13 listener that echoes
 * and keeps the ServerHello randoms it sent (its datagram observer), a
 * UDP relay that can change what the client sends, and PEM text of a test
 * identity.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { listen, type DtlsListener } from '../../runtime/api/listener.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { Reader } from '../../runtime/wire/reader.js';
import type { Identity } from '../support/pki-fixtures.js';

export const pemText = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----\n`;

export function credentials(id: Identity): { readonly cert: string; readonly key: string; readonly ca: string } {
  return {
    cert: pemText('CERTIFICATE', id.chain[0]!),
    key: pemText('PRIVATE KEY', id.privateKey),
    ca: pemText('CERTIFICATE', id.caDer),
  };
}

/** The ServerHello.random values in a datagram (epoch-0 handshake records). */
export function serverHelloRandoms(d: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  try {
    for (const w of decodeDatagram12(d)) {
      if (w.kind !== 'record' || w.record.epoch !== 0 || w.record.type !== 'handshake') continue;
      const f = readDtlsHandshake(new Reader(w.record.fragment, 'H'));
      if (f.msgType === 'server_hello' && f.fragmentOffset === 0 && f.fragment.length >= 34)
        out.push(f.fragment.slice(2, 34));
    }
  } catch {
    // not a DTLSPlaintext datagram (a 1.3 ciphertext record)
  }
  return out;
}

export interface EchoServer {
  readonly listener: DtlsListener;
  readonly port: number;
  readonly sessions: DtlsSession[];
  /** ServerHello.random of every ServerHello the server sent. */
  readonly randoms: Uint8Array[];
  /** Handshakes the listener refused, as `alert: why`. */
  readonly refusals: string[];
}

/** A listener on 127.0.0.1 that answers each message with 'echo: ' and the message. */
export async function echoServer(id: Identity, options: Partial<ListenOptions> = {}): Promise<EchoServer> {
  const sessions: DtlsSession[] = [];
  const randoms: Uint8Array[] = [];
  const refusals: string[] = [];
  const { cert, key } = credentials(id);
  const listener = listen(
    (s) => {
      sessions.push(s);
      s.onmessage = (m) => s.send(Buffer.concat([Buffer.from('echo: '), m]));
    },
    {
      cert,
      key,
      host: '127.0.0.1',
      onDatagram: (direction, d) => {
        if (direction === 'sent') randoms.push(...serverHelloRandoms(d));
      },
      ...options,
    },
  );
  listener.onhandshakeerror = (e) => refusals.push(e.message);
  const { port } = await listener.listening;
  return { listener, port, sessions, randoms, refusals };
}

/** A UDP relay on 127.0.0.1 to `target`: what the client sends passes through `change`. */
export async function relay(
  target: number,
  change: (d: Uint8Array) => Uint8Array,
): Promise<{ readonly port: number; close(): void }> {
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  const bound = (s: Socket): Promise<void> => new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  await Promise.all([bound(front), bound(back)]);
  let client: { address: string; port: number } | undefined;
  front.on('message', (m, r) => {
    client = { address: r.address, port: r.port };
    back.send(change(new Uint8Array(m.buffer, m.byteOffset, m.byteLength)), target, '127.0.0.1');
  });
  back.on('message', (m) => {
    if (client) front.send(m, client.port, client.address);
  });
  return {
    port: front.address().port,
    close: () => {
      front.close();
      back.close();
    },
  };
}

export const DOWNGRD_01 = '444f574e47524401';
export const tailHex = (random: Uint8Array | undefined): string =>
  Buffer.from(random?.subarray(24) ?? []).toString('hex');
