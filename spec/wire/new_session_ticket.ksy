meta:
  id: new_session_ticket
  title: NewSessionTicket
  endian: be
  imports:
    - enums
    - ext_early_data
doc: |
  Sent by the server after the handshake: a ticket the client can later
  offer as a PSK identity for resumption.
doc-ref: RFC 8446 §4.6.1
seq:
  - id: ticket_lifetime
    type: u4
    doc: Seconds the ticket may be used for, at most 604800 (7 days).
  - id: ticket_age_add
    type: u4
    doc: Added modulo 2^32 to the ticket age to form obfuscated_ticket_age.
  - id: len_ticket_nonce
    type: u1
  - id: ticket_nonce
    size: len_ticket_nonce
    doc: Unique per ticket on this connection; input to the PSK derivation.
  - id: len_ticket
    type: u2
    valid:
      min: 1
  - id: ticket
    size: len_ticket
    doc: Opaque to the client; sent back as a PskIdentity identity.
  - id: len_extensions
    type: u2
    valid:
      max: 65534
  - id: extensions
    size: len_extensions
    type: new_session_ticket_extension_list
types:
  new_session_ticket_extension_list:
    doc: Extension extensions<0..2^16-2>
    doc-ref: RFC 8446 §4.6.1
    seq:
      - id: entries
        type: new_session_ticket_extension
        repeat: eos
  new_session_ticket_extension:
    doc: An extension as it may appear in NewSessionTicket, with the NewSessionTicket form of its body.
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
            'enums::extension_type::early_data': ext_early_data::early_data_new_session_ticket
