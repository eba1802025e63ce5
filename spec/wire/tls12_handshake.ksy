meta:
  id: tls12_handshake
  title: Handshake message (TLS 1.2 framing)
  endian: be
  imports:
    - enums
    - empty
    - client_hello
    - tls12_server_hello
    - hello_verify_request
    - tls12_certificate
    - tls12_certificate_request
    - server_hello_done
    - certificate_verify
    - tls12_finished
    - tls12_new_session_ticket
doc: |
  A whole, reassembled (D)TLS 1.2 handshake message with the 4-byte
  header: the 1.2 counterpart of `handshake`. ServerKeyExchange and
  ClientKeyExchange stay opaque here: their form depends on the negotiated
  key exchange, and the handshake decodes them with the structure for it
  (server_key_exchange, client_key_exchange). ClientHello and
  CertificateVerify have the same layout in 1.2 and 1.3.
doc-ref: RFC 5246 §7.4, RFC 6347 §4.2.2
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
        'enums::handshake_type::hello_request': empty
        'enums::handshake_type::client_hello': client_hello
        'enums::handshake_type::server_hello': tls12_server_hello
        'enums::handshake_type::hello_verify_request': hello_verify_request
        'enums::handshake_type::new_session_ticket': tls12_new_session_ticket
        'enums::handshake_type::certificate': tls12_certificate
        'enums::handshake_type::certificate_request': tls12_certificate_request
        'enums::handshake_type::server_hello_done': server_hello_done
        'enums::handshake_type::certificate_verify': certificate_verify
        'enums::handshake_type::finished': tls12_finished
