/*
 * A DTLS peer program on BoringSSL's public API, for dtls13's interoperability
 * tests (tests/interop/boringssl*.ts). Built by tests/interop/build-boringssl.sh.
 *
 * One connected UDP socket on 127.0.0.1 per connection, non-blocking, driven
 * by poll() with DTLSv1_get_timeout / DTLSv1_handle_timeout for
 * retransmissions. Everything it reports goes to stdout, one event a line,
 * "<event>: key=value key=value ...", line-buffered:
 *
 *   listening: port=N                          (server, once bound)
 *   ready: conn=N                              (server, taking ClientHellos from any address for connection N)
 *   accepted: conn=N from=ADDR:PORT            (server, a ClientHello arrived)
 *   session: loaded bytes=N                    (client, --session-in)
 *   connected: conn=N version=... cipher=... group=... alpn=... sni=... resumed=0|1 hrr=0|1
 *              peer_cert=SHA256HEX|- read_epoch=N write_epoch=N exporter=HEX
 *   key_update: conn=N requested=1 idle=0|1
 *   sent: conn=N hex=...
 *   data: conn=N hex=...                       (application data received)
 *   ticket: bytes=N                            (client: a NewSessionTicket made a resumable session)
 *   alert: dir=read|write level=... desc=...
 *   msg: dir=read|write type=handshake|ack|alert len=N hex=...   (--trace)
 *   closed: conn=N reason=close_notify|idle|done read_epoch=N write_epoch=N
 *   error: conn=N where=... ssl_error=N detail=...
 *   done: connections=N errors=N
 *
 * It always exits by itself: every wait is bounded by --timeout-ms (the
 * whole run) and alarm() kills it a little after that in any case.
 * Exit status: 0 when every connection went as asked, 1 otherwise, 2 for a
 * usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define MAX_MESSAGES 16
#define MAX_RECORD 16384

struct options {
  int server;
  const char *host;
  int port;
  const char *cert;
  const char *key;
  const char *ca;
  int require_cert;
  const char *verify_host;
  const char *groups;
  const char *key_shares;
  const char *ciphers;
  const char *alpn;
  const char *sni;
  int mtu;
  int key_update;
  const char *session_in;
  const char *session_out;
  const char *ticket_key_hex;
  int tickets;
  int connections;
  int timeout_ms;
  int idle_ms;
  int ticket_wait_ms;
  const char *messages[MAX_MESSAGES];
  int n_messages;
  const char *exporter_label;
  const char *exporter_context;
  int exporter_length;
  const char *min_version;
  const char *max_version;
  int trace;
  int verify_ed25519;
  int pause_ms;
};

static struct options opt;
static long long run_deadline;
static int ticket_seen;
static int conn_no;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_hex(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes hex into out (capacity cap); returns the length, or -1. */
static int from_hex(const char *s, uint8_t *out, size_t cap) {
  size_t n = strlen(s);
  if (n % 2 != 0 || n / 2 > cap) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (uint8_t)(hi * 16 + lo);
  }
  return (int)(n / 2);
}

/* The OpenSSL error queue as one line (no spaces, so it stays one value). */
static void print_error(const char *where, const SSL *ssl, int ret) {
  int ssl_error = ssl ? SSL_get_error(ssl, ret) : 0;
  printf("error: conn=%d where=%s ssl_error=%d errno=%d detail=", conn_no, where, ssl_error, errno);
  uint32_t e;
  int first = 1;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    for (char *c = buf; *c; c++)
      if (*c == ' ') *c = '_';
    printf("%s%s", first ? "" : ";", buf);
    first = 0;
  }
  if (first) printf("-");
  printf("\n");
}

static void info_callback(const SSL *ssl, int type, int value) {
  (void)ssl;
  if (type & SSL_CB_ALERT) {
    char desc[64];
    snprintf(desc, sizeof desc, "%s", SSL_alert_desc_string_long(value));
    for (char *c = desc; *c; c++)
      if (*c == ' ') *c = '_';
    printf("alert: dir=%s level=%s desc=%s\n", (type & SSL_CB_READ) ? "read" : "write", SSL_alert_type_string_long(value), desc);
  }
}

