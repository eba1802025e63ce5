meta:
  id: change_cipher_spec
  title: ChangeCipherSpec
  endian: be
doc: |
  The one-byte record (content type change_cipher_spec) that switches the
  sender's writes to the next epoch in (D)TLS 1.2. It is not a handshake
  message and is not hashed into the transcript; in DTLS it has no
  message_seq (RFC 6347 §4.2.2).
doc-ref: RFC 5246 §7.1
seq:
  - id: type
    type: u1
    valid: 1
    doc: change_cipher_spec(1), the only value.
