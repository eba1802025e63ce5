/**
 * One worker thread of `listenWorkers`: a `listen()` of its own on its socket of the shared port. A datagram whose CID
 * names another worker is handed to it once over a message port, another host's goes over the fleet's link, and one
 * naming neither is dropped and counted.
 */
import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { isIP } from 'node:net';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { datagramOwner, ownerCidGenerator, type CidOwner } from '../../cid/cid-owner.js';
import { rotateTicketKeys } from '../../session/ticket-key-cache.js';
import { nativeBinding } from '../../crypto/native/binding.js';
import { Transport, type DatagramRoute } from '../../node/transport.js';
import { boundSocket } from '../../node/socket-bind.js';
import { DtlsListener, servedHere } from '../listener.js';
import { serverOptions } from '../options.js';
import type { ListenOptions } from '../options.js';
import type { DtlsSession } from '../session.js';
import { FleetLink, LinkCounts, type RouteHolder } from './fleet-link.js';
import { PrimaryAntiReplay, type AdmitAnswer } from './shared-anti-replay.js';
import { CidDirectory } from './cid-directory.js';
import { publishConnectionIds } from './published-cids.js';
import {
  failAll,
  onThreadExit,
  onThreadFailure,
  peersOf,
  sendQueueDrained,
  type EndedSession,
} from './worker-death.js';
import type { Forwarded, ForwardedBatch, ToPrimary, ToWorker, WorkerInit } from './worker-messages.js';
import { COLUMN, STATS_FLUSH_MS, statsRow, type WorkerStatName } from './worker-stats.js';
import { listenerValues, servedHereStats } from '../listener-stats.js';

/** What a worker module exports: the session callback, and options that cannot cross threads (functions, stores, contexts). */
interface WorkerModule {
  readonly onsession?: unknown;
  readonly default?: unknown;
  readonly options?: unknown;
}

/** The primary's set-up and link, bound by {@link runWorker}. */
let init: WorkerInit;
let port: MessagePort;
/** `import()` of the thread's file: the package's bundle, which holds this module, runs as a vm.Script, which has none. */
let importModule: (specifier: string) => Promise<unknown>;
/** This worker's own counts (worker-stats.ts names each). */
const counts = {
  packetsReceived: 0,
  bytesReceived: 0,
  forwardedOut: 0,
  forwardedOutBytes: 0,
  forwardedIn: 0,
  forwardedInBytes: 0,
  unknownOwner: 0,
  unknownConnectionId: 0,
  messagesPosted: 0,
} satisfies Partial<Record<WorkerStatName, number>>;

const tell = (m: ToPrimary): void => port.postMessage(m);
/** A message of serving (not the thread's start or end), counted in `messagesPosted`. */
const tellCounted = (m: ToPrimary): void => {
  counts.messagesPosted++;
  tell(m);
};

async function moduleParts(): Promise<{
  onsession: (session: DtlsSession) => void;
  options: Readonly<Record<string, unknown>>;
}> {
  const mod = (await importModule(init.module)) as WorkerModule;
  const onsession = mod.onsession ?? mod.default;
  if (typeof onsession !== 'function')
    throw new Error(
      `the worker module ${init.module} exports no onsession function (export onsession, or a default export)`,
    );
  const made: unknown =
    typeof mod.options === 'function'
      ? await (mod.options as (w: object) => unknown)({
          worker: init.worker,
          workers: init.workers,
          hostId: init.hostId,
        })
      : mod.options;
  if (made !== undefined && (typeof made !== 'object' || made === null))
    throw new Error(`the worker module ${init.module}: options must be an object or a function returning one`);
  return { onsession: onsession as (session: DtlsSession) => void, options: (made ?? {}) as Record<string, unknown> };
}