/* --trace: every handshake message, ACK and alert as BoringSSL writes or reads it (the first 64 bytes). */
static void message_callback(int is_write, int version, int content_type, const void *buf, size_t len, SSL *ssl, void *arg) {
  (void)version;
  (void)ssl;
  (void)arg;
  const char *type = content_type == SSL3_RT_HANDSHAKE ? "handshake" : content_type == SSL3_RT_ACK ? "ack" : content_type == SSL3_RT_ALERT ? "alert" : NULL;
  if (!type) return;
  printf("msg: dir=%s type=%s len=%zu hex=", is_write ? "write" : "read", type, len);
  print_hex((const uint8_t *)buf, len < 64 ? len : 64);
  printf("\n");
}

/*
 * Waits until the socket is readable, running DTLS retransmission timers
 * meanwhile. Returns 1 when readable, 0 when `deadline` passed, -1 on error.
 */
static int wait_readable(SSL *ssl, int fd, long long deadline) {
  for (;;) {
    long long now = now_ms();
    if (now >= deadline || now >= run_deadline) return 0;
    long long wait = (deadline < run_deadline ? deadline : run_deadline) - now;
    struct timeval tv;
    int timer = DTLSv1_get_timeout(ssl, &tv);
    if (timer) {
      long long t = (long long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
      if (t < wait) wait = t;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, (int)wait);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r > 0) return 1;
    if (timer && DTLSv1_handle_timeout(ssl) < 0) {
      print_error("timer", ssl, -1);
      return -1;
    }
  }
}

static void wait_writable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  poll(&p, 1, 50);
}

static int do_handshake(SSL *ssl, int fd) {
  for (;;) {
    int r = SSL_do_handshake(ssl);
    if (r == 1) return 1;
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ) {
      int w = wait_readable(ssl, fd, run_deadline);
      if (w == 0) {
        printf("error: conn=%d where=handshake ssl_error=0 errno=0 detail=timeout\n", conn_no);
        return 0;
      }
      if (w < 0) return 0;
      continue;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
      wait_writable(fd);
      continue;
    }
    print_error("handshake", ssl, r);
    return 0;
  }
}

/* Reads one record's data into buf. Returns its length (> 0), 0 on close_notify, -1 on error, -2 when `deadline` passed. */
static int read_data(SSL *ssl, int fd, uint8_t *buf, int cap, long long deadline, int report_timeout) {
  for (;;) {
    int r = SSL_read(ssl, buf, cap);
    if (r > 0) {
      printf("data: conn=%d hex=", conn_no);
      print_hex(buf, (size_t)r);
      printf("\n");
      return r;
    }
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    if (e == SSL_ERROR_WANT_READ) {
      int w = wait_readable(ssl, fd, deadline);
      if (w == 0) {
        if (report_timeout) printf("error: conn=%d where=read ssl_error=0 errno=0 detail=timeout\n", conn_no);
        return -2;
      }
      if (w < 0) return -1;
      continue;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
      wait_writable(fd);
      continue;
    }
    print_error("read", ssl, r);
    return -1;
  }
}

static int write_data(SSL *ssl, int fd, const uint8_t *data, int len) {
  for (int attempt = 0; attempt < 100; attempt++) {
    int r = SSL_write(ssl, data, len);
    if (r == len) {
      printf("sent: conn=%d hex=", conn_no);
      print_hex(data, (size_t)len);
      printf("\n");
      return 1;
    }
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_WRITE) {
      wait_writable(fd);
      continue;
    }
    print_error("write", ssl, r);
    return 0;
  }
  printf("error: conn=%d where=write ssl_error=0 errno=0 detail=blocked\n", conn_no);
  return 0;
}

/* Application data read while waiting for the handshake machinery to go idle, to be echoed afterwards. */
struct held {
  uint8_t data[MAX_MESSAGES][2048];
  int length[MAX_MESSAGES];
  int count;
};

/*
 * Keeps reading (printing any data, and keeping it in `held` when given)
 * until the handshake machinery is idle: no flight of ours outstanding
 * (NewSessionTickets, a KeyUpdate, the client's Finished) and no KeyUpdate
 * queued; at most `ms`. Returns 0 if the peer closed or failed meanwhile.
 */
