meta:
  id: server_ecdh_params
  title: ServerECDHParams
  endian: be
  imports: [enums]
doc: |
  The server's ephemeral ECDH public value with its curve, as sent in the
  ServerKeyExchange of the ECDHE and ECDHE_PSK key exchanges. Only named
  curves have a wire form (RFC 8422 deprecates explicit curves), so
  curve_type is always named_curve.
doc-ref: RFC 8422 §5.4
seq:
  - id: curve_type
    type: u1
    valid: 3
    doc: ECCurveType named_curve (3).
  - id: named_curve
    type: u2
    enum: enums::named_group
  - id: len_public_key
    type: u1
    valid:
      min: 1
  - id: public_key
    size: len_public_key
    doc: The RFC's `public` (a reserved word in TypeScript), ECPoint public<1..2^8-1>; an uncompressed point for the NIST curves, the u-coordinate for X25519/X448 (RFC 8422 §5.4.1).
