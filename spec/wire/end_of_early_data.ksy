meta:
  id: end_of_early_data
  title: EndOfEarlyData
  endian: be
doc: |
  An empty message that ends 0-RTT data in TLS 1.3. DTLS 1.3 omits
  EndOfEarlyData from the wire and from the transcript (RFC 9147 §5.6), and
  dtls13's client sends none. NSS's client still sends it after accepted
  0-RTT, under the early keys, and hashes it into its transcript; a dtls13
  server takes it there, as NSS's own server does.
doc-ref: RFC 8446 §4.5, RFC 9147 §5.6
seq: []
