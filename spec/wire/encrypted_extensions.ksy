meta:
  id: encrypted_extensions
  title: EncryptedExtensions
  endian: be
  imports:
    - enums
    - empty
    - ext_max_fragment_length
    - ext_supported_groups
    - ext_alpn
    - ext_certificate_type
    - ext_record_size_limit
    - ext_use_srtp
doc: |
  The first message protected with handshake keys: the server's answers to
  ClientHello extensions that are not needed to establish the keys.
doc-ref: RFC 8446 §4.3.1
seq:
  - id: len_extensions
    type: u2
  - id: extensions
    size: len_extensions
    type: encrypted_extensions_extension_list
types:
  encrypted_extensions_extension_list:
    doc: Extension extensions<0..2^16-1>
    doc-ref: RFC 8446 §4.3.1
    seq:
      - id: entries
        type: encrypted_extensions_extension
        repeat: eos
  encrypted_extensions_extension:
    doc: An extension as it may appear in EncryptedExtensions, with the EncryptedExtensions form of its body.
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
            'enums::extension_type::server_name': empty
            'enums::extension_type::max_fragment_length': ext_max_fragment_length::max_fragment_length_extension
            'enums::extension_type::supported_groups': ext_supported_groups::named_group_list
            'enums::extension_type::use_srtp': ext_use_srtp::use_srtp_data
            'enums::extension_type::application_layer_protocol_negotiation': ext_alpn::protocol_name_list
            'enums::extension_type::client_certificate_type': ext_certificate_type::certificate_type_selected
            'enums::extension_type::server_certificate_type': ext_certificate_type::certificate_type_selected
            'enums::extension_type::record_size_limit': ext_record_size_limit::record_size_limit_extension
            'enums::extension_type::early_data': empty