static int settle(SSL *ssl, int fd, int ms, struct held *held) {
  long long deadline = now_ms() + ms;
  uint8_t buf[MAX_RECORD];
  while (!SSL_is_dtls_handshake_idle(ssl) && now_ms() < deadline) {
    int r = read_data(ssl, fd, buf, sizeof buf, deadline, 0);
    if (r == 0 || r == -1) return 0;
    if (r > 0 && held) {
      if (held->count == MAX_MESSAGES || r > (int)sizeof held->data[0]) return 0;
      memcpy(held->data[held->count], buf, (size_t)r);
      held->length[held->count++] = r;
    }
  }
  return 1;
}

/*
 * SSL_key_update(requested). BoringSSL (built with GCC) sends a KeyUpdate
 * that was requested while one of its flights is outstanding as
 * update_not_requested: it queues it in a 2-bit bit-field of a signed enum
 * (ssl/internal.h, DTLS1_STATE::queued_key_update), where kUpdateRequested (2)
 * reads back as -2. So --key-update first waits until the handshake is idle;
 * --key-update-now does not (to show the deviation).
 */
static int key_update(SSL *ssl, int fd, struct held *held) {
  if (opt.key_update == 1 && !settle(ssl, fd, 3000, held)) return 0;
  printf("key_update: conn=%d requested=1 idle=%d\n", conn_no, SSL_is_dtls_handshake_idle(ssl));
  if (!SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED)) {
    print_error("key_update", ssl, 0);
    return 0;
  }
  return 1;
}

static void report_connected(SSL *ssl) {
  const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
  uint16_t group = SSL_get_group_id(ssl);
  const char *group_name = group ? SSL_get_group_name(group) : NULL;
  const uint8_t *alpn = NULL;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  const char *sni = opt.server ? SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) : opt.sni;
  printf("connected: conn=%d version=%s cipher=%s group=%s alpn=", conn_no, SSL_get_version(ssl),
         cipher ? SSL_CIPHER_standard_name(cipher) : "-", group_name ? group_name : "-");
  if (alpn_len > 0)
    printf("%.*s", (int)alpn_len, (const char *)alpn);
  else
    printf("-");
  printf(" sni=%s resumed=%d hrr=%d peer_cert=", sni ? sni : "-", SSL_session_reused(ssl), SSL_used_hello_retry_request(ssl));
  X509 *peer = SSL_get_peer_certificate(ssl);
  if (peer) {
    uint8_t *der = NULL;
    int len = i2d_X509(peer, &der);
    if (len > 0) {
      uint8_t digest[SHA256_DIGEST_LENGTH];
      SHA256(der, (size_t)len, digest);
      print_hex(digest, sizeof digest);
    } else {
      printf("?");
    }
    OPENSSL_free(der);
    X509_free(peer);
  } else {
    printf("-");
  }
  printf(" read_epoch=%u write_epoch=%u exporter=", SSL_get_dtls_read_epoch(ssl), SSL_get_dtls_write_epoch(ssl));
  uint8_t ekm[256];
  const char *ctx = opt.exporter_context;
  if (SSL_export_keying_material(ssl, ekm, (size_t)opt.exporter_length, opt.exporter_label, strlen(opt.exporter_label),
                                 (const uint8_t *)(ctx ? ctx : ""), ctx ? strlen(ctx) : 0, ctx != NULL))
    print_hex(ekm, (size_t)opt.exporter_length);
  else
    printf("-");
  printf("\n");
}

static void report_closed(SSL *ssl, const char *reason) {
  printf("closed: conn=%d reason=%s read_epoch=%u write_epoch=%u\n", conn_no, reason, SSL_get_dtls_read_epoch(ssl),
         SSL_get_dtls_write_epoch(ssl));
}

/* Sends close_notify once (not waiting for the peer's). */
static void send_close_notify(SSL *ssl) {
  SSL_set_quiet_shutdown(ssl, 0);
  SSL_shutdown(ssl);
}

static int new_session_callback(SSL *ssl, SSL_SESSION *session) {
  (void)ssl;
  uint8_t *bytes = NULL;
  size_t len = 0;
  if (!SSL_SESSION_to_bytes(session, &bytes, &len)) {
    print_error("session", NULL, 0);
    return 0;
  }
  printf("ticket: bytes=%zu\n", len);
  ticket_seen = 1;
  if (opt.session_out) {
    FILE *f = fopen(opt.session_out, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len) printf("error: conn=%d where=session-out ssl_error=0 errno=%d detail=write\n", conn_no, errno);
    if (f) fclose(f);
  }
  OPENSSL_free(bytes);
  return 0; /* not taking a reference */
}

