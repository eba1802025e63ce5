/**
 * `listenWorkers(module, { workers })` (`dtls13/workers`): a DTLS server on N worker threads, each on an SO_REUSEPORT
 * socket the primary made; ticket keys, anti-replay and statistics shared (docs/scale-out.md).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { ConfigError } from '../../config-error.js';
import type { HandshakeErrorHandler } from '../errors.js';
import { tell } from '../application-callback.js';
import { DtlsListener, type ListenerServing } from '../dtls-listener.js';
import type { ListenerCounts } from '../listener-stats.js';
import { serverOptions, type ListenOptions } from '../options.js';
import type { SessionAddress } from '../session.js';
import { TICKET_KEY_LENGTH } from '../../session/ticket-keys.js';
import { MIN_OWNER_CID_LENGTH } from '../../cid/cid-owner.js';
import { withFamily } from '../../node/peer-paths.js';
import {
  closeNativeSockets,
  HandedDescriptor,
  nativeSockets,
  socketPlan,
  type SocketPlan,
  workerDescriptor,
} from './reuseport-sockets.js';
import { readTicketKeyFile, watchTicketKeyFile } from './ticket-key-file.js';
import { SharedAntiReplay, type AdmitRequest } from './shared-anti-replay.js';
import type { ToPrimary, ToWorker, WorkerInit, WorkerSocket } from './worker-messages.js';
import { cidDirectoryInit, directorySlots } from './cid-directory.js';
import { fleetOption } from './fleet-options.js';
import { integerFrom } from '../option-names.js';
import { ownerCidOption, workerCount, workerListenOptions } from './worker-options.js';
import { statsBuffer, workerListenerStats, type DtlsWorkerListenerStats } from './worker-stats.js';
import type { EndedSession } from './worker-death.js';

export type { DtlsWorkerListenerStats } from './worker-stats.js';

/** Options of `listenWorkers(module, options)` (`dtls13/workers`). */
export interface WorkerListenOptions extends ListenOptions {
  /** Event loops (worker threads), each with its own socket on the port: a count (1..64), or 'auto' (one per core). */
  readonly workers: number | 'auto';
}

/** What a worker says once listening: its socket's address. */
type Ready = Omit<Extract<ToPrimary, { type: 'ready' }>, 'type'>;

/** What {@link listenWorkers} checked and the primary starts the workers from. */
interface WorkerPlan extends Pick<WorkerInit, 'module' | 'workers' | 'hostId' | 'cid' | 'fleet'> {
  /** The options every worker is given, checked to cross threads (the primary's own taken out). */
  readonly given: Record<string, unknown>;
  /** How the workers' sockets are made (reuseport-sockets.ts). */
  readonly socketKind: SocketPlan;
}

/** Sessions a worker's CID table is sized for without `maxSessions` (or with 0: no limit): the default limit's. */
const DIRECTORY_SESSIONS = 10_000;

/** The options the primary takes for itself (the workers get the rest). */
const PRIMARY_OPTIONS = [
  'workers',
  'hostId',
  'fleet',
  'host',
  'port',
  'reusePort',
  'ipv6Only',
  'cid',
  'maxSessions',
  'transport',
  'ticketKeys',
  'ticketKeyFile',
];

/** What `onworkerexit` is told when a worker died. */
export interface WorkerExit {
  /** The worker that died. */
  readonly worker: number;
  /** Why (what it threw, or how it exited); when the endpoint ended for it, `closed` rejects with it. */
  readonly error: Error;
  /** Its sessions, each ended with an internal_error alert; undefined when it could tell nothing (stopped from outside). */
  readonly failed: readonly EndedSession[] | undefined;
  /** Whether a new worker took its place on the same socket; false when the endpoint ended instead. */
  readonly replaced: boolean;
  /** When the endpoint ended: the other workers' sessions, closed with close_notify; empty when the worker was replaced. */
  readonly closed: readonly EndedSession[];
}

/** What the workers' admission tells its listener of: handshakes a worker refused, a worker's death, the end. */
interface WorkersHolder {
  readonly onhandshakeerror: HandshakeErrorHandler | null;
  readonly onworkerexit?: ((exit: WorkerExit) => void) | null;
  readonly counts: ListenerCounts;
  end(error?: Error): void;
}

/**
 * A listener's admission on N worker threads (the primary's part): each worker a `listen()` of its own on its own
 * SO_REUSEPORT socket of the port (worker-main.ts); ticket keys, anti-replay and statistics shared; a worker that dies
 * replaced on a copy of its socket.
 */
