meta:
  id: tls12_new_session_ticket
  title: NewSessionTicket (TLS 1.2)
  endian: be
doc: |
  A session ticket for resumption in (D)TLS 1.2, sent by the server before
  its ChangeCipherSpec.
doc-ref: RFC 5077 §3.3
seq:
  - id: ticket_lifetime_hint
    type: u4
    doc: Seconds; 0 means unspecified.
  - id: len_ticket
    type: u2
  - id: ticket
    size: len_ticket
    doc: Opaque to the client. An empty ticket tells the client the server will not issue one after all.
