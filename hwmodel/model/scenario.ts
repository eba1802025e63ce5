import { SeededRandom, type SimTime } from '../kernel/index.js';
import type { ConnectionOptions } from '../../runtime/connection/connection.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { loggingProvider, type CryptoOpSink } from './crypto-ops.js';
import type { SimIdentity } from './identity.js';
import { SideConnections } from './routed-crypto.js';
import { seededProvider, type Uint32Source } from './seeded-provider.js';

/** The workload every simulated client runs: handshake, send `records` payloads, close. */
export interface Workload {
  readonly suite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup;
  readonly records: number;
  readonly payloadBytes: number;
  readonly provider: 'node' | 'noble';
  /**
   * NewSessionTickets each server sends after its handshake (default 0: the
   * workload is full handshakes; a ticket's flight and its ACK interleave
   * with the first application records by timing, so with tickets the
   * datagram order is no longer the in-memory harness's).
   */
  readonly tickets?: number;
  readonly seed: number;
  readonly identity: SimIdentity;
}

/** The random stream of one side of connection `index`: a function of the seed alone, so any harness can rebuild it. */
export function connectionRandom(seed: number, side: 'client' | 'server', index: number): SeededRandom {
  return new SeededRandom(seed).fork('connections').fork(side).fork(String(index));
}

/**
 * The options of one side of connection `index`: seeded randomness, the
 * workload's suite and group, and (when given) a sink for its crypto
 * operations. The in-memory harness and the model make the same
 * connections (the model through {@link sideConnections}: one options
 * object per side, the same streams), which is what makes their transcripts
 * comparable.
 */
export function connectionOptions(
  w: Workload,
  side: 'client' | 'server',
  index: number,
  sink?: CryptoOpSink,
): ConnectionOptions {
  return optionsWith(w, side, connectionRandom(w.seed, side, index), sink);
}

/** The connections of one side of the workload: one options object, each connection's stream and log routed (see {@link SideConnections}). */
export function sideConnections(w: Workload, side: 'client' | 'server'): SideConnections {
  return new SideConnections(
    (route) => optionsWith(w, side, route, route),
    (index) => connectionRandom(w.seed, side, index),
  );
}

function optionsWith(
  w: Workload,
  side: 'client' | 'server',
  random: Uint32Source,
  sink: CryptoOpSink | undefined,
): ConnectionOptions {
  const inner = w.provider === 'noble' ? nobleProvider : nodeProvider;
  const seeded = seededProvider(inner, random);
  const provider = sink ? loggingProvider(seeded, sink) : seeded;
  const common = {
    provider,
    cipherSuites: [w.suite],
    allowCcm8: true,
    groups: [w.group],
    wallClock: () => w.identity.at,
  };
  // The same arrays every time: connections share the parsed trust anchors and the imported key (runtime/connection/shared-material.ts).
  return side === 'client'
    ? { ...common, trustAnchors: w.identity.trustAnchors, serverName: w.identity.serverName }
    : {
        ...common,
        certificate: w.identity.certificate,
        ticketKeys: ticketKey(w.seed),
        tickets: w.tickets ?? 0,
        // The model's clients are the device's peers by construction and no cookie exchange is modelled: its figures
        // are the handshake's own cost, without the wait of RFC 9147 §5.1's limit for a stranger's address
        // (runtime/shared/amplification-limit.ts), which the connection would otherwise apply.
        amplificationLimit: false,
      };
}

const ticketKeys = new Map<number, Uint8Array>();

/**
 * The servers' session ticket key: a function of the seed. Given none, a
 * server takes random keys made once per process from the first server's
 * provider, which would draw from that connection's seeded stream only in
 * the first run of a process. A fresh array per options object: the runtime
 * imports keys once per array, with that object's provider, so each
 * server's ticket nonces come from its own stream (its own provider, or
 * the shared one routed to it).
 */
function ticketKey(seed: number): Uint8Array {
  let key = ticketKeys.get(seed);
  if (key === undefined) {
    const r = new SeededRandom(seed).fork('ticketKey');
    key = Uint8Array.from({ length: 32 }, () => r.int(256));
    ticketKeys.set(seed, key);
  }
  return key.slice();
}

/** The `n`th application payload of connection `index` (deterministic bytes). */
export function payload(w: Workload, index: number, n: number): Uint8Array {
  return fillPayload(new Uint8Array(w.payloadBytes), index, n);
}

/**
 * Connection `index`'s first `records` payloads in one buffer, payload n at
 * `n × payloadBytes` (the bytes `payload` gives): one allocation per
 * connection rather than per record (a buffer of its own per 1,200-byte
 * record was a few µs each, with the collections the external memory
 * brings on).
 */
export function payloads(w: Workload, index: number, records: number): Uint8Array {
  const all = new Uint8Array(w.payloadBytes * records);
  for (let n = 0; n < records; n++) fillPayload(all.subarray(n * w.payloadBytes, (n + 1) * w.payloadBytes), index, n);
  return all;
}

function fillPayload(p: Uint8Array, index: number, n: number): Uint8Array {
  let x = (Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0;
  // Four bytes per step of the generator (one byte per step was a few µs per 1,200-byte record, every record).
  for (let i = 0; i < p.length; i += 4) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    p[i] = x;
    p[i + 1] = x >>> 8;
    p[i + 2] = x >>> 16;
    p[i + 3] = x >>> 24;
  }
  return p;
}

/** When each connection opens: all at 0, or a seeded Poisson process of `rate` per simulated second. */
export function arrivals(count: number, rate: number | undefined, random: SeededRandom, second: SimTime): SimTime[] {
  const out: SimTime[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    if (rate !== undefined && rate > 0 && i > 0) t += Math.round(random.exponential(second / rate));
    out.push(t);
  }
  return out;
}
