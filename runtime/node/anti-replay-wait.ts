import { ConfigError, integerOption } from '../config-error.js';
import type { AntiReplayStore } from '../session/anti-replay.js';
import { copyOf } from '../wire/bytes.js';

/**
 * `antiReplayWait`: the 0-RTT ClientHellos (and their senders' datagrams meanwhile) held while an asynchronous store
 * decides, under byte and count caps per host and in total; past them a ClientHello goes to the cookie exchange and a
 * datagram is dropped, both counted.
 */
export interface AntiReplayWaitOptions {
  /** Bytes held at most over all peers (default 1 MiB; 0: a 0-RTT ClientHello never waits, asynchronous stores take no early data). */
  readonly maxBytes?: number;
  /** Bytes held at most for one host, as admission counts hosts (default 64 KiB). */
  readonly maxBytesPerHost?: number;
  /** ClientHellos waiting at most over all peers (default 256). */
  readonly maxClientHellos?: number;
  /** ClientHellos waiting at most from one host (default 16). */
  readonly maxClientHellosPerHost?: number;
  /** Datagrams held at most for one ClientHello besides itself (default 8). */
  readonly maxDatagramsEach?: number;
  /** How long the store may take (default 1,000 ms); then it counts as a refusal: the cookie exchange, without early data. */
  readonly timeoutMs?: number;
}

export type AntiReplayWaitLimits = Required<AntiReplayWaitOptions>;

export const DEFAULT_ANTI_REPLAY_WAIT: AntiReplayWaitLimits = {
  maxBytes: 1 << 20,
  maxBytesPerHost: 64 << 10,
  maxClientHellos: 256,
  maxClientHellosPerHost: 16,
  maxDatagramsEach: 8,
  timeoutMs: 1000,
};

/** What the server holds for its anti-replay store now, and what it turned away. */
export interface AntiReplayWaitStats {
  /** 0-RTT ClientHellos waiting for the store now. */
  readonly waiting: number;
  /** Bytes held for them now (their ClientHellos and the datagrams that came meanwhile). */
  readonly bytes: number;
  /** 0-RTT ClientHellos sent through the cookie exchange because a cap was reached. */
  readonly overflowed: number;
  /** Datagrams dropped because their ClientHello's, its host's or the server's cap was reached. */
  readonly dropped: number;
  /** ClientHellos the store refused (a replay, or a store that cannot tell): cookie exchange, no early data. */
  readonly refused: number;
  /** ClientHellos the store did not answer within `timeoutMs`: treated as refused. */
  readonly timedOut: number;
}

/** `antiReplayWait` checked, defaults filled in. */
export function antiReplayWaitLimits(o: AntiReplayWaitOptions | undefined): AntiReplayWaitLimits {
  if (o === undefined) return DEFAULT_ANTI_REPLAY_WAIT;
  if (typeof o !== 'object' || o === null) throw new ConfigError('antiReplayWait', 'must be an object of caps');
  const d = DEFAULT_ANTI_REPLAY_WAIT;
  const n = (name: keyof AntiReplayWaitOptions, min: number, max: number): number =>
    integerOption(`antiReplayWait.${name}`, o[name] ?? d[name], min, max);
  return {
    maxBytes: n('maxBytes', 0, 1 << 30),
    maxBytesPerHost: n('maxBytesPerHost', 0, 1 << 30),
    maxClientHellos: n('maxClientHellos', 0, 1_000_000),
    maxClientHellosPerHost: n('maxClientHellosPerHost', 0, 1_000_000),
    maxDatagramsEach: n('maxDatagramsEach', 0, 1024),
    timeoutMs: n('timeoutMs', 1, 60_000),
  };
}

/** The store's answer for one ClientHello, with what came meanwhile (in arrival order). */
export type AntiReplayVerdict = (admitted: boolean | StoreFailure, held: readonly Uint8Array[]) => void;

/** What the store threw, or rejected with: the handshake then ends with internal_error, reported as the store's error. */
export interface StoreFailure {
  readonly threw: unknown;
}

