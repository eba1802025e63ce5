meta:
  id: tls12_certificate
  title: Certificate (TLS 1.2)
  endian: be
doc: |
  The sender's certificate chain in (D)TLS 1.2: the end-entity certificate
  first, without TLS 1.3's request context and per-certificate extensions.
  A client with no certificate to send sends an empty list.
doc-ref: RFC 5246 §7.4.2
seq:
  - id: len_certificate_list
    type: b24
  - id: certificate_list
    size: len_certificate_list
    type: asn1_cert_list
types:
  asn1_cert_list:
    doc: ASN.1Cert certificate_list<0..2^24-1>
    doc-ref: RFC 5246 §7.4.2
    seq:
      - id: entries
        type: asn1_cert
        repeat: eos
  asn1_cert:
    doc: One DER-encoded X.509 certificate (opaque ASN.1Cert<1..2^24-1>).
    doc-ref: RFC 5246 §7.4.2
    seq:
      - id: len_cert
        type: b24
        valid:
          min: 1
      - id: cert
        size: len_cert
