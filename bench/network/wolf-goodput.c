/*
 * The network bench's C anchor: a DTLS 1.3 (or 1.2) sender and receiver on wolfSSL
 * (built with or without its assembly), or plain UDP in C, measured the way
 * bench/network/goodput.ts measures dtls13 and node:dgram: the sender sends
 * fixed-size payloads as fast as it can for a fixed time; the receiver
 * counts the payload bytes its application gets, from the first to the last.
 * Compiled by bench/network/wolf-goodput.ts against one wolfSSL build.
 *
 *   wolf-goodput recv dtls|dtls12|udp <port> <bufferBytes> <idleMs> [<cert.pem> <key.pem>]
 *     prints "ready" once bound, then "bytes messages spanNs cpuUs cpu" when no
 *     payload came for idleMs after the first one.
 *   wolf-goodput send dtls|dtls12|udp <port> <bufferBytes> <ms> <payload> <burst> [<ca.pem> <suite>]
 *     (dtls: DTLS 1.3; dtls12: DTLS 1.2, suite an OpenSSL-style 1.2 name)
 *     prints "sent cpuUs cpu".
 * cpu: the CPU the process last ran on (sched_getcpu), for the bench's
 * placement report.
 */
#define _GNU_SOURCE
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "wolf-goodput: %s (%s)\n", what, strerror(errno));
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

/* Waits up to ms for the socket to be readable; 0 on timeout. */
static int readable(int fd, int ms) {
  struct pollfd p = {fd, POLLIN, 0};
  return poll(&p, 1, ms);
}

static int receive(int dtls, int port, int buffer, int idle_ms, const char *cert, const char *key) {
  int fd = udp_socket(buffer);
  struct sockaddr_in self = loopback(port);
  if (bind(fd, (struct sockaddr *)&self, sizeof self) != 0) die("bind");
  printf("ready\n");
  fflush(stdout);
  static unsigned char data[65536];
  WOLFSSL *ssl = NULL;
  if (dtls) {
    /* Learn the client's address from its first datagram, then talk to it alone. */
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    if (recvfrom(fd, data, sizeof data, MSG_PEEK, (struct sockaddr *)&peer, &len) < 0) die("recvfrom");
    if (connect(fd, (struct sockaddr *)&peer, len) != 0) die("connect");
    WOLFSSL_CTX *ctx = wolfSSL_CTX_new(dtls == 12 ? wolfDTLSv1_2_server_method() : wolfDTLSv1_3_server_method());
    if (ctx == NULL || wolfSSL_CTX_use_certificate_chain_file(ctx, cert) != WOLFSSL_SUCCESS ||
        wolfSSL_CTX_use_PrivateKey_file(ctx, key, WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS)
      die("server credentials");
    ssl = wolfSSL_new(ctx);
    if (ssl == NULL || wolfSSL_set_dtls_fd_connected(ssl, fd) != WOLFSSL_SUCCESS) die("wolfSSL_new");
    if (wolfSSL_accept(ssl) != WOLFSSL_SUCCESS) die("wolfSSL_accept");
  }
  long long bytes = 0, messages = 0, first = 0, last = 0;
  for (;;) {
    if ((ssl == NULL || wolfSSL_pending(ssl) == 0) && readable(fd, messages == 0 ? 30000 : idle_ms) == 0) break;
    int n = ssl ? wolfSSL_read(ssl, data, sizeof data) : (int)recv(fd, data, sizeof data, 0);
    if (n <= 0) {
      if (ssl && wolfSSL_get_error(ssl, n) == WOLFSSL_ERROR_WANT_READ) continue;
      break;
    }
    last = now_ns();
    if (messages == 0) first = last;
    bytes += n;
    messages++;
  }
  printf("%lld %lld %lld %lld %d\n", bytes, messages, last - first, cpu_us(), sched_getcpu());
  return 0;
}

static int send_for(int dtls, int port, int buffer, int ms, int payload, int burst, const char *ca, const char *suite) {
  int fd = udp_socket(buffer);
  struct sockaddr_in peer = loopback(port);
  if (connect(fd, (struct sockaddr *)&peer, sizeof peer) != 0) die("connect");
  WOLFSSL *ssl = NULL;
  if (dtls) {
    WOLFSSL_CTX *ctx = wolfSSL_CTX_new(dtls == 12 ? wolfDTLSv1_2_client_method() : wolfDTLSv1_3_client_method());
    if (ctx == NULL || wolfSSL_CTX_load_verify_locations(ctx, ca, NULL) != WOLFSSL_SUCCESS || wolfSSL_CTX_set_cipher_list(ctx, suite) != WOLFSSL_SUCCESS)
      die("client setup");
    ssl = wolfSSL_new(ctx);
    if (ssl == NULL || wolfSSL_set_dtls_fd_connected(ssl, fd) != WOLFSSL_SUCCESS) die("wolfSSL_new");
    if (wolfSSL_connect(ssl) != WOLFSSL_SUCCESS) die("wolfSSL_connect");
  }
  unsigned char *data = malloc((size_t)payload);
  memset(data, 0x61, (size_t)payload);
  long long sent = 0;
  long long cpu0 = cpu_us();
  long long until = now_ns() + (long long)ms * 1000000LL;
  while (now_ns() < until) {
    for (int k = 0; k < burst; k++) {
      int n = ssl ? wolfSSL_write(ssl, data, payload) : (int)send(fd, data, (size_t)payload, 0);
      if (n == payload) sent++;
    }
  }
  printf("%lld %lld %d\n", sent, cpu_us() - cpu0, sched_getcpu());
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: wolf-goodput recv|send dtls|udp <port> <bufferBytes> ...\n");
    return 2;
  }
  /* 13: DTLS 1.3, 12: DTLS 1.2, 0: plain UDP. */
  int dtls = strcmp(argv[2], "dtls") == 0 ? 13 : strcmp(argv[2], "dtls12") == 0 ? 12 : 0;
  int port = atoi(argv[3]);
  int buffer = atoi(argv[4]);
  wolfSSL_Init();
  if (strcmp(argv[1], "recv") == 0) return receive(dtls, port, buffer, atoi(argv[5]), argc > 6 ? argv[6] : "", argc > 7 ? argv[7] : "");
  if (argc < 8) return 2;
  return send_for(dtls, port, buffer, atoi(argv[5]), atoi(argv[6]), atoi(argv[7]), argc > 8 ? argv[8] : "", argc > 9 ? argv[9] : "");
}
