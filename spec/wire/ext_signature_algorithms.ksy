meta:
  id: ext_signature_algorithms
  title: signature_algorithms and signature_algorithms_cert extension body
  endian: be
  imports: [enums]
doc: |
  Body of the signature_algorithms and signature_algorithms_cert extensions,
  the same in ClientHello and CertificateRequest.
doc-ref: RFC 8446 §4.2.3
seq: []
types:
  signature_scheme_list:
    doc: The signature schemes the sender accepts, in order of preference.
    doc-ref: RFC 8446 §4.2.3
    seq:
      - id: len_supported_signature_algorithms
        type: u2
        valid:
          min: 2
          max: 65534
      - id: supported_signature_algorithms
        size: len_supported_signature_algorithms
        type: signature_scheme_entry_list
  signature_scheme_entry_list:
    doc: SignatureScheme supported_signature_algorithms<2..2^16-2>
    doc-ref: RFC 8446 §4.2.3
    seq:
      - id: entries
        type: u2
        enum: enums::signature_scheme
        repeat: eos
