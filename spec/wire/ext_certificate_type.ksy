meta:
  id: ext_certificate_type
  title: client_certificate_type and server_certificate_type extension bodies
  endian: be
  imports: [enums]
doc: |
  Bodies of the client_certificate_type and server_certificate_type
  extensions: a list of acceptable types in ClientHello, the one selected
  type in EncryptedExtensions.
doc-ref: RFC 7250 §3
seq: []
types:
  certificate_type_list:
    doc: |
      The ClientHello form: the certificate types the client can send
      (client_certificate_type) or accept (server_certificate_type), in
      order of preference. RFC 7250 names the field
      client_certificate_types or server_certificate_types.
    doc-ref: RFC 7250 §3
    seq:
      - id: len_certificate_types
        type: u1
        valid:
          min: 1
      - id: certificate_types
        size: len_certificate_types
        type: certificate_type_entry_list
  certificate_type_entry_list:
    doc: CertificateType certificate_types<1..2^8-1>
    doc-ref: RFC 7250 §3
    seq:
      - id: entries
        type: u1
        enum: enums::certificate_type
        repeat: eos
  certificate_type_selected:
    doc: |
      The EncryptedExtensions form: the certificate type the server selected.
      RFC 7250 names the field client_certificate_type or
      server_certificate_type.
    doc-ref: RFC 7250 §3
    seq:
      - id: certificate_type
        type: u1
        enum: enums::certificate_type
