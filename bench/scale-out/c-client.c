/*
 * The C load generator of `bench -- scale-out` and `bench -- handshake-servers`:
 * full DTLS 1.3 handshakes (or, compiled with -DDTLS12, full DTLS 1.2 ones)
 * on wolfSSL 5.7.2 (its build with assembly, bench/network/build-wolfssl-asm.sh,
 * or the interop build, tests/interop/build-wolfssl.sh), a client that spends
 * far less CPU per handshake than dtls13's own, so that on a machine whose
 * clients share the server's cores the rate says more about the server.
 * Compiled and cached by bench/scale-out/c-client.ts.
 *
 *   c-client <host> <port> <ca.pem> <servername> <threads> <ms>
 *
 * Each of `threads` threads does handshakes one after another for `ms`
 * milliseconds: a new connected UDP socket each, SNI, the chain verified
 * against ca.pem and the name against servername, no session resumed and no
 * PSK; then the socket is closed without close_notify. A handshake still
 * running at the end finishes (or fails after HANDSHAKE_TIMEOUT_MS) and is
 * not counted; retransmission is wolfSSL's own (1 s, doubling).
 *
 * DTLS 1.3: a ClientHello with an X25519 key share (groups X25519, P-256,
 * P-384, as dtls13's client offers them), the server's cookie
 * HelloRetryRequest answered. Once connected it takes in the server's ACK
 * and NewSessionTicket and ACKs the ticket, as dtls13's client does before
 * `session.destroy()` (else the server would retransmit the ticket to a
 * closed port), waiting TICKET_WAIT_MS at most. The datagrams are those of
 * dtls13's client: ClientHello, HelloRetryRequest, ClientHello, the server's
 * flight, Finished, ACK, NewSessionTicket, ACK.
 *
 * DTLS 1.2 (-DDTLS12): a ClientHello offering ECDHE-ECDSA-AES128-GCM-SHA256
 * alone, the groups X25519 and P-256 (P-256: RFC 8422 §5.1, the server's
 * ECDSA certificate's curve must be named), extended master secret
 * (wolfSSL's default) and no SessionTicket extension; the server's
 * HelloVerifyRequest answered. The datagrams: ClientHello,
 * HelloVerifyRequest, ClientHello, the server's flight (ServerHello,
 * Certificate, ServerKeyExchange, ServerHelloDone), the client's
 * (ClientKeyExchange, ChangeCipherSpec, Finished), the server's
 * ChangeCipherSpec and Finished.
 *
 * Prints one JSON line:
 *   {"handshakes":H,"failures":F,"ms":elapsed,"cpuMs":user+sys of the process}
 */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef DTLS12
#define PROGRAM "c-client12"
#else
#define PROGRAM "c-client"
#endif

#define HANDSHAKE_TIMEOUT_MS 10000
/* DTLS 1.3: how long a connected client waits for the server's NewSessionTicket before it closes all the same. */
#define TICKET_WAIT_MS 1000

static WOLFSSL_CTX *ctx;
static struct sockaddr_storage server;
static socklen_t server_len;
static const char *server_name;
static long long end_ms;

struct lane {
  pthread_t thread;
  long handshakes;
  long failures;
};

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000LL + t.tv_nsec / 1000000LL;
}

