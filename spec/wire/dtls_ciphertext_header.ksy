meta:
  id: dtls_ciphertext_header
  title: DTLSCiphertext unified header
  endian: be
doc: |
  The variable-length header of a protected DTLS 1.3 record:

      0 1 2 3 4 5 6 7
      0 0 1 C S L E E
      Connection ID      (if C, of the negotiated length)
      Sequence Number    (8 bits, or 16 if S)
      Length             (16 bits, if L)

  The sequence number bytes are encrypted on the wire (RFC 9147 §4.2.3); this
  schema reads them as they stand. The encrypted record follows: `length`
  bytes when L is set, otherwise the rest of the datagram.
doc-ref: RFC 9147 §4
params:
  - id: cid_length
    type: u1
    doc: Length of the connection ID this endpoint negotiated to receive (0 when none).
seq:
  - id: fixed_bits
    type: b3
    valid: 1
    doc: Always 001; tells the record apart from DTLSPlaintext.
  - id: connection_id_present
    type: b1
    doc: The C bit.
  - id: sequence_number_16bit
    type: b1
    doc: The S bit; set when the low bits of the sequence number take 16 bits rather than 8.
  - id: length_present
    type: b1
    doc: The L bit.
  - id: epoch_low_bits
    type: b2
    doc: The two low bits of the epoch.
  - id: connection_id
    size: cid_length
    if: connection_id_present
  - id: sequence_number
    type:
      switch-on: sequence_number_16bit
      cases:
        true: u2
        false: u1
    doc: Low 8 or 16 bits of the record sequence number.
  - id: length
    type: u2
    if: length_present
    valid:
      max: 16640
    doc: Length of the encrypted record, at most 2^14 + 256 (RFC 8446 §5.2).
