meta:
  id: request_connection_id
  title: RequestConnectionId
  endian: be
doc: |
  Asks the peer for more connection IDs, to be answered with a
  NewConnectionId with usage cid_spare.
doc-ref: RFC 9147 §9
seq:
  - id: num_cids
    type: u1
    doc: The number of CIDs desired.
