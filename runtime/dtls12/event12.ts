/** What the record layer hands a 1.2 handshake step: a whole handshake message or the peer's ChangeCipherSpec. */
import type { HandshakeType } from '../../generated/wire/enums.js';

export type Event12 =
  | {
      readonly type: 'handshake';
      readonly msgType: HandshakeType;
      readonly messageSeq: number;
      readonly body: Uint8Array;
      readonly recordSequenceNumber: number;
    }
  | { readonly type: 'changeCipherSpec' };

/** A name for an event in errors ("ServerHello", "ChangeCipherSpec"). */
export function eventName12(e: Event12): string {
  return e.type === 'changeCipherSpec' ? 'ChangeCipherSpec' : String(e.msgType);
}
