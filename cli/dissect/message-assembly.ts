/**
 * Handshake messages of one direction put back together from the
 * fragments of their records (RFC 6347 §4.2.3, RFC 9147 §5.5: the same
 * 12-byte DTLS handshake header in 1.2 and 1.3). A message completed here
 * is handed whole to the caller's decoder; a message seen whole before is
 * marked a retransmission.
 */
import { readDtlsHandshake } from '../../generated/wire/index.js';
import { Reader } from '../../runtime/wire/index.js';
import type { HandshakeView } from './record-view.js';

interface PartialMessage {
  readonly type: string;
  readonly body: Uint8Array;
  readonly have: Uint8Array;
  missing: number;
  done: boolean;
}

/** What a decoder says about a whole message body. */
export type DecodedMessage = Pick<HandshakeView, 'fields' | 'error' | 'helloRetryRequest'>;

/** The 4-byte handshake header (type, uint24 length) followed by `body`: what the generated decoders of whole messages read. */
export function withHandshakeHeader(msgType: number, body: Uint8Array): Uint8Array {
  const whole = new Uint8Array(4 + body.length);
  whole[0] = msgType;
  whole[1] = body.length >>> 16;
  whole[2] = (body.length >>> 8) & 0xff;
  whole[3] = body.length & 0xff;
  whole.set(body, 4);
  return whole;
}

/** One sender's handshake messages, by message_seq. */
export class MessageAssembly {
  private readonly messages = new Map<number, PartialMessage>();

  /**
   * The fragments of one handshake record's content, in order.
   *
   * @throws DecodeError when a fragment header does not decode (the caller reports it on the record).
   */
  fragments(
    content: Uint8Array,
    decode: (msgType: string | number, body: Uint8Array) => DecodedMessage,
  ): HandshakeView[] {
    const r = new Reader(content, 'Handshake');
    const out: HandshakeView[] = [];
    while (r.pos < r.end) {
      const f = readDtlsHandshake(r);
      const type = typeof f.msgType === 'string' ? f.msgType : `handshake_type_${f.msgType}`;
      let m = this.messages.get(f.messageSeq);
      const seen = m?.done === true;
      if (!m || m.body.length !== f.length || m.type !== type) {
        m = { type, body: new Uint8Array(f.length), have: new Uint8Array(f.length), missing: f.length, done: false };
        this.messages.set(f.messageSeq, m);
      }
      if (!m.done) {
        m.body.set(f.fragment, f.fragmentOffset);
        for (let i = f.fragmentOffset; i < f.fragmentOffset + f.fragment.length; i++) {
          if (m.have[i] === 0) {
            m.have[i] = 1;
            m.missing--;
          }
        }
      }
      const completes = !m.done && m.missing === 0;
      out.push({
        type,
        messageSeq: f.messageSeq,
        length: f.length,
        fragmentOffset: f.fragmentOffset,
        fragmentLength: f.fragment.length,
        complete: completes,
        retransmission: seen,
        ...(completes ? decode(f.msgType, m.body) : {}),
      });
      if (completes) m.done = true;
    }
    return out;
  }
}
