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
 * A socket's Don't Fragment mode as its sends know it, kept by the caller per socket and handed to every
 * udp_send_batch (in and out). A GSO send needs DF on every segment (udp.c, GSO_MIN_SEGMENTS); every other datagram
 * must leave as under the default IP_PMTUDISC_WANT (fragmented when longer than the path MTU).
 */
enum udp_df {
  /* A socket the caller did not make (the application's): switched to DO around each GSO send and back, read each time. */
  UDP_DF_SWITCH = -1,
  /* The caller's own socket, its mode not read yet. */
  UDP_DF_UNREAD = 0,
  /* The caller's own socket, in IP_PMTUDISC_WANT: a GSO send switches it to DO and leaves it there (UDP_DF_KEPT). */
  UDP_DF_WANT = 1,
  /* The caller's own socket, left in IP_PMTUDISC_DO by a GSO send: sendmmsg puts WANT back first, as must any other send. */
  UDP_DF_KEPT = 2,
  /* The caller's own socket in a mode someone else chose, or not IPv4: never switched. */
  UDP_DF_OTHER = 3,
  /* The caller's own socket in WANT, other sends of it under way (node:dgram's, sent later): DO only around each GSO send. */
  UDP_DF_HELD = 4,
};

/* Puts IP_PMTUDISC_WANT back on a socket a GSO send left in DO (UDP_DF_KEPT): 0, or -errno. */
int udp_df_want(int fd);

/*
 * Sends `count` datagrams to ipv4:port (host byte order) on `fd`, up to
 * UDP_MAX_BATCH per system call; port 0: to the peer a connected socket has. Returns how many were sent (fewer when the
 * socket would block), or -errno when the first call failed: -EMSGSIZE when the first datagram was refused as too large
 * (a connected socket's pending ICMP fragmentation-needed is reported to the send that comes first). `*stopped` gets
 * the error that stopped the batch at the datagram after the ones sent (EMSGSIZE, ...), or 0 (all sent, or the socket
 * would block). `*df` is the socket's mode (enum udp_df), updated as the sends leave it.
 */
int udp_send_batch(int fd, const struct udp_datagram *datagrams, int count, uint32_t ipv4, uint16_t port, int *stopped,
                   int *df);

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
