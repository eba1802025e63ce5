/*
 * What the kernel spends per payload on a UDP GSO send over loopback, by how the sender lays the burst out: the
 * sending thread's system time (getrusage RUSAGE_THREAD) per payload, bursts of 32 equal datagrams to a UDP_GRO
 * receiver on a thread of the same process, for a few seconds. Linux only.
 *
 *   gcc -O2 -pthread -o /tmp/gso-layout bench/network/gso-layout.c
 *   /tmp/gso-layout iovecs=record gap=2 length=1222
 *
 * iovecs=one     the burst as one contiguous buffer, one iovec (udp-batch.c's C sender)
 * iovecs=record  one iovec per datagram (dtls13's send: a record each, in a send slab), `gap` bytes between them
 * ring=N         the bursts taken in turn from N bytes of memory (default: one burst's, always the same)
 * connected=0    the socket not connected: the address in every sendmsg, a route lookup each (default 1)
 * df-switch=1    around every send, what native/src/udp.c does: SO_DOMAIN and IP_MTU_DISCOVER read, IP_PMTUDISC_DO
 *                set, and WANT set back after it (default 0)
 * length=N       the datagram's length (default 1,222: a DTLS 1.3 record of 1,200 bytes of AES-128-GCM payload)
 * ms=N           how long to send (default 3,000)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
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

#define BURST 32

static volatile int receiver_port = 0;
static volatile int stopping = 0;

static void *receive(void *unused) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0), on = 1, buffer = 4 << 20;
  setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(fd, (struct sockaddr *)&a, sizeof a);
  socklen_t length = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &length);
  struct timeval wait = {0, 100000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  receiver_port = ntohs(a.sin_port);
  static char sink[65536];
  while (!stopping) recv(fd, sink, sizeof sink, 0);
  close(fd);
  return unused;
}

static long option(int argc, char **argv, const char *name, long fallback) {
  size_t n = strlen(name);
  for (int i = 1; i < argc; i++)
    if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') {
      if (strcmp(argv[i] + n + 1, "one") == 0) return 0;
      if (strcmp(argv[i] + n + 1, "record") == 0) return 1;
      return atol(argv[i] + n + 1);
    }
  return fallback;
}

static double micros(struct timeval t) { return (double)t.tv_sec * 1e6 + (double)t.tv_usec; }

int main(int argc, char **argv) {
  int per_record = (int)option(argc, argv, "iovecs", 1), connected = (int)option(argc, argv, "connected", 1);
  int df_switch = (int)option(argc, argv, "df-switch", 0);
  size_t length = (size_t)option(argc, argv, "length", 1222), gap = (size_t)option(argc, argv, "gap", 0);
  size_t stride = per_record ? length + gap : length, burst = stride * BURST;
  size_t ring = (size_t)option(argc, argv, "ring", 0);
  long ms = option(argc, argv, "ms", 3000);
  if (ring < burst) ring = burst;
  pthread_t receiver;
  pthread_create(&receiver, NULL, receive, NULL);
  while (receiver_port == 0) usleep(1000);
  int fd = socket(AF_INET, SOCK_DGRAM, 0), buffer = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(receiver_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connected && connect(fd, (struct sockaddr *)&to, sizeof to) != 0) return 2;
  uint8_t *memory = aligned_alloc(4096, (ring + 4095) / 4096 * 4096);
  if (memory == NULL) return 2;
  memset(memory, 0x61, ring);
  size_t at = 0;
  long payloads = 0;
  struct timespec t0, t;
  struct rusage r0, r1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  getrusage(RUSAGE_THREAD, &r0);
  for (;;) {
    struct iovec iov[BURST];
    int n = per_record ? BURST : 1;
    for (int i = 0; i < n; i++) {
      iov[i].iov_base = memory + at + (size_t)i * stride;
      iov[i].iov_len = per_record ? length : length * BURST;
    }
    union {
      char buffer[CMSG_SPACE(sizeof(uint16_t))];
      struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n, .msg_control = control.buffer,
                         .msg_controllen = sizeof control.buffer};
    if (!connected) {
      msg.msg_name = &to;
      msg.msg_namelen = sizeof to;
    }
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t segment = (uint16_t)length;
    memcpy(CMSG_DATA(cm), &segment, sizeof segment);
    int mode = IP_PMTUDISC_DO, value;
    socklen_t size = sizeof value;
    if (df_switch) {
      getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &value, &size);
      getsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &value, &size);
      setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof mode);
    }
    if (sendmsg(fd, &msg, 0) > 0) payloads += BURST;
    if (df_switch) setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &value, sizeof value);
    at += burst;
    if (at + burst > ring) at = 0;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >= ms) break;
  }
  getrusage(RUSAGE_THREAD, &r1);
  stopping = 1;
  pthread_join(receiver, NULL);
  printf("iovecs=%s gap=%zu length=%zu ring=%zu connected=%d df-switch=%d: system %.3f user %.3f us/payload\n",
         per_record ? "record" : "one", gap, length, ring, connected, df_switch,
         (micros(r1.ru_stime) - micros(r0.ru_stime)) / (double)payloads,
         (micros(r1.ru_utime) - micros(r0.ru_utime)) / (double)payloads);
  return 0;
}
