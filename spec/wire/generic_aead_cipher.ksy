meta:
  id: generic_aead_cipher
  title: GenericAEADCipher with an explicit nonce
  endian: be
doc: |
  The fragment of a DTLS 1.2 record protected by AES-GCM (RFC 5288 §3) or
  AES-CCM (RFC 6655 §3): the 8-byte explicit part of the nonce, sent in
  clear, then the AEAD output (ciphertext and tag). ChaCha20-Poly1305
  (RFC 7905 §2) sends no explicit nonce: its fragment is the AEAD output
  alone.
doc-ref: RFC 5246 §6.2.3.3, RFC 5288 §3
seq:
  - id: nonce_explicit
    size: 8
    doc: The sender's choice; dtls13 sends the record's epoch and sequence number (RFC 5288 §3 allows any unique value).
  - id: aead_ciphertext
    size-eos: true
    doc: Ciphertext followed by the tag (16 bytes, or 8 for CCM_8).
