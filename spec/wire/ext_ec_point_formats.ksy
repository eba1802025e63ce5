meta:
  id: ext_ec_point_formats
  title: ec_point_formats extension body
  endian: be
  imports: [enums]
doc: |
  Body of the ec_point_formats extension ((D)TLS 1.2 ClientHello and
  ServerHello). Only uncompressed points are in use (RFC 8422 §5.1.2).
doc-ref: RFC 8422 §5.1.2
seq: []
types:
  ec_point_format_list:
    doc: ECPointFormat ec_point_format_list<1..2^8-1>
    doc-ref: RFC 8422 §5.1.2
    seq:
      - id: len_formats
        type: u1
        valid:
          min: 1
      - id: formats
        size: len_formats
        type: ec_point_format_entries
  ec_point_format_entries:
    doc: The list's entries.
    seq:
      - id: entries
        type: u1
        enum: enums::ec_point_format
        repeat: eos
