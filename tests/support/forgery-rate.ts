/**
 * Issue 56 finding 5: genuine records delivered while forged datagrams
 * arrive at a steady rate, on a simulated clock over the sans-I/O
 * connections (the test and `npm run bench -- attacks` share it).
 *
 * The client sends a genuine record every `1000 / genuinePerSecond` ms; each
 * datagram takes `latencyMs` either way. The attacker sends the server
 * `forgedPerSecond` forged datagrams a second (one record each, or
 * `recordsPerDatagram`), as if from the client's address: it watches the
 * client's datagrams, so a DTLS 1.3 forgery carries the epoch bits of the
 * client's latest record (the key the client writes with, the one whose
 * records a stall would hold back); a DTLS 1.2 one carries epoch 1 and a
 * sequence number ahead of the client's. None authenticates. After
 * `seconds` the client stops sending and the flood stops; what is still in
 * flight is delivered. The clock moves a millisecond at a time.
 */
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { bytesFrom, forgedCiphertext } from './attacker.js';
import { forgedRecord12 } from './forged12.js';
import { Link } from './link.js';
import { TEST_TIME, type Identity } from './pki-fixtures.js';

export type ForgeryVersion = 'DTLSv1.3' | 'DTLSv1.2';
export type ForgerySuite = 'ccm8' | 'gcm';

export interface ForgeryRun {
  readonly version: ForgeryVersion;
  readonly suite: ForgerySuite;
  readonly forgedPerSecond: number;
  /** Simulated seconds of traffic (default 32). */
  readonly seconds?: number;
  /** Genuine records the client sends a second (default 50). */
  readonly genuinePerSecond?: number;
  /** Forged records in each forged datagram (default 1). */
  readonly recordsPerDatagram?: number;
  /** One-way delay of every datagram (default 25 ms: a 50 ms round trip). */
  readonly latencyMs?: number;
  /** The server's `limits` (the client keeps the defaults). */
  readonly serverLimits?: DtlsOptions['limits'];
}

export interface ForgeryOutcome {
  readonly sent: number;
  readonly delivered: number;
  /** delivered / sent, in %. */
  readonly deliveredPercent: number;
  /** Forged datagrams sent. */
  readonly forged: number;
  /** The server's `drops.authentication` and `drops['authentication-rate']`. */
  readonly authentication: number;
  readonly authenticationRate: number;
  /** How the server's session ended, when it did. */
  readonly ended: string | undefined;
  /** Handshake messages the server received during the run: in 1.3 the client's KeyUpdates (one a rekey), none in 1.2. */
  readonly keyUpdates: number;
}

const SUITES: Readonly<Record<ForgeryVersion, Readonly<Record<ForgerySuite, DtlsOptions>>>> = {
  'DTLSv1.3': {
    ccm8: { cipherSuites: ['tls_aes_128_ccm_8_sha256'], allowCcm8: true },
    gcm: { cipherSuites: ['tls_aes_128_gcm_sha256'] },
  },
  'DTLSv1.2': {
    ccm8: {
      minVersion: 'DTLSv1.2',
      maxVersion: 'DTLSv1.2',
      cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_128_ccm_8'],
      allowCcm8: true,
    },
    gcm: {
      minVersion: 'DTLSv1.2',
      maxVersion: 'DTLSv1.2',
      cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'],
    },
  },
};

/** Runs one flood (see the file's comment) against a fresh session with `serverId`'s certificate. */
export function forgeryRun(serverId: Identity, run: ForgeryRun): ForgeryOutcome {
  const seconds = run.seconds ?? 32;
  const genuineEvery = 1000 / (run.genuinePerSecond ?? 50);
  const latency = run.latencyMs ?? 25;
  const options = SUITES[run.version][run.suite];
  const wallClock = (): number => TEST_TIME;
  const client = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock,
    ...options,
  });
  const server = DtlsConnection.server({
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock,
    amplificationLimit: false, // the in-memory link's client is the server's peer by construction
    ...options,
    ...(run.serverLimits === undefined ? {} : { limits: run.serverLimits }),
  });
  const link = new Link(client, server, { latency });
  client.connect(0);
  link.run();
  if (server.state !== 'connected') throw new Error(`no ${run.version} handshake: ${server.state}`);
  const before = {
    authentication: server.stats.drops.authentication,
    rate: server.stats.drops['authentication-rate'],
    messages: server.stats.handshakeMessagesReceived,
  };
  const start = link.now + 1000;
  const end = start + seconds * 1000;
  const queue: { at: number; toServer: boolean; datagram: Uint8Array }[] = [];
  let epochBits = 3;
  let sent = 0;
  let delivered = 0;
  let forged = 0;
  let forgedDue = 0;
  let nextGenuine = start;
  const collect = (now: number): void => {
    for (let d = client.pollTransmit(); d !== undefined; d = client.pollTransmit()) {
      if ((d[0]! & 0xe0) === 0x20) epochBits = d[0]! & 3;
      queue.push({ at: now + latency, toServer: true, datagram: d });
    }
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit())
      queue.push({ at: now + latency, toServer: false, datagram: d });
    for (let e = server.pollEvent(); e !== undefined; e = server.pollEvent())
      if (e.type === 'data' && e.data[0] === 0x67) delivered++;
    while (client.pollEvent() !== undefined);
  };
  const perDatagram = run.recordsPerDatagram ?? 1;
  const forgedRecord = (i: number): Uint8Array =>
    run.version === 'DTLSv1.3'
      ? forgedCiphertext(epochBits, i, bytesFrom(i + 1, 48))
      : forgedRecord12(1, 1_000_000 + i, 64, i + 1);
  const forge = (n: number): Uint8Array => {
    if (perDatagram === 1) return forgedRecord(n);
    const records = Array.from({ length: perDatagram }, (_, k) => forgedRecord(n * perDatagram + k));
    const out = new Uint8Array(records.reduce((sum, r) => sum + r.length, 0));
    records.reduce((at, r) => (out.set(r, at), at + r.length), 0);
    return out;
  };
  const drainUntil = end + 10 * latency + 2000;
  for (let now = start; now <= drainUntil; now++) {
    for (let i = 0; i < queue.length;) {
      const q = queue[i]!;
      if (q.at > now) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      (q.toServer ? server : client).receive(q.datagram, now);
    }
    if (now < end) {
      forgedDue += run.forgedPerSecond / 1000;
      for (; forgedDue >= 1; forgedDue--) if (server.state === 'connected') server.receive(forge(forged++), now);
      if (now >= nextGenuine) {
        // Counted as sent even once a session ended: the records the application could not deliver.
        if (client.state === 'connected') client.send(Uint8Array.of(0x67, sent & 0xff, sent >>> 8));
        sent++;
        nextGenuine += genuineEvery;
      }
    }
    for (const c of [client, server]) {
      const due = c.pollTimeout();
      if (due !== undefined && due <= now) c.handleTimeout(now);
    }
    collect(now);
  }
  const failure = server.failure;
  return {
    sent,
    delivered,
    deliveredPercent: sent === 0 ? 100 : (100 * delivered) / sent,
    forged,
    authentication: server.stats.drops.authentication - before.authentication,
    authenticationRate: server.stats.drops['authentication-rate'] - before.rate,
    ended: server.state === 'connected' ? undefined : (failure?.message ?? server.state),
    keyUpdates: server.stats.handshakeMessagesReceived - before.messages,
  };
}