interface Waiting {
  readonly host: string;
  readonly held: Uint8Array[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
}

/** The 0-RTT ClientHellos waiting for the anti-replay store, each under the caps of {@link AntiReplayWaitOptions}. */
export class AntiReplayWait {
  private readonly store: AntiReplayStore;
  private readonly limits: AntiReplayWaitLimits;
  private readonly waiting = new Map<string, Waiting>();
  /** The paths a ClientHello waits for (the demux reads its size before {@link hold}: nothing waits, no call). */
  readonly paths: ReadonlyMap<string, unknown> = this.waiting;
  private readonly hosts = new Map<string, { clientHellos: number; bytes: number }>();
  private bytes = 0;
  private counts = { overflowed: 0, dropped: 0, refused: 0, timedOut: 0 };

  constructor(store: AntiReplayStore, limits: AntiReplayWaitLimits) {
    this.store = store;
    this.limits = limits;
  }

  get stats(): AntiReplayWaitStats {
    return Object.assign({}, this.counts, { waiting: this.waiting.size, bytes: this.bytes }); // no literal spread: see ListenerAdmission.serverStats
  }

  /**
   * Asks the store about `binder`, the key of 0-RTT ClientHello `first` from `path`; `verdict` runs once. False
   * when no cap leaves room (or the store throws): the caller answers with the cookie exchange.
   */
  ask(
    path: string,
    host: string,
    first: Uint8Array,
    binder: Uint8Array,
    windowMs: number,
    verdict: AntiReplayVerdict,
  ): boolean {
    const h = this.hosts.get(host);
    const full =
      this.waiting.has(path) ||
      this.waiting.size >= this.limits.maxClientHellos ||
      (h?.clientHellos ?? 0) >= this.limits.maxClientHellosPerHost ||
      this.bytes + first.length > this.limits.maxBytes ||
      (h?.bytes ?? 0) + first.length > this.limits.maxBytesPerHost;
    if (full) {
      this.counts.overflowed++;
      return false;
    }
    let answer: boolean | Promise<boolean>;
    try {
      answer = this.store.admit(binder, windowMs);
    } catch (e) {
      this.counts.refused++;
      verdict({ threw: e }, []);
      return true;
    }
    if (typeof answer === 'boolean') {
      if (!answer) this.counts.refused++;
      verdict(answer, []);
      return true;
    }
    const entry: Waiting = { host, held: [], bytes: 0, timer: undefined };
    this.waiting.set(path, entry);
    this.take(entry, copyOf(first));
    const finish = (admitted: boolean | StoreFailure): void => {
      if (this.waiting.get(path) !== entry) return;
      this.release(path, entry);
      if (admitted !== true) this.counts.refused++;
      verdict(admitted, entry.held.slice(1));
    };
    entry.timer = setTimeout(() => {
      this.counts.timedOut++;
      finish(false);
    }, this.limits.timeoutMs);
    entry.timer.unref();
    answer.then(
      (ok) => finish(ok === true),
      (e: unknown) => finish({ threw: e }),
    );
    return true;
  }

  /** True when `path` has a ClientHello waiting: `datagram` was then held for it (a copy) or, over a cap, dropped and counted. */
  hold(path: string, datagram: Uint8Array): boolean {
    const entry = this.waiting.get(path);
    if (entry === undefined) return false;
    const h = this.hosts.get(entry.host);
    if (
      entry.held.length > this.limits.maxDatagramsEach ||
      this.bytes + datagram.length > this.limits.maxBytes ||
      (h?.bytes ?? 0) + datagram.length > this.limits.maxBytesPerHost
    ) {
      this.counts.dropped++;
      return true;
    }
    this.take(entry, copyOf(datagram));
    return true;
  }

  /** Forgets every waiting ClientHello (the server closes): no verdict runs. */
  clear(): void {
    for (const [path, entry] of this.waiting) this.release(path, entry);
  }

  private take(entry: Waiting, datagram: Uint8Array): void {
    entry.held.push(datagram);
    entry.bytes += datagram.length;
    this.bytes += datagram.length;
    const h = this.hosts.get(entry.host) ?? { clientHellos: 0, bytes: 0 };
    if (entry.held.length === 1) h.clientHellos++;
    h.bytes += datagram.length;
    this.hosts.set(entry.host, h);
  }

  private release(path: string, entry: Waiting): void {
    if (entry.timer) clearTimeout(entry.timer);
    this.waiting.delete(path);
    this.bytes -= entry.bytes;
    const h = this.hosts.get(entry.host);
    if (h === undefined) return;
    h.clientHellos--;
    h.bytes -= entry.bytes;
    if (h.clientHellos === 0) this.hosts.delete(entry.host);
  }
}
