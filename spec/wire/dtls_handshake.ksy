meta:
  id: dtls_handshake
  title: DTLS handshake fragment
  endian: be
  imports: [enums]
doc: |
  A handshake message, or a fragment of one, with DTLS's 12-byte header. A
  whole message has fragment_offset 0 and a fragment as long as `length`;
  its body is decoded with the `handshake_body` of its msg_type once
  reassembled.
doc-ref: RFC 9147 §5.2
seq:
  - id: msg_type
    type: u1
    enum: enums::handshake_type
  - id: length
    type: b24
    doc: Length of the whole message body, not of this fragment.
  - id: message_seq
    type: u2
  - id: fragment_offset
    type: b24
  - id: len_fragment
    type: b24
    valid:
      max: length - fragment_offset
    doc: The RFC's `fragment_length`. A fragment lies within its message, so fragment_offset + fragment_length <= length.
  - id: fragment
    size: len_fragment
