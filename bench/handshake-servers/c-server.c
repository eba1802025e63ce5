/*
 * The C servers of `bench -- handshake-servers`: a DTLS server on one
 * unconnected UDP socket, single-threaded, sessions found by the peer's
 * address, each fed its datagrams through the library's own I/O hooks
 * (wolfSSL's IORecv/IOSend, an OpenSSL BIO), so any number of clients may
 * handshake at once and none of their datagrams is lost to a socket that is
 * busy with another peer. Compiled by bench/handshake-servers/servers.ts
 * against wolfSSL 5.7.2 (-DWITH_WOLFSSL: DTLS 1.3) or Debian's OpenSSL 3.0,
 * libssl-dev (-DWITH_OPENSSL: DTLS 1.2, OpenSSL 3.0 has no DTLS 1.3).
 *
 *   c-server <port> <chain.pem> <key.pem>
 *
 * Prints "listening port=N" once bound. Each line read on stdin is answered
 * with one line "handshakes=H in=I out=O cpu=C" (completed handshakes,
 * datagrams received, datagrams sent, since the start, and the process's
 * user + system CPU in microseconds, getrusage: every thread, the figures of
 * /proc/PID/stat to the microsecond); EOF on stdin ends it.
 *
 * What it does per handshake: wolfSSL, the library's full DTLS 1.3 server
 * handshake with its defaults for the ClientHello (built with
 * --enable-hrrcookie it answers the first one with a cookie
 * HelloRetryRequest), AES-128-GCM preferred, one NewSessionTicket; OpenSSL,
 * a full DTLS 1.2 handshake (ECDHE, X25519 preferred, AES-128-GCM
 * preferred) whose first ClientHello is answered with a HelloVerifyRequest
 * (SSL_OP_COOKIE_EXCHANGE, the cookie an HMAC-SHA256 of the peer's address
 * and port under a key drawn at start), no session ticket. No client
 * certificate asked for. Once connected it takes in what the client sends
 * (its ACK of the ticket in 1.3) and forgets the session after IDLE_MS
 * without a datagram, or the least recently heard one when MAX_SESSIONS are
 * held. It runs no retransmission timers (a lost datagram is left to the
 * client's).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#if defined(WITH_WOLFSSL)
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
typedef WOLFSSL session_t;
#elif defined(WITH_OPENSSL)
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
typedef SSL session_t;
#else
#error "compile with -DWITH_WOLFSSL or -DWITH_OPENSSL"
#endif

#define MAX_SESSIONS 256
#define IDLE_MS 1000
#define MAX_DATAGRAM 65536

struct conn {
  struct sockaddr_in peer;
  session_t *ssl;
  int connected;
  long long heard_ms;
  /* The datagram being fed to the library, taken whole by its next read. */
  const unsigned char *pending;
  int pending_len;
};

static int fd;
static struct conn conns[MAX_SESSIONS];
static long handshakes, datagrams_in, datagrams_out;

static void die(const char *what) {
  fprintf(stderr, "c-server: %s (%s)\n", what, strerror(errno));
  exit(1);
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000LL + t.tv_nsec / 1000000LL;
}

/* The library's read of one datagram: the pending one whole, or "would block". Returns its length or -1. */
static int take_pending(struct conn *c, unsigned char *out, int size) {
  if (c->pending_len == 0) return -1;
  int n = c->pending_len < size ? c->pending_len : size;
  memcpy(out, c->pending, (size_t)n);
  c->pending_len = 0;
  return n;
}

static int send_datagram(struct conn *c, const unsigned char *data, int size) {
  ssize_t n = sendto(fd, data, (size_t)size, 0, (struct sockaddr *)&c->peer, sizeof c->peer);
  if (n < 0) return -1;
  datagrams_out++;
  return (int)n;
}

#if defined(WITH_WOLFSSL)
static WOLFSSL_CTX *ctx;

static int io_recv(WOLFSSL *ssl, char *buf, int sz, void *arg) {
  (void)ssl;
  int n = take_pending(arg, (unsigned char *)buf, sz);
  return n < 0 ? WOLFSSL_CBIO_ERR_WANT_READ : n;
}

static int io_send(WOLFSSL *ssl, char *buf, int sz, void *arg) {
  (void)ssl;
  int n = send_datagram(arg, (const unsigned char *)buf, sz);
  return n < 0 ? WOLFSSL_CBIO_ERR_GENERAL : n;
}