export class WorkerAdmission implements ListenerServing {
  readonly early = undefined;
  readonly stats: DtlsWorkerListenerStats;
  /** The number of workers. */
  readonly workers: number;
  private readonly listener: WorkersHolder;
  private readonly plan: WorkerPlan;
  private readonly options: WorkerListenOptions;
  /** The statistics rows the workers write (worker-stats.ts), one per worker. */
  private readonly rows: SharedArrayBuffer;
  private steered = false;
  private busy$ = false;
  /** The thread of each worker, by worker number (a replacement takes its dead one's place). */
  private readonly threads: Worker[] = [];
  /** The threads that said they were ready: one that dies before is not replaced (its module cannot start). */
  private readonly readyThreads = new WeakSet<Worker>();
  /** What each worker was started with, by worker number (its replacement is started the same way). */
  private readonly inits: WorkerInit[] = [];
  /** The primary's own descriptor of each worker's socket (the workers have copies); undefined: a dead worker cannot be replaced. */
  private held: readonly number[] | undefined;
  /** The ticket keys the workers hold now (as given, or as last rotated). */
  private keys: Uint8Array | readonly Uint8Array[] = [];
  private entry: URL | undefined;
  /** Listening: every worker said it was ready. */
  served = false;
  /** How the workers are told to close: with close_notify, or (destroy) at once. */
  private ending: ToWorker = { type: 'close' };
  private closing: Promise<void> | undefined;
  private readonly replay = new SharedAntiReplay();
  private shutting = false;
  private unwatch: (() => void) | undefined;
  /** What each worker said as it died (its sessions, ended with internal_error), by worker number. */
  private readonly dying = new Map<number, { readonly message: string; readonly sessions: readonly EndedSession[] }>();
  private readonly exited = new Set<Worker>();
  /** The sessions each worker closed with close_notify as it closed, by worker number. */
  private readonly closedSessions = new Map<number, readonly EndedSession[]>();
  /** Whether the workers' ticketKeys option is a list they can rotate. */
  private ticketKeysRotate = false;

  constructor(plan: WorkerPlan, options: WorkerListenOptions, listener: WorkersHolder) {
    this.plan = plan;
    this.options = options;
    this.listener = listener;
    this.workers = plan.workers;
    this.rows = statsBuffer(plan.workers);
    this.stats = workerListenerStats({
      workers: plan.workers,
      counts: listener.counts,
      rows: this.rows,
      steered: () => this.steered,
    });
  }

  get busy(): boolean {
    return this.busy$;
  }

  /** Every worker's `busy` (and a replacement's from its start). */
  set busy(busy: boolean) {
    this.busy$ = busy;
    const message: ToWorker = { type: 'busy', busy };
    for (const t of this.threads) if (!this.exited.has(t)) t.postMessage(message);
  }

  /** Every thread ended, every descriptor of the port closed. */
  async abandon(): Promise<void> {
    this.shutting = true;
    await Promise.all(this.threads.map((t) => t.terminate()));
    this.releaseSockets();
  }

  destroyAll(reason: Error): void {
    this.ending = { type: 'destroy', message: reason.message };
  }

  /** Closes every worker's sessions and sockets (close_notify, or at once after `destroyAll`); once, however asked. */
  closeAll(): Promise<void> {
    return (this.closing ??= this.shut(this.ending));
  }

  /** {@link DtlsWorkerListener.setTicketKeys}. */
  setTicketKeys(keys: readonly Uint8Array[]): void {
    if (
      !Array.isArray(keys) ||
      keys.length === 0 ||
      keys.some((k) => !(k instanceof Uint8Array) || k.length !== TICKET_KEY_LENGTH)
    )
      throw new ConfigError('ticketKeys', `must be a list of ${TICKET_KEY_LENGTH}-byte keys, the current one first`);
    if (!this.ticketKeysRotate)
      throw new ConfigError(
        'ticketKeys',
        'rotate only keys the endpoint was given as a list or a ticketKeyFile (a fixed Uint8Array was given)',
      );
    const message: ToWorker = { type: 'ticketKeys', keys: keys.map((k) => Uint8Array.from(k)) };
    this.keys = message.keys;
    for (const t of this.threads) t.postMessage(message);
  }

  private async shut(message: ToWorker): Promise<void> {
    this.shutting = true;
    this.unwatch?.();
    // A worker that died has exited already: only the others are waited for.
    const exits = this.threads
      .filter((t) => !this.exited.has(t))
      .map((t) => new Promise<void>((resolve) => t.once('exit', () => resolve())));
    for (const t of this.threads) t.postMessage(message);
    await Promise.all(exits);
    this.releaseSockets();
  }

