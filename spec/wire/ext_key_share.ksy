meta:
  id: ext_key_share
  title: key_share extension body
  endian: be
  imports: [enums]
doc: |
  Bodies of the key_share extension: the client's offered shares in
  ClientHello, the group the server wants in HelloRetryRequest, and the
  server's share in ServerHello.
doc-ref: RFC 8446 §4.2.8
seq: []
types:
  key_share_entry:
    doc: One (EC)DHE public value for one group.
    doc-ref: RFC 8446 §4.2.8
    seq:
      - id: group
        type: u2
        enum: enums::named_group
      - id: len_key_exchange
        type: u2
        valid:
          min: 1
      - id: key_exchange
        size: len_key_exchange
        doc: The public value, in the group's encoding (RFC 8446 §4.2.8.1, §4.2.8.2).
  key_share_client_hello:
    doc: The ClientHello form; may be empty to ask the server to pick a group.
    doc-ref: RFC 8446 §4.2.8
    seq:
      - id: len_client_shares
        type: u2
      - id: client_shares
        size: len_client_shares
        type: key_share_entry_list
  key_share_entry_list:
    doc: KeyShareEntry client_shares<0..2^16-1>
    doc-ref: RFC 8446 §4.2.8
    seq:
      - id: entries
        type: key_share_entry
        repeat: eos
  key_share_hello_retry_request:
    doc: The HelloRetryRequest form.
    doc-ref: RFC 8446 §4.2.8
    seq:
      - id: selected_group
        type: u2
        enum: enums::named_group
        doc: The group the client must send a share for in its second ClientHello.
  key_share_server_hello:
    doc: The ServerHello form.
    doc-ref: RFC 8446 §4.2.8
    seq:
      - id: server_share
        type: key_share_entry
        doc: The server's share, in a group the client offered.