static void setup(const char *chain, const char *key) {
  if (wolfSSL_Init() != WOLFSSL_SUCCESS) die("wolfSSL_Init");
  ctx = wolfSSL_CTX_new(wolfDTLSv1_3_server_method());
  if (ctx == NULL || wolfSSL_CTX_use_certificate_chain_file(ctx, chain) != WOLFSSL_SUCCESS ||
      wolfSSL_CTX_use_PrivateKey_file(ctx, key, WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS ||
      wolfSSL_CTX_set_cipher_list(ctx, "TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256") != WOLFSSL_SUCCESS)
    die("wolfSSL_CTX setup");
  wolfSSL_CTX_SetIORecv(ctx, io_recv);
  wolfSSL_CTX_SetIOSend(ctx, io_send);
  wolfSSL_CTX_set_session_cache_mode(ctx, WOLFSSL_SESS_CACHE_OFF);
}

static session_t *new_session(struct conn *c) {
  WOLFSSL *ssl = wolfSSL_new(ctx);
  if (ssl == NULL) return NULL;
  wolfSSL_SetIOReadCtx(ssl, c);
  wolfSSL_SetIOWriteCtx(ssl, c);
  wolfSSL_dtls_set_using_nonblock(ssl, 1);
  wolfSSL_dtls_set_peer(ssl, &c->peer, sizeof c->peer);
  return ssl;
}

static void free_session(session_t *ssl) { wolfSSL_free(ssl); }

/* 1 once connected, 0 while under way, -1 on failure. */
static int do_handshake(session_t *ssl) {
  if (wolfSSL_accept(ssl) == WOLFSSL_SUCCESS) return 1;
  int err = wolfSSL_get_error(ssl, 0);
  return err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE ? 0 : -1;
}

/* Takes in what came after the handshake (ACKs); -1 once the session failed or closed. */
static int drain(session_t *ssl) {
  unsigned char sink[2048];
  int n;
  while ((n = wolfSSL_read(ssl, sink, sizeof sink)) > 0)
    ;
  int err = wolfSSL_get_error(ssl, n);
  return err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE ? 0 : -1;
}
#else
static SSL_CTX *ctx;
static BIO_METHOD *method;

static int bio_read(BIO *b, char *out, int size) {
  BIO_clear_retry_flags(b);
  int n = take_pending(BIO_get_data(b), (unsigned char *)out, size);
  if (n < 0) BIO_set_retry_read(b);
  return n;
}

static int bio_write(BIO *b, const char *in, int size) {
  BIO_clear_retry_flags(b);
  return send_datagram(BIO_get_data(b), (const unsigned char *)in, size);
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr) {
  (void)b, (void)num, (void)ptr;
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int bio_create(BIO *b) {
  BIO_set_init(b, 1);
  return 1;
}

static unsigned char cookie_key[32];

/* The cookie of the session's peer: HMAC-SHA256(cookie_key, address and port). */
static int cookie_of(SSL *ssl, unsigned char *out, unsigned int *length) {
  const struct conn *c = BIO_get_data(SSL_get_rbio(ssl));
  unsigned char peer[6];
  memcpy(peer, &c->peer.sin_addr.s_addr, 4);
  memcpy(peer + 4, &c->peer.sin_port, 2);
  return HMAC(EVP_sha256(), cookie_key, sizeof cookie_key, peer, sizeof peer, out, length) != NULL;
}

static int cookie_generate(SSL *ssl, unsigned char *cookie, unsigned int *length) { return cookie_of(ssl, cookie, length); }

static int cookie_verify(SSL *ssl, const unsigned char *cookie, unsigned int length) {
  unsigned char expected[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  return cookie_of(ssl, expected, &n) && n == length && CRYPTO_memcmp(expected, cookie, n) == 0;
}

static void setup(const char *chain, const char *key) {
  ctx = SSL_CTX_new(DTLS_server_method());
  if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) || !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) ||
      SSL_CTX_use_certificate_chain_file(ctx, chain) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305") != 1 ||
      SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1 || RAND_bytes(cookie_key, sizeof cookie_key) != 1)
    die("SSL_CTX setup");
  SSL_CTX_set_options(ctx, SSL_OP_COOKIE_EXCHANGE | SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_cookie_generate_cb(ctx, cookie_generate);
  SSL_CTX_set_cookie_verify_cb(ctx, cookie_verify);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "demultiplexed datagrams");
  if (method == NULL || !BIO_meth_set_read(method, bio_read) || !BIO_meth_set_write(method, bio_write) ||
      !BIO_meth_set_ctrl(method, bio_ctrl) || !BIO_meth_set_create(method, bio_create))
    die("BIO_meth_new");
}

