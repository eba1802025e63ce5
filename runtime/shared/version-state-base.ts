/**
 * What both version states of DtlsConnection build on (`Dtls13Connection`, connection.ts; `Connection12`,
 * runtime/dtls12/connection.ts): the common state they report into (its facts, counters and event queue), what they
 * hand up of the records they take (a `Delivery`, delivery.ts: application data, records set aside by reason), and the
 * ends every version takes alike, written once: an application callback that failed, a deadline that passed (reported
 * `closed` as `timeout`), the keys freed once ended, and the one catch of calls from the application and timers. Each
 * version keeps its own record path (`receive`, `take`, `held`, `send`) and says how it fails, closes and frees its keys.
 */
import type { ConnectionEvent } from './events.js';
import { CallbackError, type CallbackName } from '../handshake/callback-error.js';
import { toAlert, type FatalReason } from './alert-mapping.js';
import { ConnectionStateError, type ConnectionCounters, type SharedState } from './connection-api.js';
import { Delivery } from './delivery.js';
import type { IgnoreReason } from './record-rules.js';

export abstract class VersionStateBase {
  readonly role: 'client' | 'server';
  /** Its DtlsConnection's common state (connection-facts.ts), where it reports. */
  protected readonly facts: SharedState;
  /** The one counter set of both versions. */
  protected readonly counts: ConnectionCounters;
  /** The one event queue, to the application. */
  protected readonly events: ConnectionEvent[];
  /** Application data handed up and records set aside (`batch`: 'batch' mode's messages). */
  protected readonly delivery: Delivery;

  /** `setAside`: records set aside for this connection before the state (a server's hello phase, a hibernated session). */
  protected constructor(
    role: 'client' | 'server',
    shared: SharedState,
    batch: boolean,
    setAside?: Readonly<Record<IgnoreReason, number>>,
  ) {
    this.role = role;
    this.facts = shared;
    this.counts = shared.counters;
    this.events = shared.events;
    this.delivery = new Delivery(shared.events, shared.counters, batch, setAside);
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
    this.delivery.closedAs('timeout');
  }

  /**
   * Once ended and flushed: frees every epoch's keys now rather than at collection, which V8, blind to native memory,
   * may put off for long on a busy server. Does nothing before the end.
   */
  releaseKeys(): void {
    if (this.ended) this.releaseAll();
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
    this.fail(fatalReasonOf(error));
  }
}

/**
 * What a throw inside a connection means: a `ConnectionStateError` is the caller's (thrown on); anything else is the
 * fatal alert it maps to. @throws ConnectionStateError.
 */
export function fatalReasonOf(error: unknown): FatalReason {
  if (error instanceof ConnectionStateError) throw error;
  return toAlert(error);
}