static int alpn_select(SSL *ssl, const uint8_t **out, uint8_t *out_len, const uint8_t *in, unsigned in_len, void *arg) {
  (void)ssl;
  (void)arg;
  /* Our preference order (--alpn a,b,c) first, among the client's offer. */
  const char *p = opt.alpn;
  while (*p) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    for (unsigned i = 0; i < in_len;) {
      unsigned l = in[i];
      if (i + 1 + l > in_len) break;
      if (l == n && memcmp(in + i + 1, p, n) == 0) {
        *out = in + i + 1;
        *out_len = (uint8_t)l;
        return SSL_TLSEXT_ERR_OK;
      }
      i += 1 + l;
    }
    if (!end) break;
    p = end + 1;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static int servername_callback(SSL *ssl, int *alert, void *arg) {
  (void)arg;
  const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (opt.sni && (!name || strcmp(name, opt.sni) != 0)) {
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  return SSL_TLSEXT_ERR_OK;
}

static int parse_version(const char *s, uint16_t *out) {
  if (strcmp(s, "1.2") == 0) *out = DTLS1_2_VERSION;
  else if (strcmp(s, "1.3") == 0) *out = DTLS1_3_VERSION;
  else return 0;
  return 1;
}

static SSL_CTX *make_context(void) {
  SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
  if (!ctx) return NULL;
  SSL_CTX_set_info_callback(ctx, info_callback);
  if (opt.trace) SSL_CTX_set_msg_callback(ctx, message_callback);
  uint16_t v;
  if (opt.min_version && (!parse_version(opt.min_version, &v) || !SSL_CTX_set_min_proto_version(ctx, v))) return NULL;
  if (opt.max_version && (!parse_version(opt.max_version, &v) || !SSL_CTX_set_max_proto_version(ctx, v))) return NULL;
  if (opt.groups && !SSL_CTX_set1_groups_list(ctx, opt.groups)) return NULL;
  if (opt.verify_ed25519) {
    /* BoringSSL's default verify list without Ed25519, then Ed25519: it accepts (and offers) Ed25519 signatures only when told. */
    static const uint16_t prefs[] = {SSL_SIGN_ECDSA_SECP256R1_SHA256, SSL_SIGN_RSA_PSS_RSAE_SHA256, SSL_SIGN_ECDSA_SECP384R1_SHA384,
                                     SSL_SIGN_RSA_PSS_RSAE_SHA384,    SSL_SIGN_RSA_PSS_RSAE_SHA512, SSL_SIGN_ED25519};
    if (!SSL_CTX_set_verify_algorithm_prefs(ctx, prefs, sizeof prefs / sizeof prefs[0])) return NULL;
  }
  /* TLS 1.3 suites are not configurable in BoringSSL: this list applies to DTLS 1.2 only. */
  if (opt.ciphers && !SSL_CTX_set_strict_cipher_list(ctx, opt.ciphers)) return NULL;
  if (opt.cert && SSL_CTX_use_certificate_chain_file(ctx, opt.cert) != 1) return NULL;
  if (opt.key && SSL_CTX_use_PrivateKey_file(ctx, opt.key, SSL_FILETYPE_PEM) != 1) return NULL;
  if (opt.ca) {
    if (SSL_CTX_load_verify_locations(ctx, opt.ca, NULL) != 1) return NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (opt.require_cert ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  }
  if (opt.server) {
    uint8_t keys[48];
    if (opt.ticket_key_hex) {
      if (from_hex(opt.ticket_key_hex, keys, sizeof keys) != 48) return NULL;
    } else {
      for (size_t i = 0; i < sizeof keys; i++) keys[i] = (uint8_t)(0x42 + i);
    }
    /* One fixed ticket key: tickets from one connection (or one run) resume in the next. */
    if (!SSL_CTX_set_tlsext_ticket_keys(ctx, keys, sizeof keys)) return NULL;
    if (opt.tickets >= 0 && !SSL_CTX_set_num_tickets(ctx, (size_t)opt.tickets)) return NULL;
    if (opt.alpn) SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
    SSL_CTX_set_tlsext_servername_callback(ctx, servername_callback);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(ctx, new_session_callback);
    if (opt.alpn) {
      uint8_t wire[512];
      size_t n = 0;
      const char *p = opt.alpn;
      for (;;) {
        const char *end = strchr(p, ',');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l == 0 || l > 255 || n + 1 + l > sizeof wire) return NULL;
        wire[n++] = (uint8_t)l;
        memcpy(wire + n, p, l);
        n += l;
        if (!end) break;
        p = end + 1;
      }
      if (SSL_CTX_set_alpn_protos(ctx, wire, n) != 0) return NULL; /* zero is success here */
    }
  }
  return ctx;
}

/* Per-connection settings. */
static int configure(SSL *ssl, int fd) {
  BIO *bio = BIO_new_socket(fd, BIO_NOCLOSE);
  if (!bio) return 0;
  SSL_set_bio(ssl, bio, bio);
  if (opt.mtu > 0) {
    SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
    if (!SSL_set_mtu(ssl, (unsigned)opt.mtu)) return 0;
  }
  if (!opt.server) {
    if (opt.sni && !SSL_set_tlsext_host_name(ssl, opt.sni)) return 0;
    if (opt.verify_host && !SSL_set1_host(ssl, opt.verify_host)) return 0;
    if (opt.key_shares) {
      uint16_t ids[8];
      size_t n = 0;
      char list[256];
      snprintf(list, sizeof list, "%s", opt.key_shares);
      for (char *save = NULL, *name = strtok_r(list, ":", &save); name; name = strtok_r(NULL, ":", &save)) {
        uint16_t id = 0;
        if (strcmp(name, "P-256") == 0) id = SSL_GROUP_SECP256R1;
        else if (strcmp(name, "P-384") == 0) id = SSL_GROUP_SECP384R1;
        else if (strcmp(name, "P-521") == 0) id = SSL_GROUP_SECP521R1;
        else if (strcmp(name, "X25519") == 0) id = SSL_GROUP_X25519;
        else if (strcmp(name, "X25519MLKEM768") == 0) id = SSL_GROUP_X25519_MLKEM768;
        else if (strcmp(name, "none") == 0) continue;
        else return 0;
        if (n == 8) return 0;
        ids[n++] = id;
      }
      if (!SSL_set1_client_key_shares(ssl, ids, n)) return 0;
    }
    if (opt.session_in) {
      FILE *f = fopen(opt.session_in, "rb");
      if (!f) return 0;
      static uint8_t buf[65536];
      size_t len = fread(buf, 1, sizeof buf, f);
      fclose(f);
      SSL_SESSION *session = SSL_SESSION_from_bytes(buf, len, SSL_get_SSL_CTX(ssl));
      if (!session) return 0;
      printf("session: loaded bytes=%zu\n", len);
      int ok = SSL_set_session(ssl, session);
      SSL_SESSION_free(session);
      if (!ok) return 0;
    }
  }
  return 1;
}

static int set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

/* Client: handshake, optional KeyUpdate, each message sent and its echo read, close. */
static int run_client(SSL_CTX *ctx) {
  conn_no = 1;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
  if (fd < 0 || inet_pton(AF_INET, opt.host, &to.sin_addr) != 1 || connect(fd, (struct sockaddr *)&to, sizeof to) != 0 ||
      !set_nonblocking(fd)) {
    printf("error: conn=1 where=socket ssl_error=0 errno=%d detail=-\n", errno);
    return 0;
  }
  SSL *ssl = SSL_new(ctx);
  if (!ssl || !configure(ssl, fd)) {
    print_error("configure", NULL, 0);
    return 0;
  }
  SSL_set_connect_state(ssl);
  int ok = do_handshake(ssl, fd);
  if (ok) {
    report_connected(ssl);
    if (opt.key_update) ok = key_update(ssl, fd, NULL);
  }
  uint8_t buf[MAX_RECORD];
  const char *reason = "done";
  for (int i = 0; ok && i < opt.n_messages; i++) {
    ok = write_data(ssl, fd, (const uint8_t *)opt.messages[i], (int)strlen(opt.messages[i]));
    if (!ok) break;
    int r = read_data(ssl, fd, buf, sizeof buf, now_ms() + opt.idle_ms, 1);
    if (r <= 0) {
      ok = 0;
      if (r == 0) reason = "close_notify";
      break;
    }
    if (r != (int)strlen(opt.messages[i]) || memcmp(buf, opt.messages[i], (size_t)r) != 0) {
      printf("error: conn=1 where=echo ssl_error=0 errno=0 detail=mismatch\n");
      ok = 0;
    }
    /* Let KeyUpdates and their ACKs finish before the next message, so it goes under the new keys. */
    if (ok && !settle(ssl, fd, 2000, NULL)) ok = 0;
    /* --pause-ms: keep reading (and running timers: BoringSSL sends its ACKs from a timer) for a while. */
    if (ok && opt.pause_ms > 0) {
      int r = read_data(ssl, fd, buf, sizeof buf, now_ms() + opt.pause_ms, 0);
      if (r == 0) reason = "close_notify";
      if (r != -2) ok = 0;
    }
  }
  if (ok && opt.session_out && !ticket_seen) {
    long long deadline = now_ms() + opt.ticket_wait_ms;
    while (!ticket_seen && now_ms() < deadline) {
      int r = read_data(ssl, fd, buf, sizeof buf, deadline, 0);
      if (r == 0 || r == -1) break;
    }
    if (!ticket_seen) {
      printf("error: conn=1 where=ticket ssl_error=0 errno=0 detail=no_ticket_within_%dms\n", opt.ticket_wait_ms);
      ok = 0;
    }
  }
  if (ssl && SSL_is_init_finished(ssl)) {
    report_closed(ssl, reason);
    if (strcmp(reason, "close_notify") != 0) send_close_notify(ssl);
  }
  SSL_free(ssl);
  close(fd);
  return ok;
}

/* Whether a datagram starts with a DTLSPlaintext handshake record carrying a ClientHello. */
static int looks_like_client_hello(const uint8_t *d, ssize_t n) {
  return n > 13 && d[0] == 22 && d[13] == 1;
}

/* Server: each connection in turn: wait for a ClientHello, handshake, send --send's messages, echo until close_notify or idle. */
/*
 * The server's socket on --host:--port. Linux forgets the port of a UDP socket
 * that was bound to port 0 when it is disconnected (connect(AF_UNSPEC)), so
 * for --port 0 a free port is found first and then bound explicitly.
 */
static int server_socket(struct sockaddr_in *at) {
  for (int attempt = 0; attempt < 10; attempt++) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    socklen_t len = sizeof a;
    if (inet_pton(AF_INET, opt.host, &a.sin_addr) != 1) return -1;
    if (opt.port == 0) {
      int probe = socket(AF_INET, SOCK_DGRAM, 0);
      if (probe < 0 || bind(probe, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(probe, (struct sockaddr *)&a, &len) != 0) return -1;
      close(probe);
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && set_nonblocking(fd)) {
      *at = a;
      return fd;
    }
    close(fd);
    if (opt.port != 0) return -1; /* a fixed port that is taken */
  }
  return -1;
}

static int run_server(SSL_CTX *ctx) {
  struct sockaddr_in at;
  int fd = server_socket(&at);
  if (fd < 0) {
    printf("error: conn=0 where=bind ssl_error=0 errno=%d detail=%s\n", errno, strerror(errno));
    return 0;
  }
  printf("listening: port=%u\n", ntohs(at.sin_port));
  int failures = 0;
  for (conn_no = 1; conn_no <= opt.connections; conn_no++) {
    /* The next ClientHello; anything else (the last connection's stragglers) is dropped. Until the socket is
     * disconnected again, a ClientHello from another address is refused by the kernel (ICMP port unreachable). */
    printf("ready: conn=%d\n", conn_no);
    struct sockaddr_in from;
    for (;;) {
      long long left = run_deadline - now_ms();
      if (left <= 0) {
        printf("error: conn=%d where=accept ssl_error=0 errno=0 detail=timeout\n", conn_no);
        return 0;
      }
      struct pollfd p = {.fd = fd, .events = POLLIN};
      if (poll(&p, 1, (int)left) <= 0) continue;
      uint8_t d[64];
      socklen_t from_len = sizeof from;
      ssize_t n = recvfrom(fd, d, sizeof d, MSG_PEEK | MSG_TRUNC, (struct sockaddr *)&from, &from_len);
      if (n < 0) continue;
      if (looks_like_client_hello(d, n)) break;
      recv(fd, d, sizeof d, 0);
    }
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from.sin_addr, addr, sizeof addr);
    printf("accepted: conn=%d from=%s:%u\n", conn_no, addr, ntohs(from.sin_port));
    if (connect(fd, (struct sockaddr *)&from, sizeof from) != 0) {
      printf("error: conn=%d where=connect ssl_error=0 errno=%d detail=-\n", conn_no, errno);
      return 0;
    }
    SSL *ssl = SSL_new(ctx);
    if (!ssl || !configure(ssl, fd)) {
      print_error("configure", NULL, 0);
      return 0;
    }
    SSL_set_accept_state(ssl);
    int ok = do_handshake(ssl, fd);
    const char *reason = "failed";
    if (ok) {
      report_connected(ssl);
      uint8_t buf[MAX_RECORD];
      static struct held held;
      held.count = 0;
      if (opt.key_update && !key_update(ssl, fd, &held)) ok = 0;
      /* --send: the server writes first, right after the handshake, before it reads anything. */
      for (int i = 0; ok && i < opt.n_messages; i++) ok = write_data(ssl, fd, (const uint8_t *)opt.messages[i], (int)strlen(opt.messages[i]));
      /* What arrived while waiting to update the keys is echoed first. */
      for (int i = 0; ok && i < held.count; i++) ok = write_data(ssl, fd, held.data[i], held.length[i]);
      while (ok) {
        int r = read_data(ssl, fd, buf, sizeof buf, now_ms() + opt.idle_ms, 0);
        if (r == 0) {
          reason = "close_notify";
          break;
        }
        if (r == -2) {
          reason = "idle";
          break;
        }
        if (r < 0 || !write_data(ssl, fd, buf, r)) {
          ok = 0;
          break;
        }
      }
      report_closed(ssl, reason);
      if (strcmp(reason, "close_notify") == 0) send_close_notify(ssl);
    }
    if (!ok) failures++;
    SSL_free(ssl);
    /* Dissolve the association so the next client's ClientHello reaches the socket. */
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    connect(fd, &unspec, sizeof unspec);
  }
  conn_no = opt.connections;
  close(fd);
  return failures == 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: peer server|client [options] | peer --help | peer --version\n"
          "  --host ADDR (127.0.0.1)  --port N (server: 0 = any; client: required)\n"
          "  --cert PEM --key PEM     own certificate chain and key\n"
          "  --ca PEM                 verify the peer against these anchors (server: asks for a client certificate)\n"
          "  --require-cert           server: refuse a client without a certificate\n"
          "  --verify-host NAME       client: the server certificate must name NAME\n"
          "  --groups LIST            SSL_CTX_set1_groups_list, e.g. X25519MLKEM768:X25519:P-256\n"
          "  --key-shares LIST        client: SSL_set1_client_key_shares (names as in --groups; 'none' = empty)\n"
          "  --ciphers LIST           SSL_CTX_set_strict_cipher_list (DTLS 1.2 suites only)\n"
          "  --alpn a,b               client: offer; server: choose by this preference (no match: alert)\n"
          "  --sni NAME               client: send; server: refuse any other name (unrecognized_name)\n"
          "  --mtu N                  SSL_OP_NO_QUERY_MTU + SSL_set_mtu\n"
          "  --key-update             SSL_key_update(requested) right after the handshake, once no flight is outstanding\n"
          "  --key-update-now         the same without waiting (BoringSSL then sends update_not_requested)\n"
          "  --send TEXT              client: send TEXT and expect it echoed; server: send TEXT right after the handshake,\n"
          "                           before reading (repeatable)\n"
          "  --session-in FILE --session-out FILE   client: resume / save the session (SSL_SESSION_to_bytes)\n"
          "  --ticket-wait-ms N       client with --session-out: wait this long for a ticket (3000)\n"
          "  --ticket-key HEX         server: the 48-byte ticket key (default: a fixed one)\n"
          "  --tickets N              server: SSL_CTX_set_num_tickets\n"
          "  --connections N          server: serve N connections in turn (1)\n"
          "  --exporter-label L --exporter-context C --exporter-length N\n"
          "  --min-version 1.2|1.3 --max-version 1.2|1.3\n"
"  --verify-ed25519         accept Ed25519 signatures (SSL_CTX_set_verify_algorithm_prefs; not in BoringSSL's default list)\n"
          "  --trace                  print each handshake message, ACK and alert (msg: lines)\n"
          "  --pause-ms N             client: after each echo, keep reading for N ms (BoringSSL's ACK timer runs meanwhile)\n"
          "  --idle-ms N              wait this long for data (5000)\n"
          "  --timeout-ms N           the whole run (20000)\n"
          "  --version\n");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  opt.host = "127.0.0.1";
  opt.port = -1;
  opt.connections = 1;
  opt.timeout_ms = 20000;
  opt.idle_ms = 5000;
  opt.ticket_wait_ms = 3000;
  opt.tickets = -1;
  opt.exporter_label = "EXPERIMENTAL dtls13 interop";
  opt.exporter_length = 32;
  if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
    usage();
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
    printf("boringssl-peer %s DTLS_method dtls1.3\n", OPENSSL_VERSION_TEXT);
    return 0;
  }
  if (argc < 2 || (strcmp(argv[1], "server") != 0 && strcmp(argv[1], "client") != 0)) {
    usage();
    return 2;
  }
  opt.server = strcmp(argv[1], "server") == 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define STR(flag, field) \
  if (strcmp(a, flag) == 0 && v) { \
    opt.field = v; \
    i++; \
    continue; \
  }
