meta:
  id: tls12_raw_public_key
  title: Certificate with a raw public key (TLS 1.2)
  endian: be
doc: |
  The (D)TLS 1.2 Certificate message when the raw_public_key certificate
  type was negotiated: in place of certificate_list, the sender's
  SubjectPublicKeyInfo (DER) as one opaque vector. In TLS 1.3 the raw key
  travels as the one CertificateEntry of the Certificate message instead.
doc-ref: RFC 7250 §3
seq:
  - id: len_subject_public_key_info
    type: b24
    valid:
      min: 1
  - id: subject_public_key_info
    size: len_subject_public_key_info
    doc: The RFC's ASN.1_subjectPublicKeyInfo, a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
