meta:
  id: server_hello
  title: ServerHello and HelloRetryRequest
  endian: be
  imports:
    - enums
    - ext_pre_shared_key
    - ext_supported_versions
    - ext_key_share
    - ext_connection_id
    - ext_cookie
    - empty
doc: |
  The server's answer to ClientHello. A HelloRetryRequest has the same
  layout and msg_type, told apart by its special `random`; its extensions
  take their HelloRetryRequest forms. DTLS 1.3 sets legacy_version to
  0xfefd (RFC 9147 §5.4).
doc-ref: RFC 8446 §4.1.3, RFC 8446 §4.1.4, RFC 9147 §5.4
seq:
  - id: legacy_version
    type: u2
    enum: enums::protocol_version
    doc: 0xfefd (DTLS 1.2); the real version is in supported_versions.
  - id: random
    size: 32
    doc: 32 random bytes, or the HelloRetryRequest value (see is_hello_retry_request).
  - id: len_legacy_session_id_echo
    type: u1
    valid:
      max: 32
  - id: legacy_session_id_echo
    size: len_legacy_session_id_echo
    doc: The client's legacy_session_id; empty in DTLS 1.3.
  - id: cipher_suite
    type: u2
    enum: enums::cipher_suite
  - id: legacy_compression_method
    type: u1
    doc: Always 0 in (D)TLS 1.3.
  - id: len_extensions
    type: u2
    valid:
      min: 6
  - id: extensions
    size: len_extensions
    type:
      switch-on: is_hello_retry_request
      cases:
        true: hello_retry_request_extension_list
        false: server_hello_extension_list
instances:
  is_hello_retry_request:
    value: 'random == [0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c]'
    doc: |
      True when `random` is SHA-256("HelloRetryRequest"), the value that
      marks this message as a HelloRetryRequest (RFC 8446 §4.1.3).
types:
  server_hello_extension_list:
    doc: Extension extensions<6..2^16-1> of a ServerHello.
    doc-ref: RFC 8446 §4.1.3
    seq:
      - id: entries
        type: server_hello_extension
        repeat: eos
  server_hello_extension:
    doc: An extension as it may appear in ServerHello, with the ServerHello form of its body.
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
            'enums::extension_type::pre_shared_key': ext_pre_shared_key::pre_shared_key_server_hello
            'enums::extension_type::supported_versions': ext_supported_versions::supported_versions_server_hello
            'enums::extension_type::key_share': ext_key_share::key_share_server_hello
            'enums::extension_type::connection_id': ext_connection_id::connection_id_extension
            'enums::extension_type::rrc': empty
  hello_retry_request_extension_list:
    doc: Extension extensions<6..2^16-1> of a HelloRetryRequest.
    doc-ref: RFC 8446 §4.1.4
    seq:
      - id: entries
        type: hello_retry_request_extension
        repeat: eos
  hello_retry_request_extension:
    doc: An extension as it may appear in HelloRetryRequest, with the HelloRetryRequest form of its body.
    doc-ref: RFC 8446 §4.1.4, RFC 8446 §4.2
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
            'enums::extension_type::key_share': ext_key_share::key_share_hello_retry_request
            'enums::extension_type::cookie': ext_cookie::cookie_extension
            'enums::extension_type::supported_versions': ext_supported_versions::supported_versions_server_hello
