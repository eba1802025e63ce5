/*
 * Batched datagram I/O on a socket the caller already has (node:dgram's, by
 * its file descriptor): several datagrams to one IPv4 peer in one system call
 * (a run of four or more equal-sized ones as one UDP GSO send where the kernel takes it,
 * the rest by sendmmsg(2)), and the datagrams waiting on the socket in one
 * recvmmsg(2) call.
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
#include <netinet/udp.h>
#include <sys/socket.h>

/*
 * UDP segmentation offload (Linux 4.18+): a run of equal datagrams (the last may be shorter) in one sendmsg.
 *
 * Don't Fragment. With the socket's default IP_PMTUDISC_WANT, Linux sets DF on a datagram only when the whole send
 * fits the route's MTU (__ip_make_skb), and a GSO send is the whole run: every segment of a run longer than 1,500 bytes
 * would leave without DF, so a router on a smaller path fragments it instead of answering with ICMP
 * fragmentation-needed, and the sender never learns the path MTU (what RFC 9147 §4.4 and the connection's
 * pathMtuExceeded rely on). Shown on a real routed path (tests/network/small-mtu.test.ts): a DTLS 1.2 client's second
 * flight, two datagrams, crossed as IP fragments. So a run shorter than GSO_MIN_SEGMENTS goes by sendmmsg, a datagram
 * each, as node:dgram would send it; a longer one is sent with the socket in IP_PMTUDISC_DO (DF on every segment; a
 * segment longer than the route's known path MTU fails the call with EINVAL or EMSGSIZE, and the run goes by sendmmsg,
 * which fragments it as WANT does). An application's socket is switched to DO for that call and back; one the library
 * made stays in DO from one GSO send to the next, and WANT is put back before any datagram it sends otherwise (enum
 * udp_df, udp.h): no socket-option call per send.
 */
#define GSO_MIN_SEGMENTS 4
#define GSO_MAX_SEGMENTS 64
#define GSO_MAX_BYTES 65000
/* Given up after this many failures in a row (a kernel or route without it); a benign race between threads. */
#define GSO_MAX_FAILURES 8
static int gso_failures = 0;

/* How many datagrams from `first` one GSO send can carry: equal lengths, the last no longer. */
static int gso_run(const struct udp_datagram *d, int first, int count) {
  size_t segment = d[first].length, total = 0;
  int n = 0;
  if (segment == 0) return 0;
  while (first + n < count && n < GSO_MAX_SEGMENTS) {
    size_t length = d[first + n].length;
    if (length == 0 || length > segment || total + length > GSO_MAX_BYTES) break;
    total += length;
    n++;
    if (length < segment) break; /* a shorter one ends the run */
  }
  return n;
}

/* The socket's IP_MTU_DISCOVER mode when it is an IPv4 socket, else -1. */
static int ipv4_df_mode(int fd) {
  int mode = -1, domain = -1;
  socklen_t length = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) != 0 || domain != AF_INET) return -1;
  length = sizeof mode;
  return getsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, &length) == 0 ? mode : -1;
}

static int set_df_mode(int fd, int mode) { return setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof mode); }

/*
 * DF on every segment of the GSO send about to go (see GSO_MIN_SEGMENTS), as `*df` says (enum udp_df, udp.h): a socket
 * in the default WANT mode is switched to DO; a mode someone else chose is left as it is. Returns the mode to put back
 * after the send (an application's socket, or one with other sends under way), or -1: none (the caller's own socket
 * stays in DO until a send of another kind, UDP_DF_KEPT, so its next GSO sends need no socket-option call).
 */
static int df_for_gso(int fd, int *df) {
  if (*df == UDP_DF_UNREAD) *df = ipv4_df_mode(fd) == IP_PMTUDISC_WANT ? UDP_DF_WANT : UDP_DF_OTHER;
  switch (*df) {
  case UDP_DF_WANT:
    if (set_df_mode(fd, IP_PMTUDISC_DO) == 0) *df = UDP_DF_KEPT;
    return -1;
  case UDP_DF_HELD:
    return set_df_mode(fd, IP_PMTUDISC_DO) == 0 ? IP_PMTUDISC_WANT : -1;
  case UDP_DF_SWITCH:
    return ipv4_df_mode(fd) == IP_PMTUDISC_WANT && set_df_mode(fd, IP_PMTUDISC_DO) == 0 ? IP_PMTUDISC_WANT : -1;
  default: /* UDP_DF_KEPT: DO already; UDP_DF_OTHER: left alone */
    return -1;
  }
}

int udp_df_want(int fd) { return set_df_mode(fd, IP_PMTUDISC_WANT) == 0 ? 0 : -errno; }

/* Sends d[first, first + n) in one GSO sendmsg: n when sent, 0 when the socket would block, -1 to fall back, -2 for
 * EMSGSIZE (nothing sent). */
