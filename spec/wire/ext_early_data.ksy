meta:
  id: ext_early_data
  title: early_data extension body
  endian: be
doc: |
  Bodies of the early_data extension. In ClientHello and
  EncryptedExtensions the body is empty (`empty`); in NewSessionTicket it
  carries the most early data the server will accept.
doc-ref: RFC 8446 §4.2.10
seq: []
types:
  early_data_new_session_ticket:
    doc: The NewSessionTicket form.
    doc-ref: RFC 8446 §4.2.10
    seq:
      - id: max_early_data_size
        type: u4
        doc: Maximum bytes of 0-RTT application data the client may send with this ticket.
