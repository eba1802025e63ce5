meta:
  id: digitally_signed
  title: digitally-signed (TLS 1.2)
  endian: be
  imports: [enums]
doc: |
  A TLS 1.2 signature with the algorithm that made it: the signed_params
  of a ServerKeyExchange. (A TLS 1.2 CertificateVerify has the same layout
  and decodes as certificate_verify.)
doc-ref: RFC 5246 §4.7
seq:
  - id: algorithm
    type: u2
    enum: enums::signature_scheme
    doc: SignatureAndHashAlgorithm; TLS 1.3's SignatureScheme code points are its values (RFC 8446 §4.2.3).
  - id: len_signature
    type: u2
  - id: signature
    size: len_signature
