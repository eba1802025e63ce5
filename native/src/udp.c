/*
 * Batched datagram I/O on a socket the caller already has (node:dgram's, by
 * its file descriptor): several datagrams to one IPv4 peer in one sendmmsg(2)
 * call, and the datagrams waiting on the socket in one recvmmsg(2) call.
 * Linux only; elsewhere both report ENOSYS and the caller uses node:dgram as
 * usual.
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
      if (port != 0) { /* port 0: the socket is connected, and sends to its peer */
        msgs[i].msg_hdr.msg_name = &to;
        msgs[i].msg_hdr.msg_namelen = sizeof to;
      }
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

int udp_recv_batch(int fd, uint8_t *slab, size_t stride, int count, uint32_t *meta) {
  struct mmsghdr msgs[UDP_MAX_BATCH];
  struct iovec iov[UDP_MAX_BATCH];
  struct sockaddr_storage from[UDP_MAX_BATCH];
  int n = count < UDP_MAX_BATCH ? count : UDP_MAX_BATCH;
  if (n <= 0) return 0;
  memset(msgs, 0, sizeof msgs[0] * (size_t)n);
  for (int i = 0; i < n; i++) {
    iov[i].iov_base = slab + (size_t)i * stride;
    iov[i].iov_len = stride;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
  }
  int r;
  do r = recvmmsg(fd, msgs, (unsigned)n, MSG_DONTWAIT, NULL);
  while (r < 0 && errno == EINTR);
  if (r < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
  for (int i = 0; i < r; i++) {
    meta[3 * i] = msgs[i].msg_len;
    meta[3 * i + 1] = 0;
    meta[3 * i + 2] = 0;
    if (from[i].ss_family == AF_INET) {
      const struct sockaddr_in *a = (const struct sockaddr_in *)&from[i];
      meta[3 * i + 1] = ntohl(a->sin_addr.s_addr);
      meta[3 * i + 2] = ntohs(a->sin_port);
    }
  }
  return r;
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

int udp_recv_batch(int fd, uint8_t *slab, size_t stride, int count, uint32_t *meta) {
  (void)fd;
  (void)slab;
  (void)stride;
  (void)count;
  (void)meta;
  return -ENOSYS;
}
#endif
