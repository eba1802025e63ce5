meta:
  id: tls12_server_hello
  title: ServerHello (TLS 1.2)
  endian: be
  imports:
    - enums
    - empty
    - ext_renegotiation_info
    - ext_ec_point_formats
    - ext_connection_id
    - ext_use_srtp
    - ext_alpn
    - ext_record_size_limit
    - ext_max_fragment_length
    - ext_certificate_type
doc: |
  The (D)TLS 1.2 server's answer to ClientHello: the version, the cipher
  suite and the extensions it chose. It has the layout of a TLS 1.3
  ServerHello, so a client decodes it with server_hello first, sees no
  supported_versions, and decodes the body again as this. RFC 5246 lets the
  extensions be absent; dtls13 requires extended_master_secret (RFC 7627)
  and renegotiation_info (RFC 5746) in every 1.2 ServerHello, so this
  schema requires the extensions block.
doc-ref: RFC 5246 §7.4.1.3, RFC 6347 §4.2.1
seq:
  - id: server_version
    type: u2
    enum: enums::protocol_version
    doc: 0xfefd for DTLS 1.2.
  - id: random
    size: 32
    doc: Its last 8 bytes carry a downgrade sentinel when the server supports 1.3 (RFC 8446 §4.1.3).
  - id: len_session_id
    type: u1
    valid:
      max: 32
  - id: session_id
    size: len_session_id
    doc: The session's identity for resumption, the client's on a resumption, or empty.
  - id: cipher_suite
    type: u2
    enum: enums::cipher_suite
  - id: compression_method
    type: u1
    doc: Always 0 (null).
  - id: len_extensions
    type: u2
  - id: extensions
    size: len_extensions
    type: tls12_server_hello_extension_list
types:
  tls12_server_hello_extension_list:
    doc: Extension extensions<0..2^16-1> of a TLS 1.2 ServerHello.
    doc-ref: RFC 5246 §7.4.1.3
    seq:
      - id: entries
        type: tls12_server_hello_extension
        repeat: eos
  tls12_server_hello_extension:
    doc: An extension as it may appear in a TLS 1.2 ServerHello, with the ServerHello form of its body.
    doc-ref: RFC 5246 §7.4.1.4
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
            'enums::extension_type::server_name': empty
            'enums::extension_type::max_fragment_length': ext_max_fragment_length::max_fragment_length_extension
            'enums::extension_type::ec_point_formats': ext_ec_point_formats::ec_point_format_list
            'enums::extension_type::use_srtp': ext_use_srtp::use_srtp_data
            'enums::extension_type::application_layer_protocol_negotiation': ext_alpn::protocol_name_list
            'enums::extension_type::encrypt_then_mac': empty
            'enums::extension_type::extended_master_secret': empty
            'enums::extension_type::record_size_limit': ext_record_size_limit::record_size_limit_extension
            'enums::extension_type::session_ticket': empty
            'enums::extension_type::connection_id': ext_connection_id::connection_id_extension
            'enums::extension_type::renegotiation_info': ext_renegotiation_info::renegotiation_info_extension
            'enums::extension_type::client_certificate_type': ext_certificate_type::certificate_type_selected
            'enums::extension_type::server_certificate_type': ext_certificate_type::certificate_type_selected
