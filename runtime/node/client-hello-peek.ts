/** What the first record of a datagram says about a ClientHello fragment in it, read without decoding the message. */
export interface ClientHelloPeek {
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  /** ClientHello.random in hex, when this fragment holds it (it starts the message); else undefined. */
  readonly random: string | undefined;
}

/**
 * Whether the datagram starts with an epoch-0 handshake record carrying (a fragment of) a ClientHello, with its
 * message_seq, fragment_offset and ClientHello.random (RFC 9147 §4, §5.2). Reads the headers only.
 */
export function peekClientHello(d: Uint8Array): ClientHelloPeek | undefined {
  // record: type(1) version(2) epoch(2) seq(6) length(2); handshake: type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3)
  if (d.length < 25 || d[0] !== 22 || d[3] !== 0 || d[4] !== 0 || d[13] !== 1) return undefined;
  const recordLength = (d[11]! << 8) | d[12]!;
  if (recordLength < 12 || 13 + recordLength > d.length) return undefined;
  const messageSeq = (d[17]! << 8) | d[18]!;
  const fragmentOffset = (d[19]! << 16) | (d[20]! << 8) | d[21]!;
  const fragmentLength = (d[22]! << 16) | (d[23]! << 8) | d[24]!;
  if (12 + fragmentLength > recordLength) return undefined;
  // body: legacy_version(2), random(32)
  const random =
    fragmentOffset === 0 && fragmentLength >= 34
      ? Buffer.from(d.buffer, d.byteOffset + 27, 32).toString('hex')
      : undefined;
  return { messageSeq, fragmentOffset, random };
}
