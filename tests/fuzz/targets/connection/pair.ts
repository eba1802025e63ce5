/**
 * A deterministic client/server pair for the connection fuzz targets: fixed
 * identities, fixed wall clock, and each side's randomness (randoms, key
 * shares) from its own seeded stream, so a handshake is the same bytes in
 * every run. The driver delivers one record at a time (each record of a
 * datagram as its own datagram) so that it can stop the moment the victim
 * reaches a chart state.
 */
import { readFileSync } from 'node:fs';
import { SeededRandom } from '../../../../hwmodel/kernel/random.js';
import { seededProvider } from '../../../../hwmodel/model/seeded-provider.js';
import { DtlsConnection, type ConnectionOptions } from '../../../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../../../runtime/shared/events.js';
import { nodeProvider } from '../../../../runtime/crypto/node/index.js';
import { MemoryAntiReplay } from '../../../../runtime/session/anti-replay.js';
import { decodeDatagram, encodeDatagram } from '../../../../runtime/wire/datagram.js';
import { TEST_TIME } from '../../../support/pki-fixtures.js';

export type Side = 'client' | 'server';
export const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');

/**
 * plain: 1-RTT with defaults; hrr: the server only takes secp256r1, so it asks
 * again; clientAuth: the server requires a client certificate; psk: an
 * external PSK both sides know (the server also has its certificate);
 * extensions: SNI selection, DTLS-SRTP, record_size_limit on both sides and
 * signature_algorithms_cert; cid: connection IDs both ways with RRC, the
 * server handing out spares (NewConnectionId, RequestConnectionId, RRC);
 * zeroRtt: the client resumes with a ticket the server issued to the
 * client's address and sends early data, which the server takes;
 * zeroRttElsewhere: the same ClientHello from another address than the
 * ticket names, so the server refuses the early data (RFC 9147 §5.1).
 */
export type Variant = 'plain' | 'hrr' | 'clientAuth' | 'psk' | 'extensions' | 'cid' | 'zeroRtt' | 'zeroRttElsewhere';

export const VARIANTS: readonly Variant[] = [
  'plain',
  'hrr',
  'clientAuth',
  'psk',
  'extensions',
  'cid',
  'zeroRtt',
  'zeroRttElsewhere',
];

const PSK = { identity: 'fuzz-device', key: new Uint8Array(32).fill(0x42) };
const TICKET_KEYS = new Uint8Array(32).fill(0x17);
/** The address the 0-RTT variants' ticket was issued to, and the one zeroRttElsewhere's ClientHello comes from. */
const TICKET_ADDRESS = '192.0.2.7';
const OTHER_ADDRESS = '198.51.100.7';
const EARLY_DATA = new TextEncoder().encode('GET /fuzz');

/**
 * The cid variant's CIDs: deterministic (an input must replay the same way),
 * and ending in 0xffff, so a reader that does not know the CID length sees a
 * record length past the datagram's end and never splits the datagram
 * wrongly.
 */
function fuzzCids(side: number): {
  readonly length: 4;
  readonly spares: 2;
  readonly generate: (n: number) => Uint8Array;
} {
  let next = 0;
  return {
    length: 4,
    spares: 2,
    generate: (n) => Uint8Array.from({ length: n }, (_, i) => (i < n - 2 ? (i === 0 ? side : next++ & 0xff) : 0xff)),
  };
}

interface StoredIdentity {
  readonly caDer: string;
  readonly chain: readonly string[];
  readonly privateKey: string;
}
interface Identity {
  readonly caDer: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
}

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const loadIdentity = (s: StoredIdentity): Identity => ({
  caDer: fromHex(s.caDer),
  chain: s.chain.map(fromHex),
  privateKey: fromHex(s.privateKey),
});
const stored = JSON.parse(readFileSync(new URL('../../fixtures/identities.json', import.meta.url), 'utf8')) as {
  server: StoredIdentity;
  client: StoredIdentity;
};
const SERVER_ID = loadIdentity(stored.server);
const CLIENT_ID = loadIdentity(stored.client);

/** Seeds of each side's random stream. */
const SEED = { client: 0x0c11e47, server: 0x5e7e4 } as const;

export interface Pair {
  readonly client: DtlsConnection;
  readonly server: DtlsConnection;
}

