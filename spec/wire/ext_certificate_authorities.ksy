meta:
  id: ext_certificate_authorities
  title: certificate_authorities extension body
  endian: be
doc: |
  Body of the certificate_authorities extension (ClientHello and
  CertificateRequest): the certificate authorities the sender accepts.
doc-ref: RFC 8446 §4.2.4
seq: []
types:
  certificate_authorities_extension:
    doc: The accepted certificate authorities (CertificateAuthoritiesExtension).
    doc-ref: RFC 8446 §4.2.4
    seq:
      - id: len_authorities
        type: u2
        valid:
          min: 3
      - id: authorities
        size: len_authorities
        type: distinguished_name_list
  distinguished_name_list:
    doc: DistinguishedName authorities<3..2^16-1>
    doc-ref: RFC 8446 §4.2.4
    seq:
      - id: entries
        type: distinguished_name
        repeat: eos
  distinguished_name:
    doc: One authority (opaque DistinguishedName<1..2^16-1>).
    doc-ref: RFC 8446 §4.2.4
    seq:
      - id: len_name
        type: u2
        valid:
          min: 1
      - id: name
        size: len_name
        doc: A DER-encoded X.501 distinguished name.
