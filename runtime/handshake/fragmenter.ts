import { writeDtlsHandshake, type DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { Writer } from '../wire/writer.js';
import type { HandshakeType } from '../../generated/wire/enums.js';
import { MAX_MESSAGE_SEQ, MAX_UINT24 } from './handshake-message.js';

/** Splits a handshake message into contiguous fragments viewing its body (RFC 9147 §5.5). @throws RangeError. */
export function fragmentMessage(
  message: { readonly msgType: HandshakeType; readonly messageSeq: number; readonly body: Uint8Array },
  maxFragmentBody: number,
): DtlsHandshake[] {
  if (!Number.isInteger(maxFragmentBody) || maxFragmentBody < 1)
    throw new RangeError(`maxFragmentBody must be a positive integer, got ${String(maxFragmentBody)}`);
  const { msgType, messageSeq, body } = message;
  if (!Number.isInteger(messageSeq) || messageSeq < 0 || messageSeq > MAX_MESSAGE_SEQ)
    throw new RangeError(`messageSeq must be an integer in 0..${MAX_MESSAGE_SEQ}, got ${String(messageSeq)}`);
  const length = body.length;
  if (length > MAX_UINT24)
    throw new RangeError(`handshake body is ${length} bytes, above the uint24 length field's 2^24-1`);
  if (length === 0) return [{ msgType, length, messageSeq, fragmentOffset: 0, fragment: body }];
  const fragments: DtlsHandshake[] = [];
  for (let fragmentOffset = 0; fragmentOffset < length; fragmentOffset += maxFragmentBody) {
    const end = Math.min(length, fragmentOffset + maxFragmentBody);
    fragments.push({ msgType, length, messageSeq, fragmentOffset, fragment: body.subarray(fragmentOffset, end) });
  }
  return fragments;
}

/** Where {@link encodeFragmentView} writes: one buffer for every connection. */
const fragmentWriter = new Writer('DtlsHandshake', 2048);

/** The DTLSHandshake bytes of `f` in a buffer shared by all callers, valid until the next call. */
export function encodeFragmentView(f: DtlsHandshake): Uint8Array {
  fragmentWriter.reset('DtlsHandshake');
  writeDtlsHandshake(fragmentWriter, f);
  return fragmentWriter.finish();
}

/**
 * A flight's records, in order, packed into datagrams of at most `limit` bytes (one larger than the limit goes alone);
 * the datagrams holding a `last` record go after the rest (RFC 6347 §4.1.1, RFC 9147 §4.3).
 */
export function packDatagrams<R extends { readonly length: number; readonly last?: boolean }>(
  records: readonly R[],
  limit: number,
): R[][] {
  const datagrams: R[][] = [];
  const held: R[][] = [];
  let datagram: R[] = [];
  let size = 0;
  let last = false;
  for (const r of records) {
    if (size + r.length > limit && datagram.length > 0) {
      (last ? held : datagrams).push(datagram);
      datagram = [];
      size = 0;
      last = false;
    }
    datagram.push(r);
    size += r.length;
    last ||= r.last === true;
  }
  if (datagram.length > 0) (last ? held : datagrams).push(datagram);
  return held.length === 0 ? datagrams : datagrams.concat(held);
}
