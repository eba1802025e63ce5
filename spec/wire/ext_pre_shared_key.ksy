meta:
  id: ext_pre_shared_key
  title: pre_shared_key extension body
  endian: be
doc: |
  Bodies of the pre_shared_key extension: the offered identities and their
  binders in ClientHello (where it must be the last extension), the index
  of the chosen identity in ServerHello.
doc-ref: RFC 8446 §4.2.11
seq: []
types:
  offered_psks:
    doc: The ClientHello form (OfferedPsks).
    doc-ref: RFC 8446 §4.2.11
    seq:
      - id: len_identities
        type: u2
        valid:
          min: 7
      - id: identities
        size: len_identities
        type: psk_identity_list
      - id: len_binders
        type: u2
        valid:
          min: 33
      - id: binders
        size: len_binders
        type: psk_binder_entry_list
        doc: One HMAC per identity, in the same order, computed over the ClientHello truncated before len_binders (RFC 8446 §4.2.11.2).
  psk_identity_list:
    doc: PskIdentity identities<7..2^16-1>
    doc-ref: RFC 8446 §4.2.11
    seq:
      - id: entries
        type: psk_identity
        repeat: eos
  psk_identity:
    doc: One offered PSK.
    doc-ref: RFC 8446 §4.2.11
    seq:
      - id: len_identity
        type: u2
        valid:
          min: 1
      - id: identity
        size: len_identity
        doc: A label for the key, e.g. a NewSessionTicket ticket or an external PSK identity.
      - id: obfuscated_ticket_age
        type: u4
        doc: The ticket age in milliseconds plus ticket_age_add, modulo 2^32; 0 for external PSKs.
  psk_binder_entry_list:
    doc: PskBinderEntry binders<33..2^16-1>
    doc-ref: RFC 8446 §4.2.11
    seq:
      - id: entries
        type: psk_binder_entry
        repeat: eos
  psk_binder_entry:
    doc: One PSK binder (opaque PskBinderEntry<32..255>).
    doc-ref: RFC 8446 §4.2.11
    seq:
      - id: len_binder
        type: u1
        valid:
          min: 32
      - id: binder
        size: len_binder
  pre_shared_key_server_hello:
    doc: The ServerHello form.
    doc-ref: RFC 8446 §4.2.11
    seq:
      - id: selected_identity
        type: u2
        doc: Zero-based index of the chosen identity in the client's list.
