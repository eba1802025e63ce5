/**
 * Where a DTLS 1.2 connection (connection12.ts) reports what happens, as it happens: straight into the one event queue
 * of its DtlsConnection, in the shape both versions report (`ConnectionEvent`, runtime/connection/events.ts), moving
 * the one counter set's byte count as data arrives.
 */
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import type { ConnectionCounters } from '../connection/connection-api.js';
import type { ConnectionEvent } from '../connection/events.js';
import { apartFromWaiting } from '../wire/message-arena.js';
import { encodeSession12 } from './session-blob12.js';
import type { Session12 } from './session12.js';
import type { Handshake12Result } from './handshake-result12.js';
import { negotiated12 } from './negotiated12.js';

export class Events12 {
  private readonly queue: ConnectionEvent[];
  private readonly counts: ConnectionCounters;
  /** `messageBuffers: 'batch'`: messages may share an ArrayBuffer (otherwise each record is opened into its own). */
  private readonly batch: boolean;

  constructor(queue: ConnectionEvent[], counts: ConnectionCounters, batch = false) {
    this.queue = queue;
    this.counts = counts;
    this.batch = batch;
  }

  /**
   * The handshake completed: our RFC 9146 CID first (a listener routes the tls12_cid records that carry it to this
   * session), then a client's session to resume (as a 1.3 client's first ticket is there when `opened` resolves), then
   * the parameters (a client's `serverName`: the name it sent).
   */
  completed(
    result: Handshake12Result,
    serverName: string | undefined,
    localCid: Uint8Array | undefined,
    session: Session12 | undefined,
  ): void {
    // The name a client sent, as the handshake reports it: not an address, lower case, no final dot.
    const servername =
      serverName !== undefined && !/^[0-9.]+$|:/.test(serverName)
        ? serverName.toLowerCase().replace(/\.$/, '')
        : undefined;
    if (localCid !== undefined) this.queue.push({ type: 'connectionIdIssued', cid: localCid });
    if (session !== undefined)
      this.queue.push({ type: 'sessionTicket', session: encodeSession12(session), expiresAt: session.expiresAt });
    this.queue.push({ type: 'handshakeComplete', parameters: negotiated12(result, servername) });
  }

  /** Application data; in 'batch' mode never in one ArrayBuffer with a message still waiting (wire/message-arena.ts). */
  data(data: Uint8Array): void {
    this.counts.applicationBytesReceived += data.length;
    this.queue.push({
      type: 'data',
      data: this.batch && this.queue.length !== 0 ? apartFromWaiting(data, this.queue) : data,
    });
  }

  alert(level: 'warning' | 'fatal', description: AlertDescriptionName, sent: boolean): void {
    this.queue.push({ type: 'alert', level, description, sent });
  }

  closed(reason: 'close_notify' | 'local' | 'failed' | 'timeout'): void {
    this.queue.push({ type: 'closed', reason });
  }

  /** A server's peer moved (RFC 9146 §6), reported before what the record that moved it brought. */
  pathMigrated(from: string, to: string): void {
    this.queue.push({ type: 'pathMigrated', from, to, validated: false });
  }
}
