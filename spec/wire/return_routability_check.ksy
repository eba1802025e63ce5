meta:
  id: return_routability_check
  title: return_routability_check message
  endian: be
  imports: [enums]
doc: |
  The Return Routability Check sub-protocol's one message, carried in
  records of content type return_routability_check and protected by the
  current epoch: a path_challenge sent to an address to validate, answered
  by a path_response (or, in the enhanced procedure, a path_drop) echoing
  its cookie from the address it came to. A receiver ignores a msg_type it
  does not know.
doc-ref: RFC 9853 §4
seq:
  - id: msg_type
    type: u1
    enum: enums::rrc_msg_type
  - id: cookie
    size: 8
    doc: 64 bits from the CSPRNG, echoed by the answer (uint64 Cookie).
