/**
 * The in-memory loop the calibration and the timing validation run: a client
 * and a server DtlsConnection in this process, datagrams handed straight
 * from one to the other (no network, no loss), timed with the wall clock.
 */
import { DtlsConnection } from '../../runtime/connection/connection.js';
import type { CryptoProvider, KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { wallTime, type Clock } from './clock.js';
import { SERVER_NAME, type ServerIdentity } from './identity.js';

/** What one in-memory handshake runs with. */
export interface PairConfig {
  readonly suite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup;
  readonly identity: ServerIdentity;
  readonly clientProvider: CryptoProvider;
  readonly serverProvider: CryptoProvider;
  /** Wall-clock time (ms since the epoch) for certificate validity. */
  readonly wallClock: number;
  /** What times the handshake (default the wall clock). */
  readonly clock?: Clock;
}

/** Work counts of a handshake so far, both sides together. */
export interface WorkCounts {
  /** Handshake messages received plus sent. */
  readonly messages: number;
  /** Records received plus datagrams sent. */
  readonly records: number;
}

/** A finished in-memory handshake. */
export interface HandshakeRun {
  readonly client: DtlsConnection;
  readonly server: DtlsConnection;
  /** Time (on the config's clock) from creating the two connections until neither has a datagram left to send, in ms. */
  readonly ms: number;
  /** Of that, the time creating the two connections took, ms. */
  readonly setupMs: number;
  /**
   * Time until the client was connected (its Finished flight sent),
   * in ms: what a simulation reports as handshake latency. The server's
   * handling of that flight comes after.
   */
  readonly clientMs: number;
  /** What both sides had done when the client was connected. */
  readonly atClientConnected: WorkCounts;
}

/** Datagrams a handshake may take at most before the loop gives up. */
const MAX_DATAGRAMS = 64;

/** Handshake messages and records of both connections so far. */
export function workCounts(client: DtlsConnection, server: DtlsConnection): WorkCounts {
  const c = client.stats;
  const s = server.stats;
  return {
    messages:
      c.handshakeMessagesReceived + c.handshakeMessagesSent + s.handshakeMessagesReceived + s.handshakeMessagesSent,
    records: c.recordsReceived + c.datagramsSent + s.recordsReceived + s.datagramsSent,
  };
}

const anchorLists = new WeakMap<PairConfig['identity'], readonly Uint8Array[]>();
const certificates = new WeakMap<
  PairConfig['identity'],
  { readonly chain: readonly Uint8Array[]; readonly privateKey: Uint8Array }
>();

/**
 * One trust-anchor list per identity, as an application keeps its options:
 * the runtime parses a list once (runtime/shared/option-cache.ts), so a
 * fresh array per handshake would charge every handshake with parsing the
 * anchors, which the model's workload and a real server do not pay.
 */
function anchorsOf(identity: PairConfig['identity']): readonly Uint8Array[] {
  let list = anchorLists.get(identity);
  if (list === undefined) anchorLists.set(identity, (list = [identity.trustAnchor]));
  return list;
}

/**
 * One certificate option per identity, as a server keeps its options: the
 * runtime checks a certificate option (chain order, the key against the
 * leaf) once per object and provider (runtime/pki/check-identity-options.ts),
 * so a fresh object per handshake would charge every handshake with that
 * configuration check (about a quarter of an in-memory handshake), which a
 * real server pays once when it starts listening.
 */
function certificateOf(identity: PairConfig['identity']): {
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
} {
  let certificate = certificates.get(identity);
  if (certificate === undefined)
    certificates.set(identity, (certificate = { chain: identity.chain, privateKey: identity.privateKey }));
  return certificate;
}

/**
 * Runs one full handshake between a fresh client and server (both sides
 * pinned to `config.suite`, `config.group` and the identity's scheme),
 * datagram by datagram, until both are connected and quiet. Throws when
 * the handshake fails.
 */
export function handshake(config: PairConfig): HandshakeRun {
  const wallClock = (): number => config.wallClock;
  const common = {
    cipherSuites: [config.suite],
    allowCcm8: true,
    groups: [config.group],
    signatureAlgorithms: [config.identity.scheme],
    wallClock,
  };
  const clock = config.clock ?? wallTime;
  const t0 = clock();
  const server = DtlsConnection.server({
    ...common,
    provider: config.serverProvider,
    certificate: certificateOf(config.identity),
    tickets: 0, // full handshakes, as the model's workload (hwmodel/model/scenario.ts)
    amplificationLimit: false, // as the model's workload
  });
  const client = DtlsConnection.client({
    ...common,
    provider: config.clientProvider,
    trustAnchors: anchorsOf(config.identity),
    serverName: SERVER_NAME,
  });
  const setupMs = clock() - t0;
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  client.connect(0);
  drain(client, toServer);
  let clientMs: number | undefined;
  let atClientConnected: WorkCounts | undefined;
  for (let n = 0; (toServer.length > 0 || toClient.length > 0) && n < MAX_DATAGRAMS; n++) {
    const forServer = toServer.shift();
    if (forServer !== undefined) {
      server.receive(forServer, 0);
      drain(server, toClient);
    }
    const forClient = toClient.shift();
    if (forClient !== undefined) {
      client.receive(forClient, 0);
      drain(client, toServer);
      if (clientMs === undefined && client.state === 'connected') {
        clientMs = clock() - t0;
        atClientConnected = workCounts(client, server);
      }
    }
  }
  const ms = clock() - t0;
  if (
    client.state !== 'connected' ||
    server.state !== 'connected' ||
    clientMs === undefined ||
    atClientConnected === undefined
  ) {
    throw new Error(
      `calibration handshake failed (${config.suite}, ${config.group}, ${config.identity.scheme}): ${client.failure?.message ?? server.failure?.message ?? 'not connected'}`,
    );
  }
  drainEvents(client);
  drainEvents(server);
  return { client, server, ms, setupMs, clientMs, atClientConnected };
}

/**
 * Sends one application record from `client` to `server` and takes it out
 * at the server: `send`, `pollTransmit`, `receive`, `pollEvent`. Throws when
 * the record does not arrive as one data event.
 */
export function exchangeRecord(client: DtlsConnection, server: DtlsConnection, payload: Uint8Array, now: number): void {
  client.send(payload);
  const datagram = client.pollTransmit();
  if (datagram === undefined) throw new Error('the client produced no datagram for a record');
  server.receive(datagram, now);
  const event = server.pollEvent();
  if (event?.type !== 'data' || event.data.length !== payload.length)
    throw new Error(`the server did not deliver the record (got ${event?.type ?? 'nothing'})`);
}

function drain(c: DtlsConnection, out: Uint8Array[]): void {
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
}

function drainEvents(c: DtlsConnection): void {
  while (c.pollEvent() !== undefined);
}
