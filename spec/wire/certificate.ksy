meta:
  id: certificate
  title: Certificate
  endian: be
  imports: [enums]
doc: |
  The sender's certificate chain (or raw public key), end-entity first.
  Empty certificate_list when a client has no certificate to send.
doc-ref: RFC 8446 §4.4.2, RFC 7250 §3
seq:
  - id: len_certificate_request_context
    type: u1
  - id: certificate_request_context
    size: len_certificate_request_context
    doc: Empty in the server's Certificate; the CertificateRequest's context in a client's.
  - id: len_certificate_list
    type: b24
  - id: certificate_list
    size: len_certificate_list
    type: certificate_entry_list
types:
  certificate_entry_list:
    doc: CertificateEntry certificate_list<0..2^24-1>
    doc-ref: RFC 8446 §4.4.2
    seq:
      - id: entries
        type: certificate_entry
        repeat: eos
  certificate_entry:
    doc: One certificate (or the raw public key) with its per-certificate extensions.
    doc-ref: RFC 8446 §4.4.2, RFC 7250 §3
    seq:
      - id: len_cert_data
        type: b24
        valid:
          min: 1
      - id: cert_data
        size: len_cert_data
        doc: |
          A DER-encoded X.509 certificate, or a DER-encoded
          SubjectPublicKeyInfo (the RFC's ASN1_subjectPublicKeyInfo) when the
          raw_public_key certificate type was negotiated (RFC 7250); both
          have this layout (opaque <1..2^24-1>).
      - id: len_extensions
        type: u2
      - id: extensions
        size: len_extensions
        type: certificate_entry_extension_list
  certificate_entry_extension_list:
    doc: Extension extensions<0..2^16-1>
    doc-ref: RFC 8446 §4.4.2
    seq:
      - id: entries
        type: certificate_entry_extension
        repeat: eos
  certificate_entry_extension:
    doc: |
      An extension of one CertificateEntry (e.g. status_request,
      signed_certificate_timestamp). No per-entry extension is parsed: the
      body stays opaque bytes.
    doc-ref: RFC 8446 §4.4.2, RFC 8446 §4.2
    seq:
      - id: extension_type
        type: u2
        enum: enums::extension_type
      - id: len_extension_data
        type: u2
      - id: extension_data
        size: len_extension_data
