meta:
  id: new_connection_id
  title: NewConnectionId
  endian: be
  imports: [enums]
doc: |
  Gives the peer new connection IDs to use when sending to this endpoint.
doc-ref: RFC 9147 §9
seq:
  - id: len_cids
    type: u2
  - id: cids
    size: len_cids
    type: connection_id_list
  - id: usage
    type: u1
    enum: enums::connection_id_usage
    doc: cid_immediate when one of the new CIDs must be used at once, cid_spare when they are spares.
types:
  connection_id_list:
    doc: ConnectionId cids<0..2^16-1>
    doc-ref: RFC 9147 §9
    seq:
      - id: entries
        type: connection_id
        repeat: eos
  connection_id:
    doc: One connection ID (opaque ConnectionId<0..2^8-1>).
    doc-ref: RFC 9147 §9
    seq:
      - id: len_cid
        type: u1
      - id: cid
        size: len_cid
