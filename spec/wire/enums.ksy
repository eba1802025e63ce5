meta:
  id: enums
  title: DTLS 1.3 and TLS 1.3 IANA registries
  endian: be
doc: |
  Every IANA registry that DTLS 1.3 messages carry, with the registry's own
  member names (lowercased). Other schemas refer to them as
  `enums::<registry>`. Values outside these lists are legal on the wire and
  survive a round trip as numbers.
doc-ref: RFC 8446 §11, RFC 9147 §14
enums:
  content_type:
    # RFC 8446 §5.1, RFC 9147 §4 and §14
    20: change_cipher_spec
    21: alert
    22: handshake
    23: application_data
    24: heartbeat
    25: tls12_cid
    26: ack
    27: return_routability_check
  protocol_version:
    # RFC 9147 §5.3 (DTLS versions are one's complement of 1.x)
    0x0301: tls1_0
    0x0302: tls1_1
    0x0303: tls1_2
    0x0304: tls1_3
    0xfeff: dtls1_0
    0xfefd: dtls1_2
    0xfefc: dtls1_3
  alert_level:
    # RFC 8446 §6
    1: warning
    2: fatal
  alert_description:
    # RFC 8446 §6, RFC 8446 §B.2
    0: close_notify
    10: unexpected_message
    20: bad_record_mac
    21: decryption_failed_reserved
    22: record_overflow
    30: decompression_failure_reserved
    40: handshake_failure
    41: no_certificate_reserved
    42: bad_certificate
    43: unsupported_certificate
    44: certificate_revoked
    45: certificate_expired
    46: certificate_unknown
    47: illegal_parameter
    48: unknown_ca
    49: access_denied
    50: decode_error
    51: decrypt_error
    52: too_many_cids_requested
    60: export_restriction_reserved
    70: protocol_version
    71: insufficient_security
    80: internal_error
    86: inappropriate_fallback
    90: user_canceled
    100: no_renegotiation_reserved
    109: missing_extension
    110: unsupported_extension
    111: certificate_unobtainable_reserved
    112: unrecognized_name
    113: bad_certificate_status_response
    114: bad_certificate_hash_value_reserved
    115: unknown_psk_identity
    116: certificate_required
    120: no_application_protocol
  handshake_type:
    # RFC 8446 §4, RFC 9147 §5.2 and §14
    # (D)TLS 1.2 messages keep their names (RFC 5246 §7.4, RFC 6347 §4.3.2); TLS 1.3 reserves them.
    0: hello_request
    1: client_hello
    2: server_hello
    3: hello_verify_request
    4: new_session_ticket
    5: end_of_early_data
    6: hello_retry_request_reserved
    8: encrypted_extensions
    9: request_connection_id
    10: new_connection_id
    11: certificate
    12: server_key_exchange
    13: certificate_request
    14: server_hello_done
    15: certificate_verify
    16: client_key_exchange
    20: finished
    21: certificate_url_reserved
    22: certificate_status_reserved
    23: supplemental_data_reserved
    24: key_update
    254: message_hash
  extension_type:
    # RFC 8446 §4.2, RFC 6066, RFC 7301, RFC 7250, RFC 8449, RFC 9146, RFC 9853 (rrc)
    0: server_name
    1: max_fragment_length
    5: status_request
    10: supported_groups
    11: ec_point_formats
    13: signature_algorithms
    14: use_srtp
    15: heartbeat
    16: application_layer_protocol_negotiation
    18: signed_certificate_timestamp
    19: client_certificate_type
    20: server_certificate_type
    21: padding
    22: encrypt_then_mac
    23: extended_master_secret
    28: record_size_limit
    35: session_ticket
    41: pre_shared_key
    42: early_data
    43: supported_versions
    44: cookie
    45: psk_key_exchange_modes
    47: certificate_authorities
    48: oid_filters
    49: post_handshake_auth
    50: signature_algorithms_cert
    51: key_share
    54: connection_id
    61: rrc
    0xff01: renegotiation_info
  cipher_suite:
    # RFC 8446 §B.4
    0x1301: tls_aes_128_gcm_sha256
    0x1302: tls_aes_256_gcm_sha384
    0x1303: tls_chacha20_poly1305_sha256
    0x1304: tls_aes_128_ccm_sha256
    0x1305: tls_aes_128_ccm_8_sha256
    # (D)TLS 1.2 suites dtls13 knows (RFC 5289, 7905, 7251, 6655, 5487, 8442), and the signalling values
    # RFC 5746 §3.3 (renegotiation_info SCSV) and RFC 7507 §2 (fallback SCSV)
    0x00a8: tls_psk_with_aes_128_gcm_sha256
    0x00a9: tls_psk_with_aes_256_gcm_sha384
    0x00ff: tls_empty_renegotiation_info_scsv
    0x5600: tls_fallback_scsv
    0xc02b: tls_ecdhe_ecdsa_with_aes_128_gcm_sha256
    0xc02c: tls_ecdhe_ecdsa_with_aes_256_gcm_sha384
    0xc02f: tls_ecdhe_rsa_with_aes_128_gcm_sha256
    0xc030: tls_ecdhe_rsa_with_aes_256_gcm_sha384
    0xc0a4: tls_psk_with_aes_128_ccm
    0xc0a5: tls_psk_with_aes_256_ccm
    0xc0a8: tls_psk_with_aes_128_ccm_8
    0xc0a9: tls_psk_with_aes_256_ccm_8
    0xc0ac: tls_ecdhe_ecdsa_with_aes_128_ccm
    0xc0ad: tls_ecdhe_ecdsa_with_aes_256_ccm
    0xc0ae: tls_ecdhe_ecdsa_with_aes_128_ccm_8
    0xc0af: tls_ecdhe_ecdsa_with_aes_256_ccm_8
    0xcca8: tls_ecdhe_rsa_with_chacha20_poly1305_sha256
    0xcca9: tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256
    0xccab: tls_psk_with_chacha20_poly1305_sha256
    0xccac: tls_ecdhe_psk_with_chacha20_poly1305_sha256
    0xd001: tls_ecdhe_psk_with_aes_128_gcm_sha256
    0xd002: tls_ecdhe_psk_with_aes_256_gcm_sha384
    0xd003: tls_ecdhe_psk_with_aes_128_ccm_8_sha256
    0xd005: tls_ecdhe_psk_with_aes_128_ccm_sha256
  named_group:
    # RFC 8446 §4.2.7
    0x0017: secp256r1
    0x0018: secp384r1
    0x0019: secp521r1
    0x001d: x25519
    0x001e: x448
    0x0100: ffdhe2048
    0x0101: ffdhe3072
    0x0102: ffdhe4096
    0x0103: ffdhe6144
    0x0104: ffdhe8192
    # draft-ietf-tls-ecdhe-mlkem §5: ML-KEM-768 with X25519 (IANA name X25519MLKEM768)
    0x11ec: x25519mlkem768
  signature_scheme:
    # RFC 8446 §4.2.3
    0x0401: rsa_pkcs1_sha256
    0x0501: rsa_pkcs1_sha384
    0x0601: rsa_pkcs1_sha512
    0x0403: ecdsa_secp256r1_sha256
    0x0503: ecdsa_secp384r1_sha384
    0x0603: ecdsa_secp521r1_sha512
    0x0804: rsa_pss_rsae_sha256
    0x0805: rsa_pss_rsae_sha384
    0x0806: rsa_pss_rsae_sha512
    0x0807: ed25519
    0x0808: ed448
    0x0809: rsa_pss_pss_sha256
    0x080a: rsa_pss_pss_sha384
    0x080b: rsa_pss_pss_sha512
    0x0201: rsa_pkcs1_sha1
    0x0203: ecdsa_sha1
  psk_key_exchange_mode:
    # RFC 8446 §4.2.9
    0: psk_ke
    1: psk_dhe_ke
  key_update_request:
    # RFC 8446 §4.6.3
    0: update_not_requested
    1: update_requested
  name_type:
    # RFC 6066 §3
    0: host_name
  max_fragment_length:
    # RFC 6066 §4
    1: len_2_9
    2: len_2_10
    3: len_2_11
    4: len_2_12
  certificate_type:
    # RFC 7250 §3, IANA TLS Certificate Types
    0: x509
    2: raw_public_key
  rrc_msg_type:
    # RFC 9853 §4
    0: path_challenge
    1: path_response
    2: path_drop
  connection_id_usage:
    # RFC 9147 §5.11
    0: cid_immediate
    1: cid_spare
  srtp_protection_profile:
    # RFC 5764 §4.1.2, RFC 7714 §14.2 (IANA DTLS-SRTP Protection Profiles)
    0x0001: srtp_aes128_cm_hmac_sha1_80
    0x0002: srtp_aes128_cm_hmac_sha1_32
    0x0005: srtp_null_hmac_sha1_80
    0x0006: srtp_null_hmac_sha1_32
    0x0007: srtp_aead_aes_128_gcm
    0x0008: srtp_aead_aes_256_gcm
  ec_curve_type:
    # RFC 8422 §5.4 (explicit curves are deprecated; only named_curve has a wire form)
    3: named_curve
  ec_point_format:
    # RFC 8422 §5.1.2
    0: uncompressed
    1: ansix962_compressed_prime_deprecated
    2: ansix962_compressed_char2_deprecated
  client_certificate_type:
    # RFC 5246 §7.4.4, RFC 8422 §5.5 (TLS ClientCertificateType Identifiers)
    1: rsa_sign
    2: dss_sign
    3: rsa_fixed_dh
    4: dss_fixed_dh
    64: ecdsa_sign
    65: rsa_fixed_ecdh
    66: ecdsa_fixed_ecdh