#define INT(flag, field) \
  if (strcmp(a, flag) == 0 && v) { \
    opt.field = atoi(v); \
    i++; \
    continue; \
  }
    STR("--host", host)
    INT("--port", port)
    STR("--cert", cert)
    STR("--key", key)
    STR("--ca", ca)
    STR("--verify-host", verify_host)
    STR("--groups", groups)
    STR("--key-shares", key_shares)
    STR("--ciphers", ciphers)
    STR("--alpn", alpn)
    STR("--sni", sni)
    INT("--mtu", mtu)
    STR("--session-in", session_in)
    STR("--session-out", session_out)
    INT("--ticket-wait-ms", ticket_wait_ms)
    STR("--ticket-key", ticket_key_hex)
    INT("--tickets", tickets)
    INT("--connections", connections)
    STR("--exporter-label", exporter_label)
    STR("--exporter-context", exporter_context)
    INT("--exporter-length", exporter_length)
    STR("--min-version", min_version)
    STR("--max-version", max_version)
    INT("--idle-ms", idle_ms)
    INT("--pause-ms", pause_ms)
    INT("--timeout-ms", timeout_ms)
    if (strcmp(a, "--send") == 0 && v && opt.n_messages < MAX_MESSAGES) {
      opt.messages[opt.n_messages++] = v;
      i++;
      continue;
    }
    if (strcmp(a, "--require-cert") == 0) {
      opt.require_cert = 1;
      continue;
    }
    if (strcmp(a, "--verify-ed25519") == 0) {
      opt.verify_ed25519 = 1;
      continue;
    }
    if (strcmp(a, "--trace") == 0) {
      opt.trace = 1;
      continue;
    }
    if (strcmp(a, "--key-update") == 0) {
      opt.key_update = 1;
      continue;
    }
    if (strcmp(a, "--key-update-now") == 0) {
      opt.key_update = 2;
      continue;
    }
    fprintf(stderr, "unknown or incomplete option: %s\n", a);
    usage();
    return 2;
  }
  if (opt.timeout_ms <= 0 || opt.idle_ms <= 0 || opt.connections <= 0 || opt.exporter_length <= 0 || opt.exporter_length > 256 ||
      (opt.server ? (opt.port < 0 || opt.port > 65535) : (opt.port <= 0 || opt.port > 65535))) {
    if (!opt.server && opt.port < 0) fprintf(stderr, "--port is required\n");
    usage();
    return 2;
  }
  if (opt.server && !(opt.cert && opt.key)) {
    fprintf(stderr, "a server needs --cert and --key\n");
    return 2;
  }
  /* Whatever happens, the process ends: the run's deadline bounds every wait, SIGALRM a little after it. */
  run_deadline = now_ms() + opt.timeout_ms;
  alarm((unsigned)(opt.timeout_ms / 1000 + 5));

  SSL_CTX *ctx = make_context();
  if (!ctx) {
    print_error("setup", NULL, 0);
    printf("done: connections=0 errors=1\n");
    return 1;
  }
  int ok = opt.server ? run_server(ctx) : run_client(ctx);
  printf("done: connections=%d errors=%d\n", conn_no, ok ? 0 : 1);
  SSL_CTX_free(ctx);
  return ok ? 0 : 1;
}
