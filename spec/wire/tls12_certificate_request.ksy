meta:
  id: tls12_certificate_request
  title: CertificateRequest (TLS 1.2)
  endian: be
  imports:
    - enums
    - ext_signature_algorithms
    - ext_certificate_authorities
doc: |
  The server's request for a client certificate in (D)TLS 1.2: which kinds
  of certificate, which signature algorithms, and which authorities it
  accepts.
doc-ref: RFC 5246 §7.4.4, RFC 8422 §5.5
seq:
  - id: len_certificate_types
    type: u1
    valid:
      min: 1
  - id: certificate_types
    size: len_certificate_types
    type: client_certificate_type_list
  - id: len_supported_signature_algorithms
    type: u2
    valid:
      min: 2
      max: 65534
  - id: supported_signature_algorithms
    size: len_supported_signature_algorithms
    type: ext_signature_algorithms::signature_scheme_entry_list
  - id: len_certificate_authorities
    type: u2
  - id: certificate_authorities
    size: len_certificate_authorities
    type: ext_certificate_authorities::distinguished_name_list
types:
  client_certificate_type_list:
    doc: ClientCertificateType certificate_types<1..2^8-1>
    doc-ref: RFC 5246 §7.4.4
    seq:
      - id: entries
        type: u1
        enum: enums::client_certificate_type
        repeat: eos
