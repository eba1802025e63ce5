meta:
  id: end_of_early_data
  title: EndOfEarlyData
  endian: be
doc: |
  An empty message that ends 0-RTT data in TLS 1.3. DTLS 1.3 omits
  EndOfEarlyData from the wire and from the transcript (RFC 9147 §5.6); it
  is kept for completeness with TLS 1.3 framing.
doc-ref: RFC 8446 §4.5, RFC 9147 §5.6
seq: []
