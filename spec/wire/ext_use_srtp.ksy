meta:
  id: ext_use_srtp
  title: use_srtp extension body
  endian: be
  imports: [enums]
doc: |
  Body of the use_srtp extension (DTLS-SRTP), the same layout in ClientHello
  and, over DTLS 1.3, EncryptedExtensions: the client lists the SRTP
  protection profiles it supports, most preferred first; the server answers
  with exactly one. srtp_mki is the SRTP Master Key Identifier the sender
  would use (empty for none).
doc-ref: RFC 5764 §4.1.1
seq: []
types:
  use_srtp_data:
    doc: UseSRTPData.
    doc-ref: RFC 5764 §4.1.1
    seq:
      - id: len_protection_profiles
        type: u2
        valid:
          min: 2
          max: 65534
      - id: protection_profiles
        size: len_protection_profiles
        type: srtp_protection_profile_list
      - id: len_srtp_mki
        type: u1
      - id: srtp_mki
        size: len_srtp_mki
  srtp_protection_profile_list:
    doc: SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>, two bytes each.
    doc-ref: RFC 5764 §4.1.1
    seq:
      - id: entries
        type: u2
        enum: enums::srtp_protection_profile
        repeat: eos
