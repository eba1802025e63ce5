meta:
  id: client_key_exchange
  title: ClientKeyExchange
  endian: be
doc: |
  The client's key exchange value in (D)TLS 1.2; like ServerKeyExchange,
  one structure per key exchange.
doc-ref: RFC 5246 §7.4.7, RFC 8422 §5.7, RFC 4279 §2, RFC 5489 §2
seq: []
types:
  client_key_exchange_ecdhe:
    doc: ClientECDiffieHellmanPublic in its explicit form (ECDHE_ECDSA, ECDHE_RSA).
    doc-ref: RFC 8422 §5.7
    seq:
      - id: len_ecdh_yc
        type: u1
        valid:
          min: 1
      - id: ecdh_yc
        size: len_ecdh_yc
        doc: ECPoint ecdh_Yc<1..2^8-1>, on the server's curve.
  client_key_exchange_psk:
    doc: The PSK identity (PSK key exchange).
    doc-ref: RFC 4279 §2
    seq:
      - id: len_psk_identity
        type: u2
      - id: psk_identity
        size: len_psk_identity
  client_key_exchange_ecdhe_psk:
    doc: The PSK identity and the client's ECDH public value (ECDHE_PSK).
    doc-ref: RFC 5489 §2
    seq:
      - id: len_psk_identity
        type: u2
      - id: psk_identity
        size: len_psk_identity
      - id: len_ecdh_yc
        type: u1
        valid:
          min: 1
      - id: ecdh_yc
        size: len_ecdh_yc
