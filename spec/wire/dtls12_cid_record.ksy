meta:
  id: dtls12_cid_record
  title: DTLS 1.2 record with a connection ID
  endian: be
  imports: [enums]
doc: |
  A protected DTLS 1.2 record carrying a connection ID (content type
  tls12_cid, 25): the DTLS 1.2 header with the CID between the sequence
  number and the length. The CID's length is not on the wire: it is the
  length this endpoint asked the peer to use. The protected content is a
  DTLSInnerPlaintext (content, real type, zero padding) sealed with the
  AAD of RFC 9146 §5.
doc-ref: RFC 9146 §4
params:
  - id: cid_length
    type: u1
    doc: Length of the connection ID this endpoint negotiated to receive (at least 1).
seq:
  - id: outer_type
    type: u1
    valid: 25
    doc: Always tls12_cid (25); the real content type is inside the protection.
  - id: version
    type: u2
    enum: enums::protocol_version
  - id: epoch
    type: u2
  - id: sequence_number_hi
    type: u2
  - id: sequence_number_lo
    type: u4
  - id: cid
    size: cid_length
  - id: len_enc_content
    type: u2
    valid:
      max: 18432
    doc: The RFC's `length`.
  - id: enc_content
    size: len_enc_content
instances:
  sequence_number:
    value: sequence_number_hi * 4294967296 + sequence_number_lo
    doc: uint48 record sequence number.
    -dtls13:
      combine: [sequence_number_hi, sequence_number_lo]
