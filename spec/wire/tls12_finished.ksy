meta:
  id: tls12_finished
  title: Finished (TLS 1.2)
  endian: be
doc: |
  The (D)TLS 1.2 Finished: PRF(master_secret, finished_label,
  Hash(handshake_messages))[0..11]. Every cipher suite dtls13 knows keeps
  the default verify_data_length of 12.
doc-ref: RFC 5246 §7.4.9
seq:
  - id: verify_data
    size: 12
    doc: opaque verify_data[verify_data_length], 12 bytes.