/** A fresh pair for `variant`; `keyLog` receives both sides' NSS key log lines. */
export function makePair(variant: Variant, keyLog?: (side: Side, line: string) => void): Pair {
  const log = (side: Side): Pick<ConnectionOptions, 'keyLog'> =>
    keyLog ? { keyLog: (line: string) => keyLog(side, line) } : {};
  const zeroRtt = variant === 'zeroRtt' || variant === 'zeroRttElsewhere';
  const client = DtlsConnection.client({
    provider: seededProvider(nodeProvider, new SeededRandom(SEED.client)),
    trustAnchors: [SERVER_ID.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    ...(variant === 'hrr' ? { groups: ['x25519', 'secp256r1'] } : {}),
    ...(variant === 'clientAuth' ? { certificate: { chain: CLIENT_ID.chain, privateKey: CLIENT_ID.privateKey } } : {}),
    ...(variant === 'psk' ? { psk: PSK } : {}),
    ...(variant === 'cid' ? { cid: fuzzCids(0xc1) } : {}),
    ...(zeroRtt ? { session: ticketSession(), earlyData: EARLY_DATA } : {}),
    ...(variant === 'extensions'
      ? {
          srtp: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'],
          recordSizeLimit: 200,
          signatureAlgorithmsCert: ['ecdsa_secp256r1_sha256', 'ed25519', 'rsa_pkcs1_sha256', 'rsa_pss_rsae_sha256'],
        }
      : {}),
    ...log('client'),
  });
  const server = DtlsConnection.server({
    provider: seededProvider(nodeProvider, new SeededRandom(SEED.server)),
    certificate: { chain: SERVER_ID.chain, privateKey: SERVER_ID.privateKey },
    wallClock: () => TEST_TIME,
    amplificationLimit: false, // the pair's client is the server's peer by construction; time stands still here
    ...(variant === 'hrr' ? { groups: ['secp256r1'] } : {}),
    ...(variant === 'clientAuth' ? { clientAuthentication: 'required', trustAnchors: [CLIENT_ID.caDer] } : {}),
    ...(variant === 'psk' ? { psk: { [PSK.identity]: PSK.key }, ticketKeys: TICKET_KEYS } : {}),
    ...(variant === 'cid' ? { cid: fuzzCids(0x5e) } : {}),
    // A store of the pair's own: the process-wide one would refuse the same ClientHello on the next run.
    ...(zeroRtt
      ? {
          ticketKeys: TICKET_KEYS,
          maxEarlyData: 4096,
          antiReplay: new MemoryAntiReplay(),
          peerAddress: variant === 'zeroRtt' ? TICKET_ADDRESS : OTHER_ADDRESS,
        }
      : {}),
    ...(variant === 'extensions'
      ? {
          sni: { 'server.test': { chain: SERVER_ID.chain, privateKey: SERVER_ID.privateKey } },
          srtp: ['SRTP_AES128_CM_SHA1_80', 'SRTP_AEAD_AES_128_GCM'],
          recordSizeLimit: 300,
        }
      : {}),
    ...log('server'),
  });
  return { client, server };
}

let session: Uint8Array | undefined;

/** The 0-RTT variants' ticket: a plain handshake with a server that has ticket keys and takes early data, its client at TICKET_ADDRESS. */
function ticketSession(): Uint8Array {
  if (session) return session;
  const client = DtlsConnection.client({
    provider: seededProvider(nodeProvider, new SeededRandom(SEED.client)),
    trustAnchors: [SERVER_ID.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
  });
  const server = DtlsConnection.server({
    provider: seededProvider(nodeProvider, new SeededRandom(SEED.server)),
    certificate: { chain: SERVER_ID.chain, privateKey: SERVER_ID.privateKey },
    wallClock: () => TEST_TIME,
    amplificationLimit: false, // the pair's client is the server's peer by construction; time stands still here
    ticketKeys: TICKET_KEYS,
    maxEarlyData: 4096,
    peerAddress: TICKET_ADDRESS,
  });
  const ticket = drive({ client, server }, () => false).events.client.find((e) => e.type === 'sessionTicket');
  if (ticket?.type !== 'sessionTicket') throw new Error('harness: the 0-RTT variants got no ticket');
  session = ticket.session;
  return session;
}

/** The records of a datagram, each as its own datagram (the datagram itself if it does not decode). */
export function splitRecords(datagram: Uint8Array): Uint8Array[] {
  try {
    const records = decodeDatagram(datagram);
    return records.length <= 1 ? [datagram] : records.map((r) => encodeDatagram([r]));
  } catch {
    return [datagram];
  }
}

export interface Drive {
  /** Every datagram each side emitted, in order. */
  readonly sent: { readonly client: Uint8Array[]; readonly server: Uint8Array[] };
  readonly events: { readonly client: ConnectionEvent[]; readonly server: ConnectionEvent[] };
  /** True when the driver stopped because `until` held. */
  readonly reached: boolean;
}

/**
 * Connects the client and relays records between the two (time stands at 0)
 * until `until()` holds or nothing moves. Stops right after the record that
 * made `until()` true; what either side still has to send stays queued.
 */
export function drive(pair: Pair, until: () => boolean): Drive {
  const sent = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  const events = { client: [] as ConnectionEvent[], server: [] as ConnectionEvent[] };
  const collectEvents = (): void => {
    for (const side of ['client', 'server'] as const)
      for (let e = pair[side].pollEvent(); e !== undefined; e = pair[side].pollEvent()) events[side].push(e);
  };
  if (until()) return { sent, events, reached: true };
  pair.client.connect(0);
  collectEvents();
  if (until()) return { sent, events, reached: true };
  for (let round = 0; round < 64; round++) {
    let moved = false;
    for (const from of ['client', 'server'] as const) {
      const to = pair[other(from)];
      for (let d = pair[from].pollTransmit(); d !== undefined; d = pair[from].pollTransmit()) {
        sent[from].push(d);
        for (const record of splitRecords(d)) {
          to.receive(record, 0);
          moved = true;
          collectEvents();
          if (until()) return { sent, events, reached: true };
        }
      }
    }
    if (!moved) break;
  }
  return { sent, events, reached: until() };
}

/** Relays everything both sides have queued until both are quiet; returns what each side sent. */
export function flush(pair: Pair, now: number): { client: Uint8Array[]; server: Uint8Array[] } {
  const sent = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  for (let round = 0; round < 64; round++) {
    let moved = false;
    for (const from of ['client', 'server'] as const) {
      for (let d = pair[from].pollTransmit(); d !== undefined; d = pair[from].pollTransmit()) {
        sent[from].push(d);
        pair[other(from)].receive(d, now);
        moved = true;
      }
    }
    for (const side of ['client', 'server'] as const) while (pair[side].pollEvent() !== undefined);
    if (!moved) break;
  }
  return sent;
}
