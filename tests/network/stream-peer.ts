/**
 * One end of the GSO/GRO run tests (gro-runs.test.ts), run inside a
 * network namespace through the public API:
 *
 *     node --import=tsx stream-peer.ts server JSON
 *         prints `listening PORT`; on `report` (stdin) prints `report JSON` (a {@link ServerReport}); every message
 *         must be a {@link streamMessage}
 *     node --import=tsx stream-peer.ts client JSON
 *         prints `opened`; on `send FROM COUNT TURN KEYUPDATES` (stdin) sends messages FROM..FROM+COUNT-1, TURN in each
 *         turn of the event loop (each turn's records leave in one batched send), calls `updateKeys()` KEYUPDATES times
 *         spread over them, and prints `sent JSON` (a {@link ClientReport})
 *
 * JSON is a {@link StreamConfig}. Each side exits when its stdin ends.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';

export interface StreamConfig {
  /** Server: the address to bind; client: the server's address. */
  readonly host: string;
  /** Client: the server's port. */
  readonly port?: number;
  /** Server: PEM files of its chain and key; client: the CA. */
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
  readonly maxVersion: 'DTLSv1.2' | 'DTLSv1.3';
  /** Server: the `messageBuffers` option. */
  readonly messageBuffers?: 'batch' | 'own';
  /** Both: the `cid` option (connection IDs of this length; absent: none). */
  readonly cid?: number;
  /** Client: bytes per message (at least 8). */
  readonly size?: number;
}

/** What the server saw: each message's number in the order delivered, and its counts. */
export interface ServerReport {
  readonly delivered: number[];
  /** Messages whose bytes were not what {@link streamMessage} makes for their number. */
  readonly damaged: number;
  readonly sessions: number;
  /** `listener.stats.packetsReceived`: datagrams after GRO runs were split. */
  readonly packetsReceived: number;
  /** The session's `stats.connectionStats.drops`. */
  readonly drops: Record<string, number>;
  /** Records the server's record layers opened in runs, and of those how many it took on the run road (OPENED_AHEAD). */
  readonly openedInRuns: number;
  readonly runRoad: number;
  readonly errors: string[];
}

/** What the client sent. */
export interface ClientReport {
  readonly messagesSent: number;
  readonly datagramsSent: number;
  readonly keyUpdates: number;
  /** How long the last `send` took, from its first record to the last one written, in ms. */
  readonly ms: number;
}

/** Message `n` of `size` bytes: its number (32 bits), then bytes that depend on it and their place. */
export function streamMessage(n: number, size: number): Uint8Array {
  const m = new Uint8Array(size);
  new DataView(m.buffer).setUint32(0, n);
  for (let i = 4; i < size; i++) m[i] = (n * 31 + i) & 0xff;
  return m;
}

/** The number of a message {@link streamMessage} made, or -1 when its bytes are not what it makes. */
export function messageNumber(m: Uint8Array): number {
  if (m.length < 8) return -1;
  const n = new DataView(m.buffer, m.byteOffset, m.byteLength).getUint32(0);
  for (let i = 4; i < m.length; i++) if (m[i] !== ((n * 31 + i) & 0xff)) return -1;
  return n;
}

/** Sends messages [from, from + count), `turn` at a time, with `keyUpdates` key updates among them, until written. */
async function stream(
  session: DtlsSession,
  from: number,
  count: number,
  turn: number,
  keyUpdates: number,
  size: number,
) {
  const every = keyUpdates > 0 ? Math.floor(count / (keyUpdates + 1)) : Infinity;
  let updates = 0;
  for (let n = from; n < from + count;) {
    for (const end = Math.min(from + count, n + turn); n < end; n++) {
      // Asked for mid-turn; the new keys are used once the peer ACKed the KeyUpdate (RFC 9147 §8), a few turns on.
      if (n > from && (n - from) % every === 0 && updates < keyUpdates) {
        session.updateKeys();
        updates++;
      }
      session.send(streamMessage(n, size));
    }
    await session.flushed();
    // A pause between turns: each turn stays one run on the wire and the server's socket never overflows.
    await new Promise((r) => setTimeout(r, 2));
  }
  return updates;
}

const [role, json] = process.argv.slice(2);
if ((role !== 'server' && role !== 'client') || json === undefined)
  throw new Error('usage: stream-peer.ts server|client JSON');
const config = JSON.parse(json) as StreamConfig;
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const lines = createInterface({ input: process.stdin });

if (role === 'server') {
  const delivered: number[] = [];
  const errors: string[] = [];
  let damaged = 0;
  let last: DtlsSession | undefined;
  const listener = listen(
    (s) => {
      last = s;
      s.onmessage = (m) => {
        const n = messageNumber(m);
        if (n < 0) damaged++;
        else delivered.push(n);
      };
      s.onerror = (e) => errors.push(`${e.name}: ${e.message}`);
    },
    {
      cert: readFileSync(config.cert!),
      key: readFileSync(config.key!),
      host: config.host,
      port: 0,
      maxVersion: config.maxVersion,
      // Held back by the path's slow queue, a record may arrive a few turns late: well inside this window.
      replayWindow: 4096,
      // Room for every record of a test at once, so that the socket never drops one (the equality counts on it).
      udpReceiveBufferSize: 4 << 20,
      ...(config.messageBuffers === undefined ? {} : { messageBuffers: config.messageBuffers }),
      ...(config.cid === undefined ? {} : { cid: config.cid }),
    },
  );
  say(`listening ${(await listener.listening).port}`);
  for await (const line of lines) {
    if (line !== 'report') continue;
    const report: ServerReport = {
      delivered,
      damaged,
      sessions: listener.stats.sessions,
      packetsReceived: listener.stats.packetsReceived,
      drops: { ...(last?.stats.connectionStats?.drops ?? {}) },
      openedInRuns: OPENED_AHEAD.opened,
      runRoad: OPENED_AHEAD.next,
      errors,
    };
    say(`report ${JSON.stringify(report)}`);
  }
  await listener.close();
} else {
  const session = connect(config.host, config.port!, {
    ca: readFileSync(config.ca!),
    servername: 'localhost',
    maxVersion: config.maxVersion,
    ...(config.maxVersion === 'DTLSv1.2' ? { minVersion: 'DTLSv1.2' as const } : {}),
    ...(config.cid === undefined ? {} : { cid: config.cid }),
  });
  session.onerror = (e) => say(`error ${e.message}`);
  await session.opened;
  say('opened');
  for await (const line of lines) {
    const m = /^send (\d+) (\d+) (\d+) (\d+)$/.exec(line);
    if (!m) continue;
    const [from, count, turn, updates] = m.slice(1).map(Number) as [number, number, number, number];
    const t0 = performance.now();
    const keyUpdates = await stream(session, from, count, turn, updates, config.size ?? 1000);
    const ms = Math.round(performance.now() - t0);
    const { messagesSent, datagramsSent } = session.stats;
    say(`sent ${JSON.stringify({ messagesSent, datagramsSent, keyUpdates, ms } satisfies ClientReport)}`);
  }
  session.destroy();
}
process.exit(0);
