import { inspect } from 'node:util';
import type { ListenerAdmission } from './listener-admission.js';
import { DtlsSessionError, type HandshakeErrorHandler } from './errors.js';
import type { SessionAddress } from './session-types.js';
import { ListenerCounts, type DtlsListenerStats } from './listener-stats.js';

/** What a listener is made of: what serves it, and its `stats` (one object for its life) reading what that counts. */
export interface Served<A extends ListenerServing> {
  readonly admission: A;
  readonly stats: DtlsListenerStats;
}

/**
 * What serves a listener, its `admission`: one socket here (listener-admission.ts), or N worker threads, each serving
 * one of its own (workers/worker-listener.ts). The listener's life (its promises, close, destroy) is the listener's.
 */
export interface ListenerServing {
  /** Bound and serving: `close()` starts at once (before, it waits for `listening`). */
  readonly served: boolean;
  /** node:dtls's `endpoint.busy`: while true, new peers' ClientHellos are dropped. */
  busy: boolean;
  /** The address before the bind, when it is known then (a given port, a transport's socket). */
  readonly early: SessionAddress | undefined;
  /** Binds (or starts the workers); resolves with the bound address, rejects with the first failure. */
  listen(): Promise<SessionAddress>;
  /** The bind failed: frees what was made for it (`closed` rejects once this settles). */
  abandon(): void | Promise<void>;
  /** Closes every session with close_notify, then the socket(s). */
  closeAll(): Promise<void>;
  /** Ends every session at once, without close_notify, with `reason` (a close follows). */
  destroyAll(reason: Error): void;
}

/**
 * A DTLS 1.3/1.2 server, node:dtls's DTLSEndpoint: each admitted peer is a {@link DtlsSession}. On one UDP socket
 * (`listen`), or on N worker threads (`listenWorkers`: {@link DtlsWorkerListener}, this listener over N workers).
 */
export class DtlsListener<A extends ListenerServing = ListenerAdmission> {
  /**
   * Resolves with the bound address once listening (on workers: every one); rejects with the first failure (the
   * bind's system error, `EADDRINUSE`; a worker module that did not load). Never unhandled.
   */
  readonly listening: Promise<SessionAddress>;
  /**
   * Resolves when the endpoint has closed (on workers: every thread ended, every descriptor of the port closed);
   * rejects with the bind error when it never opened, or a worker's when one died that none replaced. Never unhandled.
   */
  readonly closed: Promise<void>;
  readonly stats: DtlsListenerStats;
  /** Set to be told of handshakes refused by the cookie exchange or failed by an application callback (on workers, a worker's), and who. */
  onhandshakeerror: HandshakeErrorHandler | null = null;
  /**
   * @internal What serves it: the socket, its demux, the cookie exchange, admission and resting (listener-admission.ts),
   * or the worker threads (tests, benches and a worker read its counts and demux).
   */
  readonly admission: A;
  /** @internal When it was made and closed, and what its sessions part counts (its stats read them). */
  readonly counts = new ListenerCounts();
  private bound: SessionAddress | undefined;
  private closing: Promise<void> | undefined;
  private settleClosed!: { resolve: () => void; reject: (e: Error) => void };

  /** @internal Use `listen` or `listenWorkers`: `serve` makes what serves this listener. */
  constructor(serve: (listener: DtlsListener<A>) => Served<A>) {
    this.closed = new Promise<void>((resolve, reject) => (this.settleClosed = { resolve, reject }));
    this.closed.catch(() => {});
    const { admission, stats } = serve(this);
    this.admission = admission;
    this.stats = stats;
    this.bound = admission.early;
    this.listening = admission.listen().then((bound) => (this.bound = bound));
    this.listening.catch(async (e: unknown) => {
      this.bound = undefined;
      this.counts.destroyedAt ??= Date.now();
      await admission.abandon();
      this.end(e instanceof Error ? e : new Error(String(e)));
    });
  }

  /** The local address, family and port: at once when `port` or `transport` was given, else once bound. */
  get address(): SessionAddress | undefined {
    return this.bound;
  }

  /** Whether the endpoint has closed. */
  get destroyed(): boolean {
    return this.counts.destroyedAt !== undefined;
  }

  /** node:dtls's `endpoint.busy`: while true, new peers' ClientHellos are dropped (`stats.serverBusyCount`). */
  get busy(): boolean {
    return this.admission.busy;
  }

  set busy(busy: boolean) {
    this.admission.busy = busy === true;
  }

  /** @internal `console.log(listener)`: where it listens, its state and its counts, not its insides. */
  [inspect.custom](_depth: number, options: object, show: typeof inspect): string {
    const state = this.destroyed ? 'closed' : this.admission.served ? 'listening' : 'binding';
    const a = this.bound;
    const shown = {
      address: a ? `${a.address}:${a.port}` : undefined,
      state,
      busy: this.busy,
      stats: this.stats.toJSON(),
    };
    return `${this.constructor.name} ${show(shown, options)}`;
  }

  /** Closes every session with close_notify, then the socket; resolves when closed. */
  close(): Promise<void> {
    this.closing ??= this.admission.served
      ? this.shut()
      : this.listening.then(
          () => this.shut(),
          () => {},
        );
    return this.closing;
  }

  /** Ends every session at once, without close_notify (their `closed` rejects with `error`, or `ERR_DTLS_ENDPOINT_DESTROYED`), and closes the socket. */
  destroy(error?: Error): void {
    const reason =
      error ?? new DtlsSessionError('ERR_DTLS_ENDPOINT_DESTROYED', 'the endpoint carrying the session was destroyed');
    this.admission.destroyAll(reason);
    void this.close();
  }

  /** `await using endpoint = listen(...)`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal Settles `closed` (rejects with `error`): the listener is closed from now on (its admission ended it). */
  end(error?: Error): void {
    this.counts.destroyedAt ??= Date.now();
    if (error === undefined) this.settleClosed.resolve();
    else this.settleClosed.reject(error);
  }

  private async shut(): Promise<void> {
    if (!this.admission.served) return;
    await this.admission.closeAll();
    if (this.counts.destroyedAt === undefined) this.end();
  }
}
