meta:
  id: certificate_verify
  title: CertificateVerify
  endian: be
  imports: [enums]
doc: |
  Proof that the sender holds the private key of its certificate: a
  signature over the transcript hash (RFC 8446 §4.4.3).
doc-ref: RFC 8446 §4.4.3
seq:
  - id: algorithm
    type: u2
    enum: enums::signature_scheme
  - id: len_signature
    type: u2
  - id: signature
    size: len_signature
    doc: Signature over 64 spaces, the context string, a zero byte and the transcript hash.
