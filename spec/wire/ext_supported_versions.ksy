meta:
  id: ext_supported_versions
  title: supported_versions extension body
  endian: be
  imports: [enums]
doc: |
  Bodies of the supported_versions extension: the versions the client
  offers in ClientHello, the selected version in ServerHello and
  HelloRetryRequest. DTLS 1.3 is 0xfefc (RFC 9147 §5.3).
doc-ref: RFC 8446 §4.2.1
seq: []
types:
  supported_versions_client_hello:
    doc: The ClientHello form, most preferred version first.
    doc-ref: RFC 8446 §4.2.1
    seq:
      - id: len_versions
        type: u1
        valid:
          min: 2
          max: 254
      - id: versions
        size: len_versions
        type: protocol_version_list
  protocol_version_list:
    doc: ProtocolVersion versions<2..254>
    doc-ref: RFC 8446 §4.2.1
    seq:
      - id: entries
        type: u2
        enum: enums::protocol_version
        repeat: eos
  supported_versions_server_hello:
    doc: The ServerHello and HelloRetryRequest form.
    doc-ref: RFC 8446 §4.2.1
    seq:
      - id: selected_version
        type: u2
        enum: enums::protocol_version