  /** The keys every worker starts with: given, from the file (watched from now on), or random (one list: rotatable with setTicketKeys). */
  private ticketKeys(options: WorkerListenOptions): Uint8Array | readonly Uint8Array[] {
    const file = options.ticketKeyFile;
    if (file !== undefined) {
      this.unwatch = watchTicketKeyFile(
        file,
        (keys) => this.setTicketKeys(keys),
        (error) => tell(this.listener.onhandshakeerror, error, { address: '', port: 0 }),
      );
    }
    const keys =
      file !== undefined
        ? readTicketKeyFile(file)
        : (options.ticketKeys ?? [new Uint8Array(randomBytes(TICKET_KEY_LENGTH))]);
    this.ticketKeysRotate = Array.isArray(keys);
    this.keys = keys;
    return keys;
  }

  /** Starts the workers on their sockets; resolves once every one is listening. */
  async listen(): Promise<SessionAddress> {
    const { plan, options } = this;
    const { module, workers: count, hostId, cid, fleet, given, socketKind } = plan;
    const host = options.host ?? '0.0.0.0';
    const family = isIP(host) === 6 ? 'udp6' : 'udp4';
    const ipv6Only = options.ipv6Only === true;
    const shared = {
      ...given,
      // One set of ticket keys for every worker: a ticket from one resumes on any (rotation: docs/scale-out.md).
      ticketKeys: this.ticketKeys(options),
      // maxSessions is the endpoint's: each worker holds its share (the per-host caps are each worker's: docs/scale-out.md).
      ...(options.maxSessions !== undefined ? { maxSessions: Math.ceil(options.maxSessions / count) } : {}),
    };
    // Ports between every two workers, for CID records the kernel put on the wrong one.
    const peers: (MessagePort | undefined)[][] = Array.from({ length: count }, () =>
      new Array<MessagePort | undefined>(count).fill(undefined),
    );
    for (let a = 0; a < count; a++)
      for (let b = a + 1; b < count; b++) {
        const { port1, port2 } = new MessageChannel();
        peers[a]![b] = port1;
        peers[b]![a] = port2;
      }
    // Every worker's CIDs, so a worker drops a forged CID naming another before it crosses threads (cid-directory.ts).
    const perWorker =
      typeof shared.maxSessions === 'number' && shared.maxSessions > 0 ? shared.maxSessions : DIRECTORY_SESSIONS;
    const directory =
      cid !== undefined && cid.length >= MIN_OWNER_CID_LENGTH && count > 1
        ? cidDirectoryInit(count, directorySlots(perWorker), cid.length)
        : undefined;
    const sockets = socketKind === 'native' ? nativeSockets(host, options.port ?? 0, count, ipv6Only) : undefined;
    this.steered = sockets?.steered ?? false;
    let port = sockets?.port ?? options.port ?? 0;
    const entry = workerEntry();
    this.entry = entry;
    // The primary keeps every socket open and hands each worker a copy (reuseport-sockets.ts, workerDescriptor).
    let copies: number[] | undefined;
    try {
      copies = sockets?.fds.map((fd) => workerDescriptor(fd)).filter((fd): fd is number => fd !== undefined);
      if (copies?.length === count) this.held = sockets!.fds;
      else if (copies !== undefined) closeNativeSockets(copies);
    } catch (e) {
      if (copies !== undefined) closeNativeSockets(copies);
      if (sockets !== undefined) closeNativeSockets(sockets.fds);
      throw e;
    }
    const fds = this.held !== undefined ? copies! : sockets?.fds;
    const ready: Promise<Ready>[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const socket: WorkerSocket =
          fds !== undefined ? { kind: 'fd', fd: fds[i]!, family } : { kind: 'reusePort', family, host, port, ipv6Only };
        const init: WorkerInit = {
          worker: i,
          workers: count,
          hostId,
          module,
          socket,
          options: shared,
          cid,
          stats: this.rows,
          busy: this.busy$,
          peers: peers[i]!,
          sharedAntiReplay: options.antiReplay === undefined,
          antiReplayGeneration: this.replay.store.generation,
          fleet,
          directory,
        };
        const started = this.spawn(entry, init);
        ready.push(started);
        // Without the addon a worker binds its own socket: the first picks the port, the others join it.
        if (sockets === undefined) port = (await started).port;
      }
      const [first] = await Promise.all(ready);
      this.served = true;
      return withFamily({ address: first!.address, port });
    } catch (e) {
      if (fds !== undefined) closeNativeSockets(fds.slice(this.threads.length));
      throw e;
    }
  }

  /** Starts worker `init.worker`, handing it its ports to the other workers; resolves once it is listening. */
  private spawn(entry: URL, init: WorkerInit): Promise<Ready> {
    const started = { workerData: init, transferList: init.peers.filter((p): p is MessagePort => p !== undefined) };
    const thread = entry.pathname.endsWith('.ts')
      ? // From source (under tsx): Node 20 does not pass tsx's loader on to a worker thread, so the worker registers it first.
        new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { ...started, eval: true },
        )
      : new Worker(entry, started);
    this.threads[init.worker] = thread;
    this.inits[init.worker] = init;
    // The descriptor the thread was started with: closed here when the thread ended before a socket took it.
    const handed = init.socket.kind === 'fd' ? new HandedDescriptor(init.socket.fd) : undefined;
    let thrown: Error | undefined;
    const ready = new Promise<Ready>((resolve, reject) => {
      thread.on('message', (m: ToPrimary) => {
        if (m.type === 'ready') {
          this.readyThreads.add(thread);
          resolve(m);
        } else if (m.type === 'failed')
          reject(
            m.option !== undefined
              ? new ConfigError(m.option, m.message.replace(/^option [^:]+: /, ''))
              : Object.assign(new Error(m.message), { code: m.code }),
          );
        else if (m.type === 'admit') thread.postMessage(this.replay.answer(m as AdmitRequest));
        else if (m.type === 'handshakeError')
          tell(this.listener.onhandshakeerror, Object.assign(new Error(m.message), { code: m.code, alert: m.alert }), {
            address: m.address,
            port: m.port,
          });
        else if (m.type === 'dying') this.dying.set(init.worker, { message: m.message, sessions: m.sessions });
        else if (m.type === 'closed') this.closedSessions.set(init.worker, m.sessions);
      });
      thread.once('error', (e) => {
        thrown = e;
        reject(e);
      });
      thread.once('exit', (code) => {
        this.exited.add(thread);
        // The thread is gone, its handles closed: a descriptor no socket of it took is still open.
        handed?.reclaim();
        const said = this.dying.get(init.worker);
        const e = new Error(
          `worker ${init.worker} exited (code ${code}) ${this.shutting ? 'while closing' : 'before the endpoint was closed'}${said !== undefined ? `: ${said.message}` : thrown !== undefined ? `: ${thrown.message}` : ''}`,
        );
        reject(e);
        if (!this.shutting && this.threads[init.worker] === thread) this.died(e, init.worker, thread);
      });
    });
    ready.catch(() => {});
    return ready;
  }

  /** Closes the primary's descriptors of the sockets (every worker has exited, or the endpoint never opened). */
  private releaseSockets(): void {
    if (this.held !== undefined) closeNativeSockets(this.held);
    this.held = undefined;
  }

  /**
   * Starts a worker in the place of `worker`, which died after it was ready, on a copy of the same socket (no other
   * worker's datagrams move); false when it cannot (no socket kept, or the copy failed).
   */
  private replace(worker: number): boolean {
    const held = this.held?.[worker];
    const before = this.inits[worker];
    if (held === undefined || before === undefined || before.socket.kind !== 'fd' || this.entry === undefined)
      return false;
    let fd: number | undefined;
    try {
      fd = workerDescriptor(held);
    } catch {
      return false;
    }
    if (fd === undefined) return false;
    const peers = new Array<MessagePort | undefined>(this.workers).fill(undefined);
    for (let other = 0; other < this.workers; other++) {
      const thread = this.threads[other];
      if (other === worker || thread === undefined || this.exited.has(thread)) continue;
      const { port1, port2 } = new MessageChannel();
      peers[other] = port1;
      const message: ToWorker = { type: 'peer', worker, port: port2 };
      thread.postMessage(message, [port2]);
    }
    const init: WorkerInit = {
      ...before,
      socket: { ...before.socket, fd },
      peers,
      options: { ...before.options, ticketKeys: this.keys },
      busy: this.busy$,
    };
    this.spawn(this.entry, init);
    return true;
  }

  /**
   * A worker died (worker-death.ts): a new one takes its place on the same socket once listening; when none can, the
   * endpoint ends (the others close with close_notify) and `closed` rejects with that error.
   */
  private died(error: Error, worker: number, thread: Worker): void {
    const listener = this.listener;
    if (listener.counts.destroyedAt !== undefined || this.shutting) return;
    const failed = this.dying.get(worker)?.sessions;
    this.dying.delete(worker);
    if (this.served && this.readyThreads.has(thread) && this.replace(worker)) {
      tell(listener.onworkerexit ?? null, { worker, error, failed, replaced: true, closed: [] });
      return;
    }
    // When the endpoint never listened, the failed `listening` settles `closed`.
    if (!this.served) return;
    listener.counts.destroyedAt = Date.now();
    // `closed` rejects once the other workers have closed and every descriptor of the port is closed.
    void this.closeAll().then(() => {
      const closed = [...this.closedSessions.entries()]
        .filter(([w]) => w !== worker)
        .flatMap(([, sessions]) => sessions);
      tell(listener.onworkerexit ?? null, { worker, error, failed, replaced: false, closed });
      listener.end(error);
    });
  }
}

