meta:
  id: ack
  title: ACK
  endian: be
doc: |
  Acknowledges handshake records by record number (content type ack).
doc-ref: RFC 9147 §7
seq:
  - id: len_record_numbers
    type: u2
  - id: record_numbers
    size: len_record_numbers
    type: record_number_list
types:
  record_number_list:
    doc: RecordNumber record_numbers<0..2^16-1>
    seq:
      - id: entries
        type: record_number
        repeat: eos
  record_number:
    doc: A full (epoch, sequence number) pair.
    doc-ref: RFC 9147 §4
    seq:
      - id: epoch_hi
        type: u4
      - id: epoch_lo
        type: u4
      - id: sequence_number_hi
        type: u4
      - id: sequence_number_lo
        type: u4
    instances:
      epoch:
        value: epoch_hi * 4294967296 + epoch_lo
        doc: uint64 epoch.
        -dtls13:
          combine: [epoch_hi, epoch_lo]
      sequence_number:
        value: sequence_number_hi * 4294967296 + sequence_number_lo
        doc: uint64 sequence number.
        -dtls13:
          combine: [sequence_number_hi, sequence_number_lo]
