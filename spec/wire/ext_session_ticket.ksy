meta:
  id: ext_session_ticket
  title: SessionTicket extension body
  endian: be
doc: |
  Body of the SessionTicket extension in a (D)TLS 1.2 ClientHello: a ticket
  the client wants to resume with, or nothing to ask for one. In ServerHello
  the body is empty.
doc-ref: RFC 5077 §3.2
seq: []
types:
  session_ticket_extension:
    doc: The ticket (runs to the end of the extension).
    doc-ref: RFC 5077 §3.2
    seq:
      - id: ticket
        size-eos: true
