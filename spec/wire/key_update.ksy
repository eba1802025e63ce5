meta:
  id: key_update
  title: KeyUpdate
  endian: be
  imports: [enums]
doc: |
  Tells the peer the sender now sends with its next traffic keys, and
  optionally asks it to update its own.
doc-ref: RFC 8446 §4.6.3, RFC 9147 §8
seq:
  - id: request_update
    type: u1
    enum: enums::key_update_request
    doc: update_requested asks the receiver to answer with its own KeyUpdate.
