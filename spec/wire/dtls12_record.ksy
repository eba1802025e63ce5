meta:
  id: dtls12_record
  title: DTLS 1.2 record
  endian: be
  imports: [enums]
doc: |
  A DTLS 1.2 record, protected or not: the 13-byte header with the explicit
  16-bit epoch and 48-bit sequence number, then `length` bytes of fragment.
  Epoch 0 carries DTLSPlaintext (at most 2^14 bytes); later epochs carry
  the cipher's output, which may be up to 2048 bytes longer (RFC 5246
  §6.2.3). The same header, with the ciphertext's length replaced by the
  plaintext's, is the start of the AEAD additional data (RFC 5246 §6.2.3.3,
  RFC 6347 §4.1.2.1). A record of content type tls12_cid has a different
  header: see dtls12_cid_record.
doc-ref: RFC 6347 §4.1
seq:
  - id: type
    type: u1
    enum: enums::content_type
  - id: version
    type: u2
    enum: enums::protocol_version
    doc: 0xfefd once the version is negotiated; 0xfeff is allowed in a ClientHello record (RFC 6347 §4.1).
  - id: epoch
    type: u2
    doc: Incremented on every cipher state change (ChangeCipherSpec).
  - id: sequence_number_hi
    type: u2
  - id: sequence_number_lo
    type: u4
  - id: len_fragment
    type: u2
    valid:
      max: 18432
    doc: The RFC's `length`; at most 2^14 + 2048 (RFC 5246 §6.2.3). The tighter limits of each epoch's cipher are the record layer's.
  - id: fragment
    size: len_fragment
instances:
  sequence_number:
    value: sequence_number_hi * 4294967296 + sequence_number_lo
    doc: uint48 record sequence number, explicit in every record.
    -dtls13:
      combine: [sequence_number_hi, sequence_number_lo]
