/**
 * What both version states of DtlsConnection build on (`Dtls13Connection`, connection.ts; `Connection12`,
 * runtime/dtls12/connection.ts): the common state they report into (its facts, counters and event queue), the records
 * they set aside by reason, application data handed up, and the ends every version takes alike, written once: an
 * application callback that failed, a deadline that passed (reported `closed` as `timeout`), the keys freed once ended,
 * and the one catch of calls from the application and timers. Each version keeps its own record path (`receive`,
 * `take`, `held`, `send`) and says how it fails, closes and frees its keys.
 */
import { CallbackError, type CallbackName } from '../handshake/callback-error.js';
import { apartFromWaiting } from '../wire/message-arena.js';
import { toAlert, type FatalReason } from './alert-mapping.js';
import { ConnectionStateError, type ConnectionCounters, type SharedState } from './connection-api.js';
import type { ConnectionEvent } from './events.js';
import { NONE_IGNORED, type IgnoreReason } from './record-rules.js';

export abstract class VersionStateBase {
  readonly role: 'client' | 'server';
  /** Its DtlsConnection's common state (connection-facts.ts), where it reports. */
  protected readonly facts: SharedState;
  /** The one counter set of both versions. */
  protected readonly counts: ConnectionCounters;
  /** The one event queue, to the application. */
  protected readonly events: ConnectionEvent[];
  /** Records the record-rule table set aside, by reason: made with the first (most connections set none aside). */
  protected ignoredCounts: Record<IgnoreReason, number> | undefined;
  /** `messageBuffers: 'batch'`: messages may share an ArrayBuffer (otherwise each record is opened into its own). */
  private readonly batch: boolean;

  protected constructor(role: 'client' | 'server', shared: SharedState, batch: boolean) {
    this.role = role;
    this.facts = shared;
    this.counts = shared.counters;
    this.events = shared.events;
    this.batch = batch;
  }

  /** Whether the connection has failed or closed. */
  protected abstract get ended(): boolean;

  /** Fails the connection with one fatal alert; later calls keep the first failure. */
  protected abstract fail(reason: FatalReason): void;

  abstract close(): void;

  /** Frees every epoch's keys. */
  protected abstract releaseAll(): void;

  /** An application callback outside the connection threw: internal_error, the throw kept in `failure.callbackError`. */
  failForCallback(callback: CallbackName, thrown: unknown): void {
    if (!this.ended) this.fail(toAlert(new CallbackError(callback, thrown)));
  }

  /** A deadline passed: the handshake's fails the connection (handshake_failure), the idle one closes it; closed as `timeout`. */
  expire(deadline: 'handshake' | 'idle', message: string): void {
    if (this.ended) return;
    if (deadline === 'handshake') this.fail({ alert: 'handshake_failure', message });
    else this.close();
    this.closedAs('timeout');
  }

  /**
   * Once ended and flushed: frees every epoch's keys now rather than at collection, which V8, blind to native memory,
   * may put off for long on a busy server. Does nothing before the end.
   */
  releaseKeys(): void {
    if (this.ended) this.releaseAll();
  }

  /**
   * Application data to the application, counted: a `data` event (`early`: 0-RTT data, RFC 8446 §4.2.10). In 'batch'
   * mode never in one ArrayBuffer with a message still waiting in the queue (wire/message-arena.ts), whose transfer
   * would take this one along.
   */
  protected deliver(data: Uint8Array, early?: true): void {
    this.counts.applicationBytesReceived += data.length;
    const events = this.events;
    const d = this.batch && events.length !== 0 ? apartFromWaiting(data, events) : data;
    events.push(early ? { type: 'data', data: d, early } : { type: 'data', data: d });
  }

  /** Records set aside, by reason (every reason, 0 for none). */
  get ignored(): Readonly<Record<IgnoreReason, number>> {
    return { ...NONE_IGNORED, ...this.ignoredCounts };
  }

  protected ignore(reason: IgnoreReason): void {
    (this.ignoredCounts ??= { ...NONE_IGNORED })[reason]++;
  }

  /** The `closed` event just queued, reported with `reason` instead. */
  protected closedAs(reason: 'timeout'): void {
    const events = this.events;
    const last = events.at(-1);
    if (last?.type === 'closed') events[events.length - 1] = { type: 'closed', reason };
  }

  /** Runs `fn`; anything it throws takes the fatal path. For calls from the application and timers. */
  protected guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.caught(error);
    }
  }

  /** What a throw inside the connection does, in `guard` and the receive paths' inline catches: a state error is the caller's; anything else fails the connection with its alert. */
  protected caught(error: unknown): void {
    if (error instanceof ConnectionStateError) throw error;
    this.fail(toAlert(error));
  }
}