static double cpu_ms(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

static void fail(const char *what, const char *detail) {
  fprintf(stderr, PROGRAM ": %s: %s\n", what, detail);
  exit(2);
}

/* A non-blocking UDP socket connected to the server, or -1. */
static int open_socket(void) {
  int fd = socket(server.ss_family, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&server, server_len) != 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/*
 * After a call of wolfSSL_connect or wolfSSL_read that could not go on: waits
 * for the socket until the next retransmission wolfSSL wants (then lets it
 * retransmit) or the deadline. 0 on an error or once the deadline passed.
 */
static int await_io(WOLFSSL *ssl, int fd, long long deadline) {
  int err = wolfSSL_get_error(ssl, 0);
  if (err != WOLFSSL_ERROR_WANT_READ && err != WOLFSSL_ERROR_WANT_WRITE) return 0;
  long long left = deadline - now_ms();
  if (left <= 0) return 0;
  long long wait = (long long)wolfSSL_dtls_get_current_timeout(ssl) * 1000LL;
  if (wait <= 0 || wait > left) wait = left;
  struct pollfd p = {.fd = fd, .events = err == WOLFSSL_ERROR_WANT_READ ? POLLIN : POLLOUT};
  int n = poll(&p, 1, (int)wait);
  if (n < 0) return errno == EINTR;
  if (n == 0 && err == WOLFSSL_ERROR_WANT_READ) return now_ms() < deadline && wolfSSL_dtls_got_timeout(ssl) == WOLFSSL_SUCCESS;
  return 1;
}

#ifndef DTLS12
/* Whether the server's NewSessionTicket came (wolfSSL's ticket callback is TLS 1.2's only). */
static int has_ticket(WOLFSSL *ssl) {
  unsigned char ticket[4096];
  word32 length = sizeof ticket;
  return wolfSSL_get_SessionTicket(ssl, ticket, &length) == WOLFSSL_SUCCESS && length > 0;
}
#endif

/* One full handshake; 1 once connected, 0 on any failure or after HANDSHAKE_TIMEOUT_MS. */
static int handshake(void) {
  int fd = open_socket();
  if (fd < 0) return 0;
  WOLFSSL *ssl = wolfSSL_new(ctx);
  int ok = 0;
  if (ssl == NULL || wolfSSL_set_fd(ssl, fd) != WOLFSSL_SUCCESS || wolfSSL_dtls_set_peer(ssl, &server, server_len) != WOLFSSL_SUCCESS ||
      wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, server_name, (unsigned short)strlen(server_name)) != WOLFSSL_SUCCESS ||
      wolfSSL_check_domain_name(ssl, server_name) != WOLFSSL_SUCCESS)
    goto done;
#ifndef DTLS12
  if (wolfSSL_UseKeyShare(ssl, WOLFSSL_ECC_X25519) != WOLFSSL_SUCCESS) goto done;
#endif
  wolfSSL_dtls_set_using_nonblock(ssl, 1);
  long long deadline = now_ms() + HANDSHAKE_TIMEOUT_MS;
  while (wolfSSL_connect(ssl) != WOLFSSL_SUCCESS)
    if (!await_io(ssl, fd, deadline)) goto done;
  ok = 1;
#ifndef DTLS12
  /* The server's ACK of our Finished and its NewSessionTicket, which wolfSSL_read takes in and ACKs. */
  long long until = now_ms() + TICKET_WAIT_MS;
  char buffer[256];
  while (wolfSSL_read(ssl, buffer, sizeof buffer) > 0 || (!has_ticket(ssl) && await_io(ssl, fd, until < deadline ? until : deadline)))
    ;
#endif
done:
  if (ssl != NULL) wolfSSL_free(ssl);
  close(fd);
  return ok;
}

static void *run_lane(void *arg) {
  struct lane *lane = arg;
  while (now_ms() < end_ms) {
    int ok = handshake();
    if (!ok)
      lane->failures++;
    else if (now_ms() <= end_ms)
      lane->handshakes++;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 7) fail("usage", PROGRAM " <host> <port> <ca.pem> <servername> <threads> <ms>");
  int threads = atoi(argv[5]);
  int ms = atoi(argv[6]);
  if (threads < 1 || ms < 1) fail("usage", "threads and ms must be integers >= 1");
  server_name = argv[4];

  struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *found;
  int gai = getaddrinfo(argv[1], argv[2], &hints, &found);
  if (gai != 0) fail(argv[1], gai_strerror(gai));
  memcpy(&server, found->ai_addr, found->ai_addrlen);
  server_len = found->ai_addrlen;
  freeaddrinfo(found);

  if (wolfSSL_Init() != WOLFSSL_SUCCESS) fail("wolfSSL_Init", "failed");
#ifdef DTLS12
  ctx = wolfSSL_CTX_new(wolfDTLSv1_2_client_method());
  if (ctx == NULL) fail("wolfSSL_CTX_new", "no DTLS 1.2 client method");
#else
  ctx = wolfSSL_CTX_new(wolfDTLSv1_3_client_method());
  if (ctx == NULL) fail("wolfSSL_CTX_new", "no DTLS 1.3 client method");
#endif
  if (wolfSSL_CTX_load_verify_locations(ctx, argv[3], NULL) != WOLFSSL_SUCCESS) fail(argv[3], "not loaded as CA certificates");
  wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, NULL);
#ifdef DTLS12
  if (wolfSSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256") != WOLFSSL_SUCCESS) fail("wolfSSL_CTX_set_cipher_list", "failed");
  if (wolfSSL_CTX_UseSupportedCurve(ctx, WOLFSSL_ECC_X25519) != WOLFSSL_SUCCESS ||
      wolfSSL_CTX_UseSupportedCurve(ctx, WOLFSSL_ECC_SECP256R1) != WOLFSSL_SUCCESS)
    fail("wolfSSL_CTX_UseSupportedCurve", "failed");
#else
  int groups[] = {WOLFSSL_ECC_X25519, WOLFSSL_ECC_SECP256R1, WOLFSSL_ECC_SECP384R1};
  if (wolfSSL_CTX_set_groups(ctx, groups, 3) != WOLFSSL_SUCCESS) fail("wolfSSL_CTX_set_groups", "failed");
#endif
  /* No session cache: every handshake is a full one. */
  wolfSSL_CTX_set_session_cache_mode(ctx, WOLFSSL_SESS_CACHE_OFF);

  struct lane *lanes = calloc((size_t)threads, sizeof *lanes);
  if (lanes == NULL) fail("calloc", strerror(errno));
  double cpu0 = cpu_ms();
  long long t0 = now_ms();
  end_ms = t0 + ms;
  for (int i = 0; i < threads; i++)
    if (pthread_create(&lanes[i].thread, NULL, run_lane, &lanes[i]) != 0) fail("pthread_create", strerror(errno));
  long handshakes = 0, failures = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(lanes[i].thread, NULL);
    handshakes += lanes[i].handshakes;
    failures += lanes[i].failures;
  }
  long long elapsed = now_ms() - t0;
  printf("{\"handshakes\":%ld,\"failures\":%ld,\"ms\":%lld,\"cpuMs\":%.1f}\n", handshakes, failures, elapsed, cpu_ms() - cpu0);
  wolfSSL_CTX_free(ctx);
  wolfSSL_Cleanup();
  free(lanes);
  return 0;
}