function bindSocket(): Promise<Socket> {
  const s = init.socket;
  // node:dgram's reusePort is in Node 22.12 / 23.1 and later (reuseport-sockets.ts chose this only there); @types/node 20 lacks it.
  const reusePort = {
    type: s.family,
    reusePort: true,
    ipv6Only: s.kind === 'reusePort' && s.ipv6Only,
  } as SocketOptions;
  const socket = createSocket(s.kind === 'reusePort' ? reusePort : { type: s.family });
  return boundSocket(socket, s.kind === 'fd' ? { fd: s.fd } : { port: s.port, address: s.host });
}

/** This worker's socket on the fleet's link: its host's link port + its worker id. */
function bindLinkSocket(): Promise<Socket | undefined> {
  const own = init.fleet?.hosts.find((h) => h.id === init.hostId);
  if (own === undefined) return Promise.resolve(undefined);
  const socket = createSocket(isIP(own.address) === 6 ? 'udp6' : 'udp4');
  return boundSocket(socket, { port: own.port + init.worker, address: own.address, exclusive: true });
}

async function main(): Promise<void> {
  const parts = await moduleParts();
  const socket = await bindSocket();
  const linkSocket = await bindLinkSocket();
  const local = socket.address();
  const sendPublic = (d: Uint8Array, address: string, p: number): void => socket.send(d, p, address);
  let link: FleetLink | undefined;
  const store =
    init.sharedAntiReplay && parts.options.antiReplay === undefined
      ? new PrimaryAntiReplay(tellCounted, init.antiReplayGeneration)
      : undefined;
  const cidLength = init.cid?.length ?? 0;
  const options = {
    ...init.options,
    ...parts.options,
    ...(init.cid !== undefined
      ? {
          cid: {
            ...init.cid.rest,
            length: init.cid.length,
            ...(init.cid.length > 0 ? { generate: ownerCidGenerator({ host: init.hostId, worker: init.worker }) } : {}),
          },
        }
      : {}),
    ...(store !== undefined ? { antiReplay: store } : {}),
  } as ListenOptions;

  const directory = init.directory !== undefined ? new CidDirectory(init.directory, init.worker) : undefined;
  // A worker started in a dead one's place: the dead one's CIDs are not this worker's.
  directory?.clear();
  // Ports to the other workers; one started in a dead worker's place sends a new port (the 'peer' message).
  const peers = [...init.peers];
  // What goes to another worker leaves in one message per read of the socket (sent once its datagrams are all handled).
  const outgoing = new Map<number, { readonly port: MessagePort; readonly batch: Forwarded[] }>();
  const sendOutgoing = (): void => {
    for (const { port: peer, batch } of outgoing.values()) {
      const message: ForwardedBatch = batch;
      counts.messagesPosted++;
      peer.postMessage(
        message,
        batch.map(([d]) => d.buffer as ArrayBuffer),
      );
    }
    outgoing.clear();
  };
  const handOver = (worker: number, peer: MessagePort, f: Forwarded): void => {
    if (outgoing.size === 0) queueMicrotask(sendOutgoing);
    let pending = outgoing.get(worker);
    if (pending === undefined) outgoing.set(worker, (pending = { port: peer, batch: [] }));
    pending.batch.push(f);
  };

  // Statistics: written after each batch of datagrams (once the batch's synchronous work is done) and on a timer.
  const row = statsRow(init.stats, init.worker);
  let flushQueued = false;
  const flush = (cpu = false): void => {
    flushQueued = false;
    writeRow(row, listener, link, cpu);
  };
  const flushAll = (): void => flush(true);
  const flushSoon = (): void => {
    if (flushQueued) return;
    flushQueued = true;
    queueMicrotask(() => flush());
  };

  /** Whether a CID's owner is this host and worker. */
  const here = (owner: CidOwner): boolean => owner.host === init.hostId && owner.worker === init.worker;
  /** Takes the datagrams another worker or host holds the session of (true); leaves this worker's to its server (false). */
  const route: DatagramRoute = (d, address, p) => {
    counts.packetsReceived++;
    counts.bytesReceived += d.length;
    flushSoon();
    const owner = datagramOwner(d, cidLength);
    if (owner === undefined || here(owner)) {
      // A record that came straight is answered straight; the route ends only if it authenticated at its own session.
      const handled = link?.relaying === true && transport.holdsConnectionId(d) ? link.direct(address, p) : undefined;
      return handled ?? false;
    }
    if (owner.host !== init.hostId) {
      // Another host's CID: the fleet's link takes it to that host (a client that moved, and the balancer picked this host).
      if (link?.forward(d, owner, address, p) !== true) counts.unknownOwner++;
      return true;
    }
    const peer = peers[owner.worker];
    if (peer === undefined) {
      counts.unknownOwner++;
      return true;
    }
    // A CID the owner holds no session of (a forgery) is dropped here: one lookup, nothing for the owner's event loop.
    if (directory !== undefined && !directory.mayHold(owner.worker, d)) {
      counts.unknownConnectionId++;
      return true;
    }
    counts.forwardedOut++;
    counts.forwardedOutBytes += d.length;
    const copy = Uint8Array.from(d); // the receive buffer is reused; the copy goes to the other thread
    handOver(owner.worker, peer, [copy, address, p]);
    return true;
  };
  // The server reads and sends on the worker's socket itself (batched, datagrams lent), after `route`.
  const listener = new DtlsListener(servedHere(parts.onsession, serverOptions(options), { socket, route }));
  /** Its sessions not ended yet: those a worker that dies ends with an alert, and names. */
  const sessions = listener.admission.side.open;
  listener.busy = init.busy;
  // The worker's socket and demux, made by its server (synchronously, on an adopted socket), asked what it holds.
  const transport = Transport.of(socket);
  // The CIDs this worker's sessions hold, published for the others (from the first session on: before any datagram is read).
  if (directory !== undefined) void listener.listening.then(() => publishConnectionIds(listener.admission, directory));
  listener.onhandshakeerror = (error, remote) =>
    tellCounted({
      type: 'handshakeError',
      message: error.message,
      code: error.code,
      alert: error.alert,
      address: remote.address,
      port: remote.port,
    });
  /** A datagram another worker or host received for a session here: a copy of its own, never forwarded again. */
  const inject = (d: Uint8Array, address: string, p: number): RouteHolder | undefined => {
    const authenticated = transport.receive(d, address, p);
    flushSoon();
    return authenticated;
  };
  const timer = setInterval(flushAll, STATS_FLUSH_MS);
  timer.unref();

  if (linkSocket !== undefined && init.fleet !== undefined) {
    const fleetLink = new FleetLink(
      init.fleet,
      { host: init.hostId, worker: init.worker, workers: init.workers },
      linkSocket,
      {
        sendPublic,
        deliver: inject,
        // This worker's to take: its CID names this host and worker, and a session here holds it (a made-up CID sets no route).
        owns: (d) => {
          const owner = datagramOwner(d, cidLength);
          return owner !== undefined && here(owner) && transport.holdsConnectionId(d);
        },
      },
    );
    link = fleetLink;
    transport.datagrams.divert = (datagrams, count, address, p) => fleetLink.sendVia(datagrams, count, address, p);
  }
  const attachPeer = (peer: MessagePort): void => {
    peer.on('message', (m: ForwardedBatch) => {
      if (!Array.isArray(m)) return;
      for (const [d, address, p] of m) {
        if (!(d instanceof Uint8Array) || typeof address !== 'string' || typeof p !== 'number') continue;
        counts.forwardedIn++;
        counts.forwardedInBytes += d.length;
        inject(d, address, p);
      }
    });
    peer.unref();
  };
  for (const peer of peers) if (peer !== undefined) attachPeer(peer);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await listener.close(); // closes the socket too
      store?.clear();
      clearInterval(timer);
      link?.close();
      flushAll();
      for (const peer of peers) peer?.close();
      tell({ type: 'closed', sessions: closedPeers });
      port.close();
    })());
  let closedPeers: EndedSession[] = [];
  const closeTelling = (): Promise<void> => {
    if (closing === undefined) closedPeers = peersOf(sessions);
    return close();
  };
  port.on('message', (m: ToWorker) => {
    if (m.type === 'admitted') store?.answered(m as AdmitAnswer);
    else if (m.type === 'peer') {
      // The worker `m.worker` died and another took its place: the port to the new one.
      peers[m.worker]?.close();
      peers[m.worker] = m.port;
      if (closing === undefined) attachPeer(m.port);
      else m.port.close();
    } else if (m.type === 'close') void closeTelling();
    else if (m.type === 'busy') listener.busy = m.busy;
    else if (m.type === 'ticketKeys') {
      const option = init.options.ticketKeys;
      if (typeof option === 'object' && option !== null) rotateTicketKeys(option, m.keys);
    } else if (m.type === 'destroy') {
      listener.destroy(m.message !== undefined ? new Error(m.message) : undefined);
      void close();
    }
  });
  await listener.listening;
  // A throw out of this thread's event loop: its sessions end with an alert, the primary learns which, then the thread ends.
  onThreadFailure((error) => {
    tell({ type: 'dying', message: error.message, sessions: failAll(sessions, error) });
    void sendQueueDrained(socket).then(() => process.exit(1));
  });
  // process.exit() in the thread (the module's, or a library's it uses): no timer runs again, but the alerts leave now.
  onThreadExit(() => {
    if (closing !== undefined) return;
    const error = new Error('the worker thread called process.exit()');
    tell({ type: 'dying', message: error.message, sessions: failAll(sessions, error) });
  });
  flushAll();
  tell({ type: 'ready', address: local.address, family: local.family, port: local.port });
}

