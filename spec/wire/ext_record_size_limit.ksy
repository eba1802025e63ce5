meta:
  id: ext_record_size_limit
  title: record_size_limit extension body
  endian: be
doc: |
  Body of the record_size_limit extension, the same in ClientHello and
  EncryptedExtensions.
doc-ref: RFC 8449 §4
seq: []
types:
  record_size_limit_extension:
    doc: The largest record the sender is willing to receive.
    doc-ref: RFC 8449 §4
    seq:
      - id: record_size_limit
        type: u2
        doc: |
          Maximum plaintext size of a protected record, in bytes, including
          the content type and padding in TLS 1.3 (RFC 8449 §4). Values
          below 64 are a protocol error, checked by the runtime.
