meta:
  id: ext_server_name
  title: server_name extension body
  endian: be
  imports: [enums]
doc: |
  Bodies of the server_name (SNI) extension. In ClientHello it carries a
  ServerNameList; in EncryptedExtensions the server answers with an empty
  body (`empty`).
doc-ref: RFC 6066 §3
seq: []
types:
  server_name_list:
    doc: |
      The ClientHello form: the names the client is connecting to. At most
      one name of each name_type.
    doc-ref: RFC 6066 §3
    seq:
      - id: len_server_name_list
        type: u2
        valid:
          min: 1
      - id: server_name_list
        size: len_server_name_list
        type: server_name_entry_list
  server_name_entry_list:
    doc: ServerName server_name_list<1..2^16-1>
    doc-ref: RFC 6066 §3
    seq:
      - id: entries
        type: server_name
        repeat: eos
  server_name:
    doc: One name, tagged with its type.
    doc-ref: RFC 6066 §3
    seq:
      - id: name_type
        type: u1
        enum: enums::name_type
      - id: len_host_name
        type: u2
        valid:
          min: 1
      - id: host_name
        size: len_host_name
        doc: |
          The name (for host_name, an ASCII DNS hostname without a trailing
          dot). RFC 6066 defines only host_name, so the HostName layout
          (opaque HostName<1..2^16-1>) is used for every name_type.
