/**
 * What the DTLS 1.2 handshake steps (client.ts, server.ts, session-steps.ts, keys.ts) are given: the parts of
 * their connection they act on, each the object itself (no closures). What a step only reports (the result, a session,
 * the end) it returns in its state instead (outcome.ts), and the connection (connection.ts) takes it from there.
 */
import { alertDescriptionToNumber, type AlertDescriptionName } from '../../generated/wire/enums.js';
import { ConnectionStateError } from '../shared/connection-api.js';
import type { ReadState12 } from '../record/read-state12.js';
import type { Config12 } from './config.js';
import type { ConnectionEvent } from '../shared/events.js';
import type { Negotiated12Extensions } from './extensions.js';
import type { Flights12 } from './flights.js';
import type { Outbox12 } from './outbox.js';

export interface HandshakeParts12 {
  /** The options; `config.wallClock()` for certificate validity and session expiry. */
  readonly config: Config12;
  /** Our flights: their message_seq, sending and retransmission (RFC 6347 §4.2.4). */
  readonly flights: Flights12;
  /** Our records: the epoch-1 write keys, the HelloVerifyRequest, alerts (the peer's CID is epoch 1's cipher's). */
  readonly outbox: Outbox12;
  /** The read epochs: epoch 1's keys, pending until the peer's ChangeCipherSpec switches to them. */
  readonly reads: ReadState12;
  /** The one event queue. */
  readonly events: ConnectionEvent[];
}

/** What the hellos settled of connection_id takes effect at once on the records we read (RFC 9146 §4); ours carry the peer's with epoch 1's keys. */
export function settleCids12(c: HandshakeParts12, negotiated: Negotiated12Extensions): void {
  c.reads.cidLength = negotiated.cids?.local.length ?? 0;
  // The hellos settled: from the next datagram on, one is taken whole or not at all.
  c.reads.wholeDatagrams = true;
}

/** The peer's ChangeCipherSpec: its epoch-1 keys (given by installKeys12) read what follows (RFC 5246 §7.1). */
export function switchReadEpoch12(c: HandshakeParts12): void {
  if (!c.reads.install()) throw new ConnectionStateError('ChangeCipherSpec before the read keys');
}

/** An alert of ours: sent, and reported as sent. */
export function sendAlert12(c: HandshakeParts12, level: 'warning' | 'fatal', description: AlertDescriptionName): void {
  c.outbox.alert(level, alertDescriptionToNumber(description));
  c.events.push({ type: 'alert', level, description, sent: true });
}
