meta:
  id: finished
  title: Finished
  endian: be
doc: |
  An HMAC over the transcript, authenticating the handshake. Its length is
  the hash length of the negotiated cipher suite, so it fills the body.
doc-ref: RFC 8446 §4.4.4
seq:
  - id: verify_data
    size-eos: true
    doc: HMAC(finished_key, transcript hash); Hash.length bytes.
