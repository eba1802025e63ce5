meta:
  id: ext_renegotiation_info
  title: renegotiation_info extension body
  endian: be
doc: |
  Body of the renegotiation_info extension (ClientHello and (D)TLS 1.2
  ServerHello). On an initial handshake renegotiated_connection is empty;
  dtls13 refuses renegotiation, so that is the only form it sends.
doc-ref: RFC 5746 §3.2
seq: []
types:
  renegotiation_info_extension:
    doc: RenegotiationInfo.
    doc-ref: RFC 5746 §3.2
    seq:
      - id: len_renegotiated_connection
        type: u1
      - id: renegotiated_connection
        size: len_renegotiated_connection
        doc: opaque renegotiated_connection<0..255>; the previous handshake's verify_data on a renegotiation.