static session_t *new_session(struct conn *c) {
  SSL *ssl = SSL_new(ctx);
  BIO *bio = BIO_new(method);
  if (ssl == NULL || bio == NULL) {
    SSL_free(ssl);
    BIO_free(bio);
    return NULL;
  }
  BIO_set_data(bio, c);
  SSL_set_bio(ssl, bio, bio);
  SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
  SSL_set_mtu(ssl, 1400);
  SSL_set_accept_state(ssl);
  return ssl;
}

static void free_session(session_t *ssl) { SSL_free(ssl); }

static int do_handshake(session_t *ssl) {
  int r = SSL_do_handshake(ssl);
  if (r == 1) return 1;
  int err = SSL_get_error(ssl, r);
  ERR_clear_error();
  return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? 0 : -1;
}

static int drain(session_t *ssl) {
  unsigned char sink[2048];
  int n;
  while ((n = SSL_read(ssl, sink, sizeof sink)) > 0)
    ;
  int err = SSL_get_error(ssl, n);
  ERR_clear_error();
  return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? 0 : -1;
}
#endif

static void forget(struct conn *c) {
  if (c->ssl != NULL) free_session(c->ssl);
  memset(c, 0, sizeof *c);
}

/* The session of `peer`, a new one in a free slot (or the least recently heard one's) when there is none. */
static struct conn *session_of(const struct sockaddr_in *peer) {
  struct conn *oldest = &conns[0];
  struct conn *free_slot = NULL;
  for (int i = 0; i < MAX_SESSIONS; i++) {
    struct conn *c = &conns[i];
    if (c->ssl == NULL) {
      if (free_slot == NULL) free_slot = c;
      continue;
    }
    if (c->peer.sin_port == peer->sin_port && c->peer.sin_addr.s_addr == peer->sin_addr.s_addr) return c;
    if (c->heard_ms < oldest->heard_ms) oldest = c;
  }
  struct conn *c = free_slot;
  if (c == NULL) {
    forget(oldest);
    c = oldest;
  }
  c->peer = *peer;
  c->ssl = new_session(c);
  return c->ssl == NULL ? NULL : c;
}

static void on_datagram(const struct sockaddr_in *peer, const unsigned char *data, int size) {
  datagrams_in++;
  struct conn *c = session_of(peer);
  if (c == NULL) return;
  /*
   * A plaintext handshake record of epoch 0 to a connected session: a new
   * client on a port the kernel handed out again (each client handshake has
   * a socket of its own), whose ClientHello the old session would drop.
   */
  if (c->connected && size > 4 && data[0] == 22 && data[3] == 0 && data[4] == 0) {
    forget(c);
    c = session_of(peer);
    if (c == NULL) return;
  }
  c->heard_ms = now_ms();
  c->pending = data;
  c->pending_len = size;
  int r = 0;
  if (!c->connected) {
    r = do_handshake(c->ssl);
    if (r == 1) {
      c->connected = 1;
      handshakes++;
      r = 0;
    }
  }
  if (r == 0 && c->connected) r = drain(c->ssl);
  c->pending_len = 0;
  if (r < 0) forget(c);
}

static void forget_idle(void) {
  long long now = now_ms();
  for (int i = 0; i < MAX_SESSIONS; i++)
    if (conns[i].ssl != NULL && now - conns[i].heard_ms > IDLE_MS) forget(&conns[i]);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: c-server <port> <chain.pem> <key.pem>\n");
    return 2;
  }
  setup(argv[2], argv[3]);
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in at = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int buffer = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  if (bind(fd, (struct sockaddr *)&at, sizeof at) != 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) die("bind");
  socklen_t at_len = sizeof at;
  getsockname(fd, (struct sockaddr *)&at, &at_len);
  printf("listening port=%u\n", ntohs(at.sin_port));
  fflush(stdout);
  static unsigned char data[MAX_DATAGRAM];
  char line[256];
  for (;;) {
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
    if (poll(p, 2, 100) < 0 && errno != EINTR) die("poll");
    if (p[1].revents != 0) {
      if (fgets(line, sizeof line, stdin) == NULL) return 0;
      struct rusage u;
      getrusage(RUSAGE_SELF, &u);
      long long cpu_us = (long long)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000LL + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
      printf("handshakes=%ld in=%ld out=%ld cpu=%lld\n", handshakes, datagrams_in, datagrams_out, cpu_us);
      fflush(stdout);
    }
    for (;;) {
      struct sockaddr_in peer;
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom(fd, data, sizeof data, 0, (struct sockaddr *)&peer, &len);
      if (n < 0) break;
      on_datagram(&peer, data, (int)n);
    }
    forget_idle();
  }
}
