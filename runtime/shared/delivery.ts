/**
 * What a version state hands its application of the records it took, beside its handshake's own events: application
 * data, counted, as `data` events; the records the record-rule table set aside, counted by reason; and the reason a
 * `closed` event just queued is reported with. The version state holds it (version-state-base.ts), and so do the parts
 * that take records for it (DTLS 1.3's connection hooks).
 */
import { apartFromWaiting } from '../wire/message-arena.js';
import type { ConnectionEvent } from './events.js';
import { NONE_IGNORED, type IgnoreReason } from './record-rules.js';

export class Delivery {
  /** The one event queue, to the application. */
  private readonly events: ConnectionEvent[];
  private readonly counts: { applicationBytesReceived: number };
  /** `messageBuffers: 'batch'`: messages may share an ArrayBuffer (otherwise each record is opened into its own). */
  private readonly batch: boolean;
  /** Records set aside, by reason: made with the first (most connections set none aside). */
  private setAside: Record<IgnoreReason, number> | undefined;

  /**
   * `setAside`: what was set aside for this connection before it was made (by a server's hello phase, or before a
   * hibernated session froze), copied.
   */
  constructor(
    events: ConnectionEvent[],
    counts: { applicationBytesReceived: number },
    batch: boolean,
    setAside?: Readonly<Record<IgnoreReason, number>>,
  ) {
    this.events = events;
    this.counts = counts;
    this.batch = batch;
    this.setAside = setAside && { ...setAside };
  }

  /**
   * Application data to the application, counted: a `data` event (`early`: 0-RTT data, RFC 8446 §4.2.10). In 'batch'
   * mode never in one ArrayBuffer with a message still waiting in the queue (wire/message-arena.ts), whose transfer
   * would take this one along.
   */
  deliver(data: Uint8Array, early?: true): void {
    this.counts.applicationBytesReceived += data.length;
    const events = this.events;
    const d = this.batch && events.length !== 0 ? apartFromWaiting(data, events) : data;
    events.push(early ? { type: 'data', data: d, early } : { type: 'data', data: d });
  }

  /** Counts a record's content set aside by its row of the record-rule table (or the state's own reason). */
  ignore(reason: IgnoreReason): void {
    (this.setAside ??= { ...NONE_IGNORED })[reason]++;
  }

  /** Records set aside, by reason (every reason, 0 for none): a copy. */
  get ignored(): Readonly<Record<IgnoreReason, number>> {
    return { ...NONE_IGNORED, ...this.setAside };
  }

  /** The `closed` event just queued, reported with `reason` instead. */
  closedAs(reason: 'timeout'): void {
    const events = this.events;
    const last = events.at(-1);
    if (last?.type === 'closed') events[events.length - 1] = { type: 'closed', reason };
  }
}
