meta:
  id: hello_verify_request
  title: HelloVerifyRequest
  endian: be
  imports: [enums]
doc: |
  The DTLS 1.2 server's stateless cookie exchange: the client repeats its
  ClientHello with this cookie before the server keeps any state.
doc-ref: RFC 6347 §4.2.1
seq:
  - id: server_version
    type: u2
    enum: enums::protocol_version
    doc: 0xfefd or 0xfeff whatever version is to be negotiated (RFC 6347 §4.2.1); not the negotiated version.
  - id: len_cookie
    type: u1
  - id: cookie
    size: len_cookie
    doc: opaque cookie<0..2^8-1>, echoed in the second ClientHello's cookie field.
