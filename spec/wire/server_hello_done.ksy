meta:
  id: server_hello_done
  title: ServerHelloDone
  endian: be
doc: |
  An empty message that ends the server's first flight in (D)TLS 1.2.
  Any byte in it is a decode error.
doc-ref: RFC 5246 §7.4.5
seq: []
