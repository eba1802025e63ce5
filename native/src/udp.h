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
 * UDP_MAX_BATCH per system call; port 0: to the peer a connected socket has. Returns how many were sent (fewer when the
 * socket would block), or -errno when the first call failed: -EMSGSIZE when the first datagram was refused as too large
 * (a connected socket's pending ICMP fragmentation-needed is reported to the send that comes first). `*stopped` gets
 * the error that stopped the batch at the datagram after the ones sent (EMSGSIZE, ...), or 0 (all sent, or the socket
 * would block).
 */
int udp_send_batch(int fd, const struct udp_datagram *datagrams, int count, uint32_t ipv4, uint16_t port, int *stopped);

/*
 * Receives up to `count` datagrams waiting on `fd` without blocking, with one
 * recvmmsg(2) call: datagram i goes to slab + i * stride (`stride` at least
 * 65,536, so none is truncated), and meta[3i], meta[3i + 1], meta[3i + 2]
 * get its length, the sender's IPv4 address (host byte order) and port; a
 * datagram from a non-IPv4 sender gets address 0 and port 0. Returns how
 * many were received (0 when none was waiting), or -errno.
 */
int udp_recv_batch(int fd, uint8_t *slab, size_t stride, int count, uint32_t *meta);

#endif
