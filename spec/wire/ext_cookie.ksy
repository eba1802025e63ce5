meta:
  id: ext_cookie
  title: cookie extension body
  endian: be
doc: |
  Body of the cookie extension: sent by the server in HelloRetryRequest and
  echoed unchanged by the client in its second ClientHello. DTLS uses it
  for return-routability checks (RFC 9147 §5.1).
doc-ref: RFC 8446 §4.2.2
seq: []
types:
  cookie_extension:
    doc: The cookie, the same in HelloRetryRequest and ClientHello.
    doc-ref: RFC 8446 §4.2.2
    seq:
      - id: len_cookie
        type: u2
        valid:
          min: 1
      - id: cookie
        size: len_cookie
        doc: Opaque to the client.