/**
 * A DTLS server on several worker threads (see {@link listenWorkers}): a {@link DtlsListener} whose admission is N
 * workers, with what only they have: their number, `onworkerexit`, `setTicketKeys`, and each worker's stats.
 */
export class DtlsWorkerListener extends DtlsListener<WorkerAdmission> {
  declare readonly stats: DtlsWorkerListenerStats;
  /** Told when a worker died: its sessions ended, and whether a new worker took its place ({@link WorkerExit}). */
  onworkerexit: ((exit: WorkerExit) => void) | null = null;

  /** @internal Use {@link listenWorkers}, which checks the options and makes the plan. */
  constructor(plan: WorkerPlan, options: WorkerListenOptions) {
    super((listener) => {
      const admission = new WorkerAdmission(plan, options, listener);
      return { admission, stats: admission.stats };
    });
  }

  /** The number of workers. */
  get workers(): number {
    return this.admission.workers;
  }

  /** Rotates every worker's ticket keys (the new current one first, then the previous), as `ticketKeyFile` does. */
  setTicketKeys(keys: readonly Uint8Array[]): void {
    this.admission.setTicketKeys(keys);
  }
}

/** The worker thread's file: worker-thread.js beside this one (worker-thread.ts when run from source under tsx). */
function workerEntry(): URL {
  const js = new URL('./worker-thread.js', import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL('./worker-thread.ts', import.meta.url);
}

/** The worker module as a URL: a URL, a file: URL string, or a path (relative to the working directory). */
function moduleUrl(module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module === '')
    throw new ConfigError(
      'workers',
      "needs the session callback as a module: listenWorkers(new URL('./on-session.js', import.meta.url), { workers }) (functions do not cross threads)",
    );
  return /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)
    ? module
    : pathToFileURL(resolvePath(module)).href;
}

