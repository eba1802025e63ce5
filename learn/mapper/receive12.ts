/**
 * One datagram from a DTLS 1.2 peer read into an answer, the same for both roles: handshake messages through the
 * reassembler and the side's own reading of each, alerts, the ChangeCipherSpec switch (the side installs the peer's
 * epoch 1; its name shown or held by {@link RepeatedFlights}), application data.
 */
import { alertAnswer, CONTENT } from './content.js';
import { NOTHING, type Answer } from './concrete-side.js';
import type { HandshakeMessage, HandshakeReassembler } from './handshake-framing.js';
import type { Records12 } from './records12.js';
import type { RepeatedFlights } from './repeated-flights.js';

/** What one role does with what the peer sent. */
export interface Reader12 {
  readonly records: Records12;
  readonly reassembler: HandshakeReassembler;
  readonly flights: RepeatedFlights;
  /** Reads one new handshake message: its name in the alphabet, and whether it ends the peer's flight. */
  message(m: HandshakeMessage): { name: string; flightEnd: boolean };
  /** The peer's ChangeCipherSpec: its next records are in epoch 1 under its keys. */
  changeCipherSpec(): void;
}

export function receive12(reader: Reader12, datagram: Uint8Array): Answer {
  const names: string[] = [];
  let closing = false;
  let flightEnd = false;
  reader.records.open(datagram, (rec) => {
    switch (rec.type) {
      case CONTENT.handshake: {
        const { messages, repeated } = reader.reassembler.read(rec.content);
        reader.flights.handshake(names, rec.epoch, messages.length, repeated);
        for (const m of messages) {
          const seen = reader.message(m);
          names.push(seen.name);
          flightEnd ||= seen.flightEnd;
        }
        break;
      }
      case CONTENT.alert: {
        reader.flights.release(names);
        const a = alertAnswer(rec.content, '1.2');
        names.push(a.name);
        closing ||= a.closing;
        flightEnd = true;
        break;
      }
      case CONTENT.change_cipher_spec:
        reader.flights.changeCipherSpec(names);
        reader.changeCipherSpec();
        break;
      case CONTENT.application_data:
        reader.flights.release(names);
        names.push('ApplicationData');
        flightEnd = true;
        break;
      default:
        reader.flights.release(names);
        names.push(`Record(${rec.type})`);
    }
  });
  return names.length === 0 ? NOTHING : { names, closing, flightEnd };
}
