meta:
  id: empty
  title: Empty extension_data
  endian: be
doc: |
  An extension body with no content: early_data in ClientHello and
  EncryptedExtensions, post_handshake_auth, server_name in EncryptedExtensions,
  rrc (RFC 9853 §3).
  Any byte in it is a decode error.
doc-ref: RFC 8446 §4.2
seq: []
