/**
 * The traffic of one complete, deterministic connection per variant:
 * handshake, application data both ways, a KeyUpdate that asks the peer to
 * update too, more data, close_notify. Kept with each side's write traffic
 * secrets (from the NSS key log) by epoch, and each side's records decrypted,
 * so the targets can replay real datagrams, seal their own records as either
 * peer, and seed the corpus with real handshake message bodies.
 */
import { contentTypeToNumber } from '../../../../generated/wire/enums.js';
import { nodeProvider } from '../../../../runtime/crypto/node/index.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../../../../runtime/crypto/suites.js';
import { scheduleContext } from '../../../../runtime/keyschedule/context.js';
import {
  nextApplicationTrafficSecret,
  trafficKeys,
  type TrafficKeys,
} from '../../../../runtime/keyschedule/derived-keys.js';
import { RecordLayer } from '../../../../runtime/record/record-layer.js';
import { drive, flush, makePair, VARIANTS, type Side, type Variant } from './pair.js';
import { isDtls12 } from '../../../../runtime/dtls12/negotiated.js';

/** A record as its sender protected it. */
export interface SentRecord {
  readonly epoch: number;
  readonly contentType: number;
  readonly content: Uint8Array;
}

/** A whole handshake message (RFC 9147 §5.2), as sent. */
export interface SentMessage {
  readonly epoch: number;
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
}

export interface Recording {
  readonly variant: Variant;
  readonly suite: SupportedCipherSuite;
  /** Datagrams each side sent, in order. */
  readonly sent: { readonly client: readonly Uint8Array[]; readonly server: readonly Uint8Array[] };
  /** Each side's write keys by epoch (2: handshake, 3: application, 4 and 5: after KeyUpdates). */
  readonly writeKeys: {
    readonly client: ReadonlyMap<number, TrafficKeys>;
    readonly server: ReadonlyMap<number, TrafficKeys>;
  };
  /** Each side's records, decrypted. */
  readonly records: { readonly client: readonly SentRecord[]; readonly server: readonly SentRecord[] };
  /** Each side's handshake messages (whole ones), first transmissions only. */
  readonly messages: { readonly client: readonly SentMessage[]; readonly server: readonly SentMessage[] };
}

const LABELS: Readonly<Record<Side, readonly [string, string]>> = {
  client: ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0'],
  server: ['SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0'],
};

const cache = new Map<Variant, Recording>();
const encoder = new TextEncoder();

/** The recorded connection of `variant` (made once per process). */
export function recording(variant: Variant): Recording {
  const hit = cache.get(variant);
  if (hit) return hit;
  const log = new Map<string, Uint8Array>();
  const pair = makePair(variant, (_side, line) => {
    const [label, , secret] = line.split(' ');
    if (label !== undefined && secret !== undefined) log.set(label, new Uint8Array(Buffer.from(secret, 'hex')));
  });
  const handshake = drive(pair, () => false);
  if (pair.client.state !== 'connected' || pair.server.state !== 'connected') {
    throw new Error(`recording ${variant}: the handshake ended in ${pair.client.state}/${pair.server.state}`);
  }
  const done = handshake.events.client.find((e) => e.type === 'handshakeComplete');
  if (done?.type !== 'handshakeComplete' || isDtls12(done.parameters))
    throw new Error(`recording ${variant}: no DTLS 1.3 handshakeComplete`);
  const suite = done.parameters.cipherSuite;
  const sent = { client: [...handshake.sent.client], server: [...handshake.sent.server] };
  const more = (s: { client: Uint8Array[]; server: Uint8Array[] }): void => {
    sent.client.push(...s.client);
    sent.server.push(...s.server);
  };
  more(flush(pair, 0));
  pair.server.send(encoder.encode('data from the server'));
  pair.client.send(encoder.encode('data from the client'));
  more(flush(pair, 0));
  pair.server.updateKeys(true);
  more(flush(pair, 0));
  pair.server.send(encoder.encode('server data after the key update'));
  pair.client.send(encoder.encode('client data after the key update'));
  more(flush(pair, 0));
  pair.server.close();
  more(flush(pair, 0));

  const ctx = scheduleContext(nodeProvider, CIPHER_SUITES[suite].hash, 'dtls13');
  const keysOf = (side: Side): Map<number, TrafficKeys> => {
    const [hsLabel, appLabel] = LABELS[side];
    const hs = log.get(hsLabel);
    const app = log.get(appLabel);
    if (!hs || !app) throw new Error(`recording ${variant}: the key log lacks ${side} secrets`);
    const app4 = nextApplicationTrafficSecret(ctx, app);
    const app5 = nextApplicationTrafficSecret(ctx, app4);
    return new Map([
      [2, trafficKeys(ctx, hs, suite)],
      [3, trafficKeys(ctx, app, suite)],
      [4, trafficKeys(ctx, app4, suite)],
      [5, trafficKeys(ctx, app5, suite)],
    ]);
  };
  const writeKeys = { client: keysOf('client'), server: keysOf('server') };
  const records = {
    client: decrypt(sent.client, writeKeys.client, suite),
    server: decrypt(sent.server, writeKeys.server, suite),
  };
  const rec: Recording = {
    variant,
    suite,
    sent,
    writeKeys,
    records,
    messages: { client: messagesOf(records.client), server: messagesOf(records.server) },
  };
  cache.set(variant, rec);
  return rec;
}

/** The recordings of every variant. */
export function recordedTraffic(): Recording[] {
  return VARIANTS.map(recording);
}

function decrypt(
  datagrams: readonly Uint8Array[],
  keys: ReadonlyMap<number, TrafficKeys>,
  suite: SupportedCipherSuite,
): SentRecord[] {
  // One reader per epoch: installing a newer epoch would start the older one's retention clock.
  const readers = [...keys].map(([epoch, k]) => {
    const r = new RecordLayer({ provider: nodeProvider, replayWindow: 1 << 16 });
    r.reader.installReadKeys(epoch, suite, k, 0);
    return r;
  });
  const plain = new RecordLayer({ provider: nodeProvider });
  const out: SentRecord[] = [];
  for (const d of datagrams) {
    for (const layer of [plain, ...readers]) {
      for (const r of layer.reader.receive(d, 0)) {
        if (r.kind === 'record' && (layer === plain) === !r.protected)
          out.push({ epoch: r.epoch, contentType: contentTypeToNumber(r.contentType), content: r.content });
      }
    }
  }
  return out;
}

function messagesOf(records: readonly SentRecord[]): SentMessage[] {
  const out: SentMessage[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (r.contentType !== 22) continue;
    const c = r.content;
    for (let at = 0; at + 12 <= c.length;) {
      const msgType = c[at]!;
      const length = (c[at + 1]! << 16) | (c[at + 2]! << 8) | c[at + 3]!;
      const messageSeq = (c[at + 4]! << 8) | c[at + 5]!;
      const offset = (c[at + 6]! << 16) | (c[at + 7]! << 8) | c[at + 8]!;
      const fragmentLength = (c[at + 9]! << 16) | (c[at + 10]! << 8) | c[at + 11]!;
      const key = `${r.epoch}/${messageSeq}/${msgType}`;
      if (offset === 0 && fragmentLength === length && at + 12 + length <= c.length && !seen.has(key)) {
        seen.add(key);
        out.push({ epoch: r.epoch, msgType, messageSeq, body: c.slice(at + 12, at + 12 + length) });
      }
      at += 12 + fragmentLength;
    }
  }
  return out;
}
