import { writeDtlsHandshake, type DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { Writer } from '../wire/writer.js';
import type { HandshakeType } from '../../generated/wire/enums.js';
import { DTLS_HANDSHAKE_HEADER_LENGTH, MAX_MESSAGE_SEQ, MAX_UINT24 } from './handshake-message.js';

/**
 * Splits a handshake message into DTLSHandshake fragments of at most `maxFragmentBody` body bytes each: N contiguous,
 * non-overlapping ranges in order, every one carrying the message's full `length`, its `message_seq` and its own
 * `fragment_offset`. An empty body gives one empty fragment (the degenerate case, fragment_offset 0 and fragment_length
 * = length = 0).
 *
 * Zero-copy: each `fragment` is a `subarray` view of `message.body`, so the body must not change while the fragments
 * are in use. RFC 9147 §5.5 forbids changing message bytes on retransmission anyway; a retransmission with a new PMTU
 * estimate simply calls this again with a smaller size.
 *
 * @throws RangeError when `maxFragmentBody` is not a positive integer, the
 *   body is longer than 2^24-1 bytes, or `messageSeq` is not a uint16.
 * @see RFC 9147 §5.5
 */
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

/**
 * The largest fragment body that fits in `recordPayloadBudget` bytes of record payload (the DTLSPlaintext fragment, or
 * the DTLSInnerPlaintext content before its type byte and padding): the budget less the 12-byte DTLS handshake header,
 * capped at the uint24 fragment_length's 2^24-1. The caller derives the budget from its PMTU estimate minus the record
 * expansion (RFC 9147 §4.4).
 *
 * @throws RangeError when the budget is not an integer above 12 (no room for a single body byte).
 * @see RFC 9147 §5.2, §5.5
 */
export function maxFragmentBodyFor(recordPayloadBudget: number): number {
  if (!Number.isInteger(recordPayloadBudget) || recordPayloadBudget <= DTLS_HANDSHAKE_HEADER_LENGTH) {
    throw new RangeError(
      `record payload budget must be an integer above the ${DTLS_HANDSHAKE_HEADER_LENGTH}-byte handshake header, got ${String(recordPayloadBudget)}`,
    );
  }
  return Math.min(recordPayloadBudget - DTLS_HANDSHAKE_HEADER_LENGTH, MAX_UINT24);
}

/** Where {@link encodeFragmentView} writes: one buffer for every connection. */
const fragmentWriter = new Writer('DtlsHandshake', 2048);

/**
 * The DTLSHandshake bytes of `f` in a buffer shared by every caller: a view valid until the next call, for one that
 * copies it at once (the record layer sealing it, or framing it as a DTLSPlaintext), so a fragment on its way into a
 * record gets no array of its own.
 *
 * @throws EncodeError as encodeDtlsHandshake does.
 */
export function encodeFragmentView(f: DtlsHandshake): Uint8Array {
  fragmentWriter.reset('DtlsHandshake');
  writeDtlsHandshake(fragmentWriter, f);
  return fragmentWriter.finish();
}
