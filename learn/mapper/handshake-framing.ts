import { Reader } from '../../runtime/wire/index.js';
import { encodeDtlsHandshake, readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { type HandshakeType, handshakeTypeFromNumber, handshakeTypeToNumber } from '../../generated/wire/enums.js';

/** One whole handshake message as the mapper keeps it: its type number, message_seq and body. */
export interface HandshakeMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
}

/** The message with DTLS's 12-byte header, in one fragment (what the mapper sends: its messages fit one datagram). */
export function dtlsHandshakeBytes(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  return encodeDtlsHandshake({
    msgType: handshakeTypeFromNumber(msgType),
    length: body.length,
    messageSeq,
    fragmentOffset: 0,
    fragment: body,
  });
}

/** The message with TLS's 4-byte header: how the 1.3 transcript takes it (RFC 9147 §5.2). */
export function tlsHandshakeBytes(msgType: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = msgType;
  out[1] = (body.length >>> 16) & 0xff;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

/** A handshake type's name in the alphabet's spelling: `server_hello_done` → `ServerHelloDone`; unknown types by number. */
export function messageName(msgType: number): string {
  const name = handshakeTypeFromNumber(msgType);
  if (typeof name === 'number') return `Handshake(${name})`;
  return name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The type number of a named handshake type. */
export function typeNumber(name: keyof typeof HandshakeType): number {
  return handshakeTypeToNumber(name);
}

interface Partial {
  readonly msgType: number;
  readonly length: number;
  readonly body: Uint8Array;
  /** Which bytes arrived (one flag a byte: simple, and messages are small). */
  readonly have: Uint8Array;
  missing: number;
}

/** Bodies the reassembler holds at most, so a flood of fragments costs bounded memory. */
const MAX_MESSAGE = 1 << 16;
const MAX_PARTIALS = 32;
const MAX_SEEN = 4096;

/**
 * Handshake fragments in, whole messages out (RFC 9147 §5.5), each once: a message whose type, message_seq and body
 * were delivered before is a retransmission and is dropped, so a retransmitted flight never reaches the next step.
 * Messages are delivered as they complete (a peer may start over with message_seq 0 after a stateless retry, so no
 * order is imposed). Malformed fragments are dropped; nothing throws.
 */
export class HandshakeReassembler {
  private readonly partials = new Map<string, Partial>();
  private readonly seen = new Set<string>();

  /**
   * Forgets which messages of type `msgType` were delivered, so the next one counts even if it repeats one (a
   * stateless server's HelloVerifyRequest answering a new ClientHello is an answer, not a retransmission).
   */
  forget(msgType: number): void {
    for (const id of this.seen) if (id.startsWith(`${msgType}/`)) this.seen.delete(id);
  }

  /** The whole messages completed by the handshake fragments in one record's content. */
  add(content: Uint8Array): HandshakeMessage[] {
    return this.read(content).messages;
  }

  /** The same, with the count of whole messages dropped as already delivered (a repeated flight's). */
  read(content: Uint8Array): { messages: HandshakeMessage[]; repeated: number } {
    const out: HandshakeMessage[] = [];
    let repeated = 0;
    const r = new Reader(content, 'handshake');
    while (r.remaining > 0) {
      let f;
      try {
        f = readDtlsHandshake(r);
      } catch {
        return { messages: out, repeated }; // the rest of the record is unreadable
      }
      const msgType = handshakeTypeToNumber(f.msgType);
      if (f.length > MAX_MESSAGE) continue;
      const key = `${msgType}/${f.messageSeq}/${f.length}`;
      let p = this.partials.get(key);
      if (p === undefined) {
        if (this.partials.size >= MAX_PARTIALS) this.partials.clear();
        p = {
          msgType,
          length: f.length,
          body: new Uint8Array(f.length),
          have: new Uint8Array(f.length),
          missing: f.length,
        };
        this.partials.set(key, p);
      }
      for (let i = 0; i < f.fragment.length; i++) {
        const at = f.fragmentOffset + i;
        if (p.have[at] === 0) {
          p.have[at] = 1;
          p.missing--;
        }
        p.body[at] = f.fragment[i]!;
      }
      if (p.missing > 0) continue;
      this.partials.delete(key);
      const id = `${key}/${Buffer.from(p.body).toString('base64')}`;
      if (this.seen.has(id)) {
        repeated++;
        continue;
      }
      if (this.seen.size >= MAX_SEEN) this.seen.clear();
      this.seen.add(id);
      out.push({ msgType, messageSeq: f.messageSeq, body: p.body });
    }
    return { messages: out, repeated };
  }
}
