meta:
  id: ext_connection_id
  title: connection_id extension body
  endian: be
doc: |
  Body of the connection_id extension, the same in ClientHello and
  ServerHello.
doc-ref: RFC 9146 §3
seq: []
types:
  connection_id_extension:
    doc: The CID the sender wants to receive in records sent to it (ConnectionId).
    doc-ref: RFC 9146 §3
    seq:
      - id: len_cid
        type: u1
      - id: cid
        size: len_cid
        doc: Empty when the sender will use a CID but does not want the peer to.
