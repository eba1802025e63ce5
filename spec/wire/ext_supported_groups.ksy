meta:
  id: ext_supported_groups
  title: supported_groups extension body
  endian: be
  imports: [enums]
doc: |
  Body of the supported_groups extension: the key exchange groups the sender
  supports, most preferred first. The same in ClientHello and
  EncryptedExtensions.
doc-ref: RFC 8446 §4.2.7
seq: []
types:
  named_group_list:
    doc: The sender's supported groups, in order of preference.
    doc-ref: RFC 8446 §4.2.7
    seq:
      - id: len_named_group_list
        type: u2
        valid:
          min: 2
      - id: named_group_list
        size: len_named_group_list
        type: named_group_entry_list
  named_group_entry_list:
    doc: NamedGroup named_group_list<2..2^16-1>
    doc-ref: RFC 8446 §4.2.7
    seq:
      - id: entries
        type: u2
        enum: enums::named_group
        repeat: eos
