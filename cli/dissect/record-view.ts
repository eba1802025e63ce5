/** What the dissector reports for each record: the same shape for printing (--msg, --trace, dissect) and for --json. */

/** One handshake message, or a fragment of one, in a record. */
export interface HandshakeView {
  readonly type: string;
  readonly messageSeq: number;
  /** Length of the whole message body. */
  readonly length: number;
  readonly fragmentOffset: number;
  readonly fragmentLength: number;
  /** True when this fragment completed the message (or was all of it). */
  readonly complete: boolean;
  /** True when the message had been seen whole before: a retransmission. */
  readonly retransmission: boolean;
  /** The decoded message (generated decoders), once complete and not a retransmission. */
  readonly fields?: unknown;
  /** Why the complete message did not decode. */
  readonly error?: string;
  /** A ServerHello that is a HelloRetryRequest. */
  readonly helloRetryRequest?: boolean;
}

export interface RecordView {
  /** Who sent it, when the conversation's roles are known. */
  readonly from: 'client' | 'server' | 'unknown';
  /** The full epoch; for an undecrypted DTLSCiphertext undefined (see epochBits). */
  readonly epoch: number | undefined;
  /** The epoch's low two bits from a unified header. */
  readonly epochBits?: number;
  /** The record's sequence number; for an undecrypted ciphertext, undefined (it is masked on the wire). */
  readonly sequenceNumber: number | undefined;
  /** handshake, alert, ack, application_data, or 'encrypted' when it could not be decrypted. */
  readonly contentType: string;
  /** Bytes the record takes in the datagram, header included. */
  readonly length: number;
  /** A DTLSCiphertext (unified header). */
  readonly protected: boolean;
  readonly decrypted: boolean;
  readonly connectionId?: string;
  readonly messages: readonly HandshakeView[];
  readonly alert?: { readonly level: string; readonly description: string };
  readonly ack?: readonly { readonly epoch: number; readonly sequenceNumber: number }[];
  /** Length of application data carried (its content is not shown unless asked for: `data`). */
  readonly applicationData?: number;
  /** The application data's bytes, only when asked for (`dtls13 dissect --data`). */
  readonly data?: Uint8Array;
  /** What could not be decoded, with the field path and offset. */
  readonly error?: string;
}

/** How a conversation is dissected. */
export interface ConversationOptions {
  /** Put the application data's bytes in the record views (`dissect --data`). */
  readonly showData?: boolean;
}
