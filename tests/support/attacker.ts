import { encodeAck, encodeAlert, encodeDtlsPlaintext, type DtlsHandshake } from '../../generated/wire/index.js';
import {
  handshakeTypeToNumber,
  type AlertDescriptionName,
  type ContentTypeName,
  type HandshakeTypeName,
} from '../../generated/wire/enums.js';

/**
 * Datagrams an off-path attacker can make without any key: plaintext
 * records of any kind, and ciphertext-looking records it cannot
 * authenticate. The tests send them to established or handshaking
 * connections and check that nothing changes.
 */

export function plaintextRecord(type: ContentTypeName, fragment: Uint8Array, sequenceNumber = 1000): Uint8Array {
  return encodeDtlsPlaintext({ type, legacyRecordVersion: 'dtls1_2', epoch: 0, sequenceNumber, fragment });
}

/**
 * A handshake fragment's bytes (RFC 9147 §5.2 header, then the fragment),
 * written by hand: an attacker's fragment need not be consistent (the
 * generated encoder refuses a fragment that overruns its message).
 */
export function handshakeFragment(
  f: Omit<DtlsHandshake, 'fragment' | 'msgType'> & {
    readonly msgType: HandshakeTypeName;
    readonly fragment?: Uint8Array;
  },
): Uint8Array {
  const fragment = f.fragment ?? new Uint8Array(0);
  const out = new Uint8Array(12 + fragment.length);
  const u24 = (at: number, v: number): void => {
    out[at] = (v >>> 16) & 0xff;
    out[at + 1] = (v >>> 8) & 0xff;
    out[at + 2] = v & 0xff;
  };
  out[0] = handshakeTypeToNumber(f.msgType);
  u24(1, f.length);
  out[4] = (f.messageSeq >>> 8) & 0xff;
  out[5] = f.messageSeq & 0xff;
  u24(6, f.fragmentOffset);
  u24(9, fragment.length);
  out.set(fragment, 12);
  return out;
}

export function plaintextAlert(
  level: 'warning' | 'fatal',
  description: AlertDescriptionName,
  sequenceNumber = 1000,
): Uint8Array {
  return plaintextRecord('alert', encodeAlert({ level, description }), sequenceNumber);
}

export function plaintextAck(
  records: readonly { readonly epoch: number; readonly sequenceNumber: number }[],
): Uint8Array {
  return plaintextRecord(
    'ack',
    encodeAck({
      recordNumbers: records.map((r) => ({ epoch: BigInt(r.epoch), sequenceNumber: BigInt(r.sequenceNumber) })),
    }),
  );
}

/**
 * A DTLSCiphertext record (unified header with 16-bit sequence number and
 * length, RFC 9147 §4) for `epochBits` whose body is `body`: it parses, and
 * fails authentication under any key.
 */
export function forgedCiphertext(epochBits: number, sequence: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = 0x20 | 0x08 | 0x04 | (epochBits & 3);
  out[1] = (sequence >>> 8) & 0xff;
  out[2] = sequence & 0xff;
  out[3] = (body.length >>> 8) & 0xff;
  out[4] = body.length & 0xff;
  out.set(body, 5);
  return out;
}

/** A deterministic byte source for attack payloads. */
export function bytesFrom(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
