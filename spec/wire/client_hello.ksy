meta:
  id: client_hello
  title: ClientHello
  endian: be
  imports:
    - enums
    - empty
    - ext_server_name
    - ext_max_fragment_length
    - ext_supported_groups
    - ext_signature_algorithms
    - ext_alpn
    - ext_certificate_type
    - ext_padding
    - ext_record_size_limit
    - ext_pre_shared_key
    - ext_supported_versions
    - ext_cookie
    - ext_psk_key_exchange_modes
    - ext_certificate_authorities
    - ext_key_share
    - ext_connection_id
    - ext_use_srtp
    - ext_renegotiation_info
    - ext_ec_point_formats
    - ext_session_ticket
doc: |
  The first message of a handshake. DTLS 1.3 keeps DTLS 1.2's legacy_cookie
  field, which must be empty (the cookie moved to an extension). DTLS 1.2
  has the same layout; there the cookie field echoes a HelloVerifyRequest's
  cookie, and the extensions block (at least 8 bytes, as 1.3 needs) carries
  the 1.2 extensions too (extended_master_secret, renegotiation_info, ...).
doc-ref: RFC 9147 §5.3
seq:
  - id: legacy_version
    type: u2
    enum: enums::protocol_version
    doc: 0xfefd (DTLS 1.2); the real version is in supported_versions.
  - id: random
    size: 32
  - id: len_legacy_session_id
    type: u1
    valid:
      max: 32
  - id: legacy_session_id
    size: len_legacy_session_id
  - id: len_legacy_cookie
    type: u1
  - id: legacy_cookie
    size: len_legacy_cookie
    doc: Empty in DTLS 1.3.
  - id: len_cipher_suites
    type: u2
    valid:
      min: 2
      max: 65534
  - id: cipher_suites
    size: len_cipher_suites
    type: cipher_suite_list
  - id: len_legacy_compression_methods
    type: u1
    valid:
      min: 1
  - id: legacy_compression_methods
    size: len_legacy_compression_methods
    doc: Exactly one zero byte in (D)TLS 1.3.
  - id: len_extensions
    type: u2
    valid:
      min: 8
  - id: extensions
    size: len_extensions
    type: client_hello_extension_list
types:
  cipher_suite_list:
    doc: CipherSuite cipher_suites<2..2^16-2>
    seq:
      - id: entries
        type: u2
        enum: enums::cipher_suite
        repeat: eos
  client_hello_extension_list:
    doc: Extension extensions<8..2^16-1>
    seq:
      - id: entries
        type: client_hello_extension
        repeat: eos
  client_hello_extension:
    doc: An extension as it may appear in ClientHello, with the ClientHello form of its body.
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
            'enums::extension_type::server_name': ext_server_name::server_name_list
            'enums::extension_type::max_fragment_length': ext_max_fragment_length::max_fragment_length_extension
            'enums::extension_type::supported_groups': ext_supported_groups::named_group_list
            'enums::extension_type::signature_algorithms': ext_signature_algorithms::signature_scheme_list
            'enums::extension_type::use_srtp': ext_use_srtp::use_srtp_data
            'enums::extension_type::application_layer_protocol_negotiation': ext_alpn::protocol_name_list
            'enums::extension_type::client_certificate_type': ext_certificate_type::certificate_type_list
            'enums::extension_type::server_certificate_type': ext_certificate_type::certificate_type_list
            'enums::extension_type::padding': ext_padding::padding_extension
            'enums::extension_type::record_size_limit': ext_record_size_limit::record_size_limit_extension
            'enums::extension_type::pre_shared_key': ext_pre_shared_key::offered_psks
            'enums::extension_type::early_data': empty
            'enums::extension_type::supported_versions': ext_supported_versions::supported_versions_client_hello
            'enums::extension_type::cookie': ext_cookie::cookie_extension
            'enums::extension_type::psk_key_exchange_modes': ext_psk_key_exchange_modes::psk_key_exchange_modes
            'enums::extension_type::certificate_authorities': ext_certificate_authorities::certificate_authorities_extension
            'enums::extension_type::post_handshake_auth': empty
            'enums::extension_type::signature_algorithms_cert': ext_signature_algorithms::signature_scheme_list
            'enums::extension_type::key_share': ext_key_share::key_share_client_hello
            'enums::extension_type::connection_id': ext_connection_id::connection_id_extension
            'enums::extension_type::rrc': empty
            'enums::extension_type::ec_point_formats': ext_ec_point_formats::ec_point_format_list
            'enums::extension_type::encrypt_then_mac': empty
            'enums::extension_type::extended_master_secret': empty
            'enums::extension_type::session_ticket': ext_session_ticket::session_ticket_extension
            'enums::extension_type::renegotiation_info': ext_renegotiation_info::renegotiation_info_extension
