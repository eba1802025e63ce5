meta:
  id: ext_psk_key_exchange_modes
  title: psk_key_exchange_modes extension body
  endian: be
  imports: [enums]
doc: |
  Body of the psk_key_exchange_modes extension (ClientHello only): the key
  exchange modes the client supports with PSKs.
doc-ref: RFC 8446 §4.2.9
seq: []
types:
  psk_key_exchange_modes:
    doc: The client's PSK key exchange modes.
    doc-ref: RFC 8446 §4.2.9
    seq:
      - id: len_ke_modes
        type: u1
        valid:
          min: 1
      - id: ke_modes
        size: len_ke_modes
        type: psk_key_exchange_mode_list
  psk_key_exchange_mode_list:
    doc: PskKeyExchangeMode ke_modes<1..255>
    doc-ref: RFC 8446 §4.2.9
    seq:
      - id: entries
        type: u1
        enum: enums::psk_key_exchange_mode
        repeat: eos
