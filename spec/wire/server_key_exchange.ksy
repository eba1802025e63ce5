meta:
  id: server_key_exchange
  title: ServerKeyExchange
  endian: be
  imports:
    - server_ecdh_params
    - digitally_signed
doc: |
  The server's key exchange parameters in (D)TLS 1.2. Its form depends on
  the key exchange of the negotiated cipher suite, which the message does
  not name, so each form is its own structure and the handshake decodes the
  body with the one the ServerHello chose.
doc-ref: RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 4279 §2, RFC 5489 §2
seq: []
types:
  server_key_exchange_ecdhe:
    doc: ECDHE_ECDSA and ECDHE_RSA, signed with the server's certificate key over client_random + server_random + params.
    doc-ref: RFC 8422 §5.4
    seq:
      - id: params
        type: server_ecdh_params
      - id: signed_params
        type: digitally_signed
  server_key_exchange_ecdhe_psk:
    doc: ECDHE_PSK (no signature; the PSK authenticates).
    doc-ref: RFC 5489 §2
    seq:
      - id: len_psk_identity_hint
        type: u2
      - id: psk_identity_hint
        size: len_psk_identity_hint
      - id: params
        type: server_ecdh_params
  server_key_exchange_psk:
    doc: Plain PSK, sent only when the server has an identity hint.
    doc-ref: RFC 4279 §2
    seq:
      - id: len_psk_identity_hint
        type: u2
      - id: psk_identity_hint
        size: len_psk_identity_hint
