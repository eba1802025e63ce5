meta:
  id: ext_padding
  title: padding extension body
  endian: be
doc: |
  Body of the padding extension, sent in ClientHello to bring it to a
  desired length.
doc-ref: RFC 7685 §3
seq: []
types:
  padding_extension:
    doc: Padding bytes filling the whole extension body.
    doc-ref: RFC 7685 §3
    seq:
      - id: padding
        size-eos: true
        doc: All bytes are zero (RFC 7685 §3); the length is whatever padding the sender wanted.
