/*
 * The network bench's batched plain-UDP anchors, in C: what the kernel
 * carries between two processes on loopback when the datagrams cross the
 * system call boundary in batches, the limit dtls13's batched I/O is
 * measured against (bench/network/udp-batch.ts compiles it with cc and
 * caches it). Two ways, chosen by <mode>:
 *
 *   mmsg  sendmmsg(2) of each burst, recvmmsg(2) of up to 64 datagrams a call;
 *   gso   each burst as one UDP GSO send (UDP_SEGMENT, Linux 4.18+) and
 *         UDP GRO on the receiving socket (UDP_GRO, Linux 5.0+): the kernel
 *         hands up coalesced runs of equal datagrams, split here by the
 *         segment size it reports.
 *
 *   udp-batch probe
 *     prints "gso 0|1 gro 0|1": whether this kernel takes each socket option.
 *   udp-batch recv mmsg|gso <port> <bufferBytes> <idleMs> [batch]
 *     prints "ready" once bound, then "bytes messages spanNs cpuUs cpu" when no
 *     payload came for idleMs after the first one; at most batch (default 64)
 *     datagrams or coalesced runs per recvmmsg call (the bench passes
 *     dtls13's own batch, runtime/node/datagram-io.ts RECEIVE_BATCH).
 *   udp-batch send mmsg|gso <port> <bufferBytes> <ms> <payload> <burst>
 *     prints "sent cpuUs cpu".
 * cpu: the CPU the process last ran on (sched_getcpu), for the bench's
 * placement report.
 * Exits 3 when the mode needs a socket option the kernel refuses.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define BATCH 64
#define ROOM 65536

static void die(const char *what) {
  fprintf(stderr, "udp-batch: %s (%s)\n", what, strerror(errno));
  exit(1);
}

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long cpu_us(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (long long)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000LL + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

static int udp_socket(int buffer) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  if (buffer > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  }
  return fd;
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/* Whether the kernel takes UDP_SEGMENT (a socket-wide segment size) and UDP_GRO on a fresh socket. */
static int takes(int option) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int value = option == UDP_SEGMENT ? 1200 : 1;
  int ok = fd >= 0 && setsockopt(fd, SOL_UDP, option, &value, sizeof value) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

static int receive(int gro, int port, int buffer, int idle_ms, int batch) {
  if (batch < 1 || batch > BATCH) batch = BATCH;
  int fd = udp_socket(buffer);
  struct sockaddr_in self = loopback(port);
  if (bind(fd, (struct sockaddr *)&self, sizeof self) != 0) die("bind");
  if (gro) {
    int on = 1;
    if (setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on) != 0) return 3;
  }
  printf("ready\n");
  fflush(stdout);
  static unsigned char data[BATCH][ROOM];
  static union {
    char buffer[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control[BATCH];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  long long bytes = 0, messages = 0, first = 0, last = 0;
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, messages == 0 ? 30000 : idle_ms) == 0) break;
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = data[i];
      iov[i].iov_len = ROOM;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      if (gro) {
        msgs[i].msg_hdr.msg_control = control[i].buffer;
        msgs[i].msg_hdr.msg_controllen = sizeof control[i].buffer;
      }
    }
    int n = recvmmsg(fd, msgs, (unsigned)batch, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      die("recvmmsg");
    }
    for (int i = 0; i < n; i++) {
      long long length = msgs[i].msg_len, segment = length;
      if (gro)
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != NULL; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
          if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
            int size;
            memcpy(&size, CMSG_DATA(c), sizeof size);
            if (size > 0) segment = size;
          }
      /* A coalesced run: every segment is a payload, the last may be shorter. */
      bytes += length;
      messages += segment > 0 ? (length + segment - 1) / segment : 1;
    }
    last = now_ns();
    if (first == 0) first = last;
  }
  printf("%lld %lld %lld %lld %d\n", bytes, messages, last - first, cpu_us(), sched_getcpu());
  return 0;
}

static int send_for(int gso, int port, int buffer, int ms, int payload, int burst) {
  int fd = udp_socket(buffer);
  struct sockaddr_in peer = loopback(port);
  if (connect(fd, (struct sockaddr *)&peer, sizeof peer) != 0) die("connect");
  if (burst > BATCH) burst = BATCH;
  if (gso && (long long)burst * payload > 65000) burst = 65000 / payload;
  if (gso) {
    int size = payload;
    if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &size, sizeof size) != 0) return 3;
  }
  unsigned char *data = malloc((size_t)payload * (size_t)burst);
  memset(data, 0x61, (size_t)payload * (size_t)burst);
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < burst; i++) {
    iov[i].iov_base = data + (size_t)i * (size_t)payload;
    iov[i].iov_len = (size_t)payload;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  long long sent = 0;
  long long cpu0 = cpu_us();
  long long until = now_ns() + (long long)ms * 1000000LL;
  while (now_ns() < until) {
    if (gso) {
      /* The socket's segment size cuts the one buffer into `burst` datagrams. */
      if (send(fd, data, (size_t)payload * (size_t)burst, 0) > 0) sent += burst;
    } else {
      int n = sendmmsg(fd, msgs, (unsigned)burst, 0);
      if (n > 0) sent += n;
    }
  }
  printf("%lld %lld %d\n", sent, cpu_us() - cpu0, sched_getcpu());
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "probe") == 0) {
    printf("gso %d gro %d\n", takes(UDP_SEGMENT), takes(UDP_GRO));
    return 0;
  }
  if (argc < 6) {
    fprintf(stderr, "usage: udp-batch probe | recv|send mmsg|gso <port> <bufferBytes> ...\n");
    return 2;
  }
  int gso = strcmp(argv[2], "gso") == 0;
  int port = atoi(argv[3]);
  int buffer = atoi(argv[4]);
  if (strcmp(argv[1], "recv") == 0) return receive(gso, port, buffer, atoi(argv[5]), argc > 6 ? atoi(argv[6]) : BATCH);
  if (argc < 8) return 2;
  return send_for(gso, port, buffer, atoi(argv[5]), atoi(argv[6]), atoi(argv[7]));
}
