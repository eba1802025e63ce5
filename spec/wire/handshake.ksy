meta:
  id: handshake
  title: Handshake message (TLS framing)
  endian: be
  imports:
    - enums
    - client_hello
    - server_hello
    - new_session_ticket
    - end_of_early_data
    - encrypted_extensions
    - request_connection_id
    - new_connection_id
    - certificate
    - certificate_request
    - certificate_verify
    - finished
    - key_update
doc: |
  A whole handshake message with the TLS-style 4-byte header (msg_type and
  uint24 length). DTLS 1.3 hashes handshake messages into the transcript in
  this form, without message_seq and fragment fields (RFC 9147 §5.2); it is
  also how a reassembled DTLS handshake message is decoded.
doc-ref: RFC 8446 §4, RFC 9147 §5.2
seq:
  - id: msg_type
    type: u1
    enum: enums::handshake_type
  - id: len_body
    type: b24
    doc: The RFC's `length`.
  - id: body
    size: len_body
    type:
      switch-on: msg_type
      cases:
        'enums::handshake_type::client_hello': client_hello
        'enums::handshake_type::server_hello': server_hello
        'enums::handshake_type::new_session_ticket': new_session_ticket
        'enums::handshake_type::end_of_early_data': end_of_early_data
        'enums::handshake_type::encrypted_extensions': encrypted_extensions
        'enums::handshake_type::request_connection_id': request_connection_id
        'enums::handshake_type::new_connection_id': new_connection_id
        'enums::handshake_type::certificate': certificate
        'enums::handshake_type::certificate_request': certificate_request
        'enums::handshake_type::certificate_verify': certificate_verify
        'enums::handshake_type::finished': finished
        'enums::handshake_type::key_update': key_update
