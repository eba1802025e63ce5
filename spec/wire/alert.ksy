meta:
  id: alert
  title: Alert
  endian: be
  imports: [enums]
doc: An alert record's payload.
doc-ref: RFC 8446 §6
seq:
  - id: level
    type: u1
    enum: enums::alert_level
  - id: description
    type: u1
    enum: enums::alert_description
