meta:
  id: ext_oid_filters
  title: oid_filters extension body
  endian: be
doc: |
  Body of the oid_filters extension (CertificateRequest only): certificate
  extension OIDs and values the client's certificate must match.
doc-ref: RFC 8446 §4.2.5
seq: []
types:
  oid_filter_extension:
    doc: The filters (OIDFilterExtension).
    doc-ref: RFC 8446 §4.2.5
    seq:
      - id: len_filters
        type: u2
      - id: filters
        size: len_filters
        type: oid_filter_list
  oid_filter_list:
    doc: OIDFilter filters<0..2^16-1>
    doc-ref: RFC 8446 §4.2.5
    seq:
      - id: entries
        type: oid_filter
        repeat: eos
  oid_filter:
    doc: One certificate extension OID and the values it must have.
    doc-ref: RFC 8446 §4.2.5
    seq:
      - id: len_certificate_extension_oid
        type: u1
        valid:
          min: 1
      - id: certificate_extension_oid
        size: len_certificate_extension_oid
        doc: The certificate extension's OID, DER-encoded (RFC 5280).
      - id: len_certificate_extension_values
        type: u2
      - id: certificate_extension_values
        size: len_certificate_extension_values
        doc: The allowed value(s) of that extension, DER-encoded.
