meta:
  id: dtls_plaintext
  title: DTLSPlaintext record
  endian: be
  imports: [enums]
doc: |
  An unprotected DTLS record (epoch 0): the ClientHello, ServerHello and
  HelloRetryRequest flights, alerts before keys exist, and ACKs of them.
  The first byte is the content type; a receiver tells this record apart from
  a DTLSCiphertext by it (RFC 9147 §4.1).
doc-ref: RFC 9147 §4
seq:
  - id: type
    type: u1
    enum: enums::content_type
  - id: legacy_record_version
    type: u2
    enum: enums::protocol_version
    doc: DTLS 1.2's version, 0xfefd, except in the first ClientHello, where 0xfeff is allowed.
  - id: epoch
    type: u2
    doc: Always 0 for DTLSPlaintext in DTLS 1.3.
  - id: sequence_number_hi
    type: u2
  - id: sequence_number_lo
    type: u4
  - id: len_fragment
    type: u2
    valid:
      max: 16384
    doc: The RFC's `length`; at most 2^14 (RFC 8446 §5.1).
  - id: fragment
    size: len_fragment
instances:
  sequence_number:
    value: sequence_number_hi * 4294967296 + sequence_number_lo
    doc: uint48 record sequence number.
    -dtls13:
      combine: [sequence_number_hi, sequence_number_lo]