/**
 * Starts a DTLS server on `options.workers` worker threads. Every worker imports `module` (URL or path): it exports
 * `onsession` (or a default export) and optionally `options` (an object, or a function of `{ worker, workers,
 * hostId }`) for what cannot cross threads (`sni`/`psk` functions, `antiReplay`, `secureContext`).
 */
export function listenWorkers(module: string | URL, options: WorkerListenOptions): DtlsWorkerListener {
  const url = moduleUrl(module);
  const count = workerCount(options.workers);
  const hostId = integerFrom('listen', 'hostId', options.hostId);
  if (options.transport !== undefined)
    throw new ConfigError('transport', 'is not for workers: each worker binds a socket of its own');
  if (options.ticketKeyFile !== undefined) {
    if (options.ticketKeys !== undefined)
      throw new ConfigError('ticketKeyFile', 'give either ticketKeys or ticketKeyFile, not both');
    readTicketKeyFile(options.ticketKeyFile);
  }
  const cid = ownerCidOption(options.cid);
  const fleet = fleetOption(options.fleet, hostId, cid?.length ?? 0, {
    host: options.host ?? '0.0.0.0',
    port: options.port ?? 0,
    workers: count,
  });
  const given = workerListenOptions(options as unknown as Record<string, unknown>, PRIMARY_OPTIONS);
  const { workers: _workers, hostId: _hostId, ticketKeyFile: _ticketKeyFile, fleet: _fleet, ...single } = options;
  serverOptions(single); // every option checked now, as listen() checks them
  const plan = { module: url, workers: count, hostId, cid, fleet, given, socketKind: socketPlan() };
  return new DtlsWorkerListener(plan, options);
}