static int gso_send(int fd, const struct udp_datagram *d, int first, int n, struct sockaddr_in *to, int *df) {
  struct iovec iov[GSO_MAX_SEGMENTS];
  union {
    char buffer[CMSG_SPACE(sizeof(uint16_t))];
    struct cmsghdr align;
  } control;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  memset(&control, 0, sizeof control);
  /* Datagrams back to back in memory (a burst's records in their send slab) are one iovec: the kernel's copy is cheaper
   * for one piece than for one a datagram (bench/network/gso-layout.c); the segments are cut by size either way. */
  size_t pieces = 0;
  for (int i = 0; i < n; i++) {
    const uint8_t *data = d[first + i].data;
    size_t length = d[first + i].length;
    if (pieces > 0 && (const uint8_t *)iov[pieces - 1].iov_base + iov[pieces - 1].iov_len == data)
      iov[pieces - 1].iov_len += length;
    else {
      iov[pieces].iov_base = (void *)data;
      iov[pieces++].iov_len = length;
    }
  }
  msg.msg_name = to;
  msg.msg_namelen = to != NULL ? sizeof *to : 0;
  msg.msg_iov = iov;
  msg.msg_iovlen = pieces;
  msg.msg_control = control.buffer;
  msg.msg_controllen = sizeof control.buffer;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_UDP;
  cm->cmsg_type = UDP_SEGMENT;
  cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  uint16_t segment = (uint16_t)d[first].length;
  memcpy(CMSG_DATA(cm), &segment, sizeof segment);
  int restore = df_for_gso(fd, df);
  ssize_t r;
  do r = sendmsg(fd, &msg, 0);
  while (r < 0 && errno == EINTR);
  int error = errno;
  if (restore >= 0) set_df_mode(fd, restore);
  if (r >= 0) {
    gso_failures = 0;
    return n;
  }
  if (error == EAGAIN || error == EWOULDBLOCK) return 0;
  /* A segment longer than the path MTU the kernel knows: this run goes by sendmmsg; GSO itself works. */
  if (error == EINVAL) return -1;
  /* The socket's pending ICMP fragmentation-needed (a connected socket), consumed by this call: the caller's signal. */
  if (error == EMSGSIZE) {
    errno = EMSGSIZE;
    return -2;
  }
  gso_failures++;
  return -1;
}

/*
 * Whether `length` bytes of UDP payload exceed the path MTU a connected socket's kernel knows now (IP_MTU /
 * IPV6_MTU; only a connected socket has one).
 */
static int over_path_mtu(int fd, size_t length) {
  int domain = -1, mtu = 0;
  socklen_t size = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &size) != 0) return 0;
  size = sizeof mtu;
  if (domain == AF_INET) return getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &size) == 0 && mtu > 0 && length + 28 > (size_t)mtu;
  if (domain == AF_INET6) return getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &size) == 0 && mtu > 0 && length + 48 > (size_t)mtu;
  return 0;
}

int udp_send_batch(int fd, const struct udp_datagram *datagrams, int count, uint32_t ipv4, uint16_t port, int *stopped,
                   int *df) {
  struct mmsghdr msgs[UDP_MAX_BATCH];
  struct iovec iov[UDP_MAX_BATCH];
  struct sockaddr_in to;
  int sent = 0;
  *stopped = 0;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(ipv4);
  while (sent < count) {
    int run = gso_failures < GSO_MAX_FAILURES ? gso_run(datagrams, sent, count) : 0;
    if (run >= GSO_MIN_SEGMENTS) {
      int r = gso_send(fd, datagrams, sent, run, port != 0 ? &to : NULL, df);
      if (r == 0) break; /* the socket buffer is full: the caller sends the rest its own way */
      if (r == -2) { /* datagram `sent` was refused */
        *stopped = EMSGSIZE;
        return sent > 0 ? sent : -EMSGSIZE;
      }
      if (r > 0) {
        sent += r;
        continue;
      }
    }
    /* One datagram, a mixed batch, or GSO refused: sendmmsg up to the next run GSO could take. */
    int n = count - sent < UDP_MAX_BATCH ? count - sent : UDP_MAX_BATCH;
    if (run >= GSO_MIN_SEGMENTS) n = run; /* GSO failed on this run: these go by sendmmsg */
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
    /* These leave as under WANT (fragmented when longer than the path MTU): the mode a GSO send kept is put back. */
    if (*df == UDP_DF_KEPT) *df = set_df_mode(fd, IP_PMTUDISC_WANT) == 0 ? UDP_DF_WANT : UDP_DF_SWITCH;
    int r = sendmmsg(fd, msgs, (unsigned)n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) *stopped = errno;
      return sent > 0 ? sent : -errno;
    }
    sent += r;
    if (r < n) {
      /* The socket buffer is full (the caller sends the rest its own way), or the next datagram failed: sendmmsg
       * reports no error once one went. A connected socket's pending ICMP fragmentation-needed, taken by that datagram
       * (on a path without delay it arrives inside this call), is lost that way; the path MTU the kernel learned from
       * it says what happened. */
      if (port == 0 && over_path_mtu(fd, datagrams[sent].length)) *stopped = EMSGSIZE;
      break;
    }
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
int udp_send_batch(int fd, const struct udp_datagram *datagrams, int count, uint32_t ipv4, uint16_t port, int *stopped,
                   int *df) {
  *stopped = 0;
  (void)df;
  (void)fd;
  (void)datagrams;
  (void)count;
  (void)ipv4;
  (void)port;
  return -ENOSYS;
}

int udp_df_want(int fd) {
  (void)fd;
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
