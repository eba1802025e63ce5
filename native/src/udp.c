/*
 * Batched datagram output: several datagrams to one IPv4 peer in one
 * sendmmsg(2) call, on a socket the caller already has (node:dgram's, by its
 * file descriptor). Linux only; elsewhere the function reports ENOSYS and the
 * caller sends through node:dgram as usual.
 */
#define _GNU_SOURCE
#include "udp.h"

#include <errno.h>
#include <string.h>

#ifdef __linux__
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int udp_send_batch(int fd, const struct udp_datagram *datagrams, int count, uint32_t ipv4, uint16_t port) {
  struct mmsghdr msgs[UDP_MAX_BATCH];
  struct iovec iov[UDP_MAX_BATCH];
  struct sockaddr_in to;
  int sent = 0;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(ipv4);
  while (sent < count) {
    int n = count - sent < UDP_MAX_BATCH ? count - sent : UDP_MAX_BATCH;
    memset(msgs, 0, sizeof msgs[0] * (size_t)n);
    for (int i = 0; i < n; i++) {
      iov[i].iov_base = (void *)datagrams[sent + i].data;
      iov[i].iov_len = datagrams[sent + i].length;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &to;
      msgs[i].msg_hdr.msg_namelen = sizeof to;
    }
    int r = sendmmsg(fd, msgs, (unsigned)n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return sent > 0 ? sent : -errno;
    }
    sent += r;
    if (r < n) break; /* the socket buffer is full: the caller sends the rest its own way */
  }
  return sent;
}
#else
int udp_send_batch(int fd, const struct udp_datagram *datagrams, int count, uint32_t ipv4, uint16_t port) {
  (void)fd;
  (void)datagrams;
  (void)count;
  (void)ipv4;
  (void)port;
  return -ENOSYS;
}
#endif
