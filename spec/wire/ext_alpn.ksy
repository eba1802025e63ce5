meta:
  id: ext_alpn
  title: application_layer_protocol_negotiation extension body
  endian: be
doc: |
  Body of the ALPN extension. In ClientHello it lists the protocols the
  client offers, most preferred first; in EncryptedExtensions it has the
  same layout and holds exactly one name, the server's choice.
doc-ref: RFC 7301 §3.1
seq: []
types:
  protocol_name_list:
    doc: A list of application protocol names.
    doc-ref: RFC 7301 §3.1
    seq:
      - id: len_protocol_name_list
        type: u2
        valid:
          min: 2
      - id: protocol_name_list
        size: len_protocol_name_list
        type: protocol_name_entry_list
  protocol_name_entry_list:
    doc: ProtocolName protocol_name_list<2..2^16-1>
    doc-ref: RFC 7301 §3.1
    seq:
      - id: entries
        type: protocol_name
        repeat: eos
  protocol_name:
    doc: One protocol name (opaque ProtocolName<1..2^8-1>), e.g. "h2" or "coap".
    doc-ref: RFC 7301 §3.1
    seq:
      - id: len_name
        type: u1
        valid:
          min: 1
      - id: name
        size: len_name
        doc: The protocol identifier as registered with IANA, without terminator.
