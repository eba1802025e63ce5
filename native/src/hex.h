/* Hex text to bytes, for the published test vectors the addon checks OpenSSL's internal functions against at load. */
#ifndef DTLS13_HEX_H
#define DTLS13_HEX_H

#include <stddef.h>
#include <stdint.h>

/* `length` bytes from 2 × `length` lowercase hex digits; -1 on any other character. */
static inline int hex_decode(const char *text, uint8_t *out, size_t length) {
  for (size_t i = 0; i < length; i++) {
    unsigned v = 0;
    for (int j = 0; j < 2; j++) {
      char ch = text[2 * i + (size_t)j];
      unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0') : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10) : 16;
      if (d > 15) return -1;
      v = v * 16 + d;
    }
    out[i] = (uint8_t)v;
  }
  return 0;
}

#endif
