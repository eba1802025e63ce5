import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import type { FlightController } from '../handshake/flight.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { nextApplicationTrafficSecret, trafficKeys } from '../keyschedule/derived-keys.js';
import type { RecordLayer } from '../record/record-layer.js';
import type { Session } from '../shared/key-material.js';
import { keyUpdateBody } from '../shared/messages.js';
import type { OutMessage } from '../shared/handshake-outbox.js';
import type { PostHandshakeFlights } from './post-handshake-queue.js';

/** What a post-handshake flight uses of its connection's context (machine-context.ts). */
export interface PostHandshakeSender {
  readonly flight: FlightController<OutMessage>;
  readonly postHandshake: PostHandshakeFlights;
  queue(epoch: number, msgType: HandshakeTypeName, body: Uint8Array, transcript?: Transcript): void;
  sendFlight(options?: FlightOptions): void;
}

/** How a flight goes out (MachineContext.sendFlight). */
export interface FlightOptions {
  readonly acknowledgesPeer?: boolean;
  readonly onAcked?: () => void;
  readonly onExhausted?: (flight: readonly OutMessage[]) => void;
}

/** What a KeyUpdate uses: a post-handshake flight's sender, and the record layer whose write keys its ACK moves. */
export type KeyUpdateSender = PostHandshakeSender & { readonly records: RecordLayer };

export { MAX_WAITING_FLIGHTS } from './post-handshake-queue.js';

/** Whether our KeyUpdate is on the wire and not yet acknowledged (new write keys wait for its ACK, RFC 9147 §8). */
export function keyUpdateOutstanding(flight: FlightController<OutMessage>): boolean {
  return flight.outstanding.some((m) => m.msgType === 'key_update');
}

/**
 * Sends our KeyUpdate as a post-handshake flight (RFC 9147 §8): retransmitted by the flight controller until ACKed; its
 * `onAcked` moves our write keys. One at a time; while another flight is outstanding it waits (first).
 */
export function sendKeyUpdate(sender: KeyUpdateSender, session: Session, requestPeer: boolean): void {
  if (keyUpdateOutstanding(sender.flight)) return;
  const flights = sender.postHandshake;
  if (!sender.flight.acceptsFlight) {
    // The outstanding flight (the client's final one, or another post-handshake flight) would be replaced by a new one.
    flights.keyUpdateWaiting = (flights.keyUpdateWaiting ?? false) || requestPeer;
    return;
  }
  flights.keyUpdateWaiting = undefined;
  sender.queue(session.write.epoch, 'key_update', keyUpdateBody(requestPeer));
  sender.sendFlight({ acknowledgesPeer: false, onAcked: () => switchWriteKeys(sender.records, session) });
}

/** Our KeyUpdate was acknowledged: write with the next epoch's keys (RFC 9147 §8). */
function switchWriteKeys(records: RecordLayer, session: Session): void {
  const suite = session.parameters.cipherSuite;
  const secret = nextApplicationTrafficSecret(session.schedule, session.write.secret);
  const old = session.write.epoch;
  session.write = { epoch: old + 1, secret };
  records.installWriteKeys(old + 1, suite, trafficKeys(session.schedule, secret, suite));
  records.writer.retireWriteEpoch(old);
}

/** Sends what waited for an outstanding flight (a KeyUpdate first), one flight at a time, once the flight controller can take it. */
export function sendPendingFlights(sender: KeyUpdateSender, session: Session): void {
  const flights = sender.postHandshake;
  const requestPeer = flights.keyUpdateWaiting;
  if (requestPeer !== undefined && sender.flight.acceptsFlight) sendKeyUpdate(sender, session, requestPeer);
  const next = sender.flight.acceptsFlight ? flights.next() : undefined;
  if (next) next();
}

/** Builds (`queue` its messages) and sends a post-handshake flight now, or when the outstanding flight ends; `onAcked` runs once the peer acknowledged all of it. */
export function sendPostHandshakeFlight(sender: PostHandshakeSender, queue: () => void, onAcked?: () => void): void {
  const send = (): void => {
    queue();
    sender.sendFlight(onAcked ? { acknowledgesPeer: false, onAcked } : { acknowledgesPeer: false });
  };
  if (sender.flight.acceptsFlight && sender.postHandshake.waitingFlights === 0) return send();
  sender.postHandshake.wait(send);
}