const NO_LINK = new LinkCounts();

/** Writes the worker's statistics row in place after every read; the thread's CPU time only with `cpu`. */
function writeRow(row: Float64Array, listener: DtlsListener, link: FleetLink | undefined, cpu: boolean): void {
  // Every value of the listener's stats, read with one look at its server's counts (each getter would build it again).
  const values = listenerValues(servedHereStats(listener.admission, listener.counts));
  for (const [name, value] of Object.entries(values)) {
    const at = COLUMN[name];
    if (at !== undefined && typeof value === 'number') row[at] = value;
  }
  for (const [name, value] of Object.entries(values.antiReplay ?? {})) row[COLUMN[`antiReplay.${name}`]!] = value;
  // The worker's own counts: what reached its socket (what it forwards too), its link's, its forwarding.
  for (const [name, value] of Object.entries(counts)) row[COLUMN[name]!] = value;
  for (const [name, value] of Object.entries(link?.counts ?? NO_LINK)) row[COLUMN[name]!] = value;
  // The server's unknown CIDs, and those naming another worker dropped here before crossing (cid-directory.ts).
  row[COLUMN.unknownConnectionId!] = values.unknownConnectionId + counts.unknownConnectionId;
  if (cpu) row[COLUMN.threadCpuMs!] = Math.max(0, nativeBinding?.threadCpuTime?.() ?? 0);
}

/** Runs this thread as a worker of its listener (called by worker-thread.ts); importing this module runs nothing. */
export function runWorker(load: (specifier: string) => Promise<unknown>): void {
  importModule = load;
  init = workerData as WorkerInit;
  port = parentPort!;
  main().catch((e: unknown) => {
    const error = e instanceof Error ? e : new Error(String(e));
    const { code, option } = error as Error & { code?: unknown; option?: unknown };
    tell({
      type: 'failed',
      message: error.message,
      code: typeof code === 'string' ? code : undefined,
      option: typeof option === 'string' ? option : undefined,
    });
  });
}
