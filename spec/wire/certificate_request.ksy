meta:
  id: certificate_request
  title: CertificateRequest
  endian: be
  imports:
    - enums
    - ext_signature_algorithms
    - ext_certificate_authorities
    - ext_oid_filters
doc: |
  Asks the peer for a certificate, during the handshake (server) or after
  it (post-handshake authentication). signature_algorithms must be among
  the extensions.
doc-ref: RFC 8446 §4.3.2
seq:
  - id: len_certificate_request_context
    type: u1
  - id: certificate_request_context
    size: len_certificate_request_context
    doc: Echoed in the Certificate that answers this request; empty during the main handshake.
  - id: len_extensions
    type: u2
    valid:
      min: 2
  - id: extensions
    size: len_extensions
    type: certificate_request_extension_list
types:
  certificate_request_extension_list:
    doc: Extension extensions<2..2^16-1>
    doc-ref: RFC 8446 §4.3.2
    seq:
      - id: entries
        type: certificate_request_extension
        repeat: eos
  certificate_request_extension:
    doc: An extension as it may appear in CertificateRequest, with the CertificateRequest form of its body.
    doc-ref: RFC 8446 §4.2
    seq:
      - id: extension_type
        type: u2
        enum: enums::extension_type
      - id: len_extension_data
        type: u2
      - id: extension_data
        size: len_extension_data
        type:
          switch-on: extension_type
          cases:
            'enums::extension_type::signature_algorithms': ext_signature_algorithms::signature_scheme_list
            'enums::extension_type::signature_algorithms_cert': ext_signature_algorithms::signature_scheme_list
            'enums::extension_type::certificate_authorities': ext_certificate_authorities::certificate_authorities_extension
            'enums::extension_type::oid_filters': ext_oid_filters::oid_filter_extension
