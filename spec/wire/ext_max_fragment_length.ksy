meta:
  id: ext_max_fragment_length
  title: max_fragment_length extension body
  endian: be
  imports: [enums]
doc: |
  Body of the max_fragment_length extension, the same in ClientHello and
  EncryptedExtensions. Superseded by record_size_limit (RFC 8449 §5).
doc-ref: RFC 6066 §4
seq: []
types:
  max_fragment_length_extension:
    doc: The requested (ClientHello) or accepted (EncryptedExtensions) maximum fragment length.
    doc-ref: RFC 6066 §4
    seq:
      - id: max_fragment_length
        type: u1
        enum: enums::max_fragment_length
        doc: 2^9, 2^10, 2^11 or 2^12 bytes (values 1 to 4).
