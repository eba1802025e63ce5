#ifndef DTLS13_NATIVE_UDP_H
#define DTLS13_NATIVE_UDP_H

#include <stddef.h>
#include <stdint.h>

#define UDP_MAX_BATCH 64

struct udp_datagram {
  const uint8_t *data;
  size_t length;
};

/*
 * Sends `count` datagrams to ipv4:port (host byte order) on `fd`, up to
 * UDP_MAX_BATCH per system call. Returns how many were sent (fewer when the
 * socket would block), or -errno when the first call failed.
 */
int udp_send_batch(int fd, const struct udp_datagram *datagrams, int count, uint32_t ipv4, uint16_t port);

#endif
