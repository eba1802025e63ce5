/* The N-API functions of the UDP data path (bind-udp.h). */
#include "bind-udp.h"

#include "napi-call.h"
#include "reuseport.h"
#include "udp.h"
#include "udp-socket.h"

#define MAX_SEND_BATCH 1024

/* What both sends take besides their datagrams: the descriptor, how many, the peer's IPv4 address and port. */
typedef struct {
  int32_t fd, count, port;
  uint32_t ipv4;
} send_args;

/* fd from argument 0; count, IPv4 address and port from arguments at, at + 1, at + 2. 0 (thrown) when one is wrong. */
static int send_args_read(call *c, size_t at, send_args *a) {
  a->fd = call_int(c, 0);
  a->count = call_int(c, at);
  a->port = call_int(c, at + 2);
  if (c->failed) return 0;
  if (napi_get_value_uint32(c->env, c->argv[at + 1], &a->ipv4) != napi_ok) return call_fail(c, "expected an IPv4 address as a number"), 0;
  if (a->count > MAX_SEND_BATCH || a->port > 65535) return call_fail(c, "count or port out of range"), 0;
  return 1;
}

/*
 * Sends `batch` as `a` says; the status array (argument status_at, an Int32Array, when given) gets in [0] the errno
 * that stopped the batch at the datagram after those sent (EMSGSIZE: refused as too large for the path), or 0. Its [1],
 * when it has one, is the socket's Don't Fragment mode as the caller keeps it (enum udp_df, udp.h), read and written
 * back; without it the socket is taken as the application's (UDP_DF_SWITCH).
 */
static napi_value send_and_report(call *c, const send_args *a, const struct udp_datagram *batch, size_t status_at) {
  napi_value result = NULL;
  int stopped = 0, df = UDP_DF_SWITCH;
  int32_t *status = NULL;
  size_t length = 0;
  if (c->argc > status_at) {
    napi_typedarray_type type;
    void *data = NULL;
    if (napi_get_typedarray_info(c->env, c->argv[status_at], &type, &length, &data, NULL, NULL) == napi_ok &&
        type == napi_int32_array && length > 0)
      status = data;
  }
  if (status != NULL && length > 1 && status[1] >= UDP_DF_SWITCH && status[1] <= UDP_DF_HELD) df = status[1];
  napi_create_int32(c->env, udp_send_batch(a->fd, batch, a->count, a->ipv4, (uint16_t)a->port, &stopped, &df), &result);
  if (status != NULL) status[0] = stopped;
  if (status != NULL && length > 1) status[1] = df;
  return result;
}

/*
 * udpSendBatch(fd, datagrams, count, ipv4, port[, status]) -> how many were sent (the
 * first ones), or -errno: `datagrams` is an array of Uint8Array, `ipv4` the
 * peer's address as a 32-bit number; port 0 sends to a connected socket's peer.
 * `status` (an Int32Array) gets in [0] the errno that stopped the batch at the
 * datagram after those sent (EMSGSIZE: refused as too large for the path), or 0.
 */
static napi_value udp_send_batch_js(napi_env env, napi_callback_info info) {
  call c;
  send_args a;
  struct udp_datagram batch[MAX_SEND_BATCH]; /* on the stack: worker threads may call in at once */
  if (!call_begin(&c, env, info, "udpSendBatch", 5) || !send_args_read(&c, 2, &a)) return NULL;
  for (int32_t i = 0; i < a.count; i++) {
    napi_value element;
    napi_typedarray_type type;
    size_t length = 0;
    void *data = NULL;
    if (napi_get_element(env, c.argv[1], (uint32_t)i, &element) != napi_ok ||
        napi_get_typedarray_info(env, element, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array)
      return call_fail(&c, "every datagram must be a Uint8Array"), NULL;
    batch[i].data = data != NULL ? data : (const uint8_t *)"";
    batch[i].length = length;
  }
  return send_and_report(&c, &a, batch, 5);
}

/*
 * udpSendLaid(fd, buffers, layout, count, ipv4, port[, status]) -> as udpSendBatch, for datagrams given as places in a
 * few buffers rather than a view each: `buffers` an array of Uint8Array (each usually a whole send slab), `layout` an
 * Int32Array of three per datagram (the index of its buffer, its offset in that buffer, its length). A turn's records
 * lie in one or two slabs, so a send of n datagrams costs two N-API calls per buffer instead of two per datagram.
 */
static napi_value udp_send_laid_js(napi_env env, napi_callback_info info) {
  call c;
  send_args a;
  struct udp_datagram batch[MAX_SEND_BATCH]; /* on the stack: worker threads may call in at once */
  const uint8_t *bases[MAX_SEND_BATCH];
  size_t sizes[MAX_SEND_BATCH];
  uint32_t buffer_count = 0;
  napi_typedarray_type type;
  size_t layout_length = 0;
  void *layout_data = NULL;
  if (!call_begin(&c, env, info, "udpSendLaid", 6) || !send_args_read(&c, 3, &a)) return NULL;
  if (napi_get_typedarray_info(env, c.argv[2], &type, &layout_length, &layout_data, NULL, NULL) != napi_ok ||
      type != napi_int32_array || layout_length < (size_t)a.count * 3)
    return call_fail(&c, "expected an Int32Array of three per datagram for the layout"), NULL;
  if (napi_get_array_length(env, c.argv[1], &buffer_count) != napi_ok || buffer_count > MAX_SEND_BATCH)
    return call_fail(&c, "expected an array of at most 1,024 buffers"), NULL;
  const int32_t *layout = layout_data;
  uint32_t read = 0; /* buffers read so far: only those the layout names, in the order it first names them */
  for (int32_t i = 0; i < a.count; i++) {
    int32_t b = layout[3 * i], offset = layout[3 * i + 1], length = layout[3 * i + 2];
    if (b < 0 || (uint32_t)b >= buffer_count) return call_fail(&c, "a datagram's buffer index is out of range"), NULL;
    while (read <= (uint32_t)b) {
      napi_value element;
      size_t size = 0;
      void *data = NULL;
      if (napi_get_element(env, c.argv[1], read, &element) != napi_ok ||
          napi_get_typedarray_info(env, element, &type, &size, &data, NULL, NULL) != napi_ok || type != napi_uint8_array)
        return call_fail(&c, "every buffer must be a Uint8Array"), NULL;
      bases[read] = data != NULL ? data : (const uint8_t *)"";
      sizes[read++] = size;
    }
    if (!span_within(sizes[b], offset, length)) return call_fail(&c, "a datagram lies outside its buffer"), NULL;
    batch[i].data = bases[b] + offset;
    batch[i].length = (size_t)length;
  }
  return send_and_report(&c, &a, batch, 6);
}

/*
 * udpRecvBatch(fd, slab, stride, meta) -> how many datagrams were waiting and
 * are now in `slab` (datagram i at i * stride; `stride` at least 65,536),
 * 0 when none, or -errno; `meta` (a Uint32Array of 3 per datagram) gets each
 * one's length, IPv4 address and port. As many as `meta` has room for, at
 * most UDP_MAX_BATCH.
 */
static napi_value udp_recv_batch_js(napi_env env, napi_callback_info info) {
  call c;
  size_t slab_length = 0, meta_length = 0;
  napi_typedarray_type type;
  void *meta = NULL;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "udpRecvBatch", 4)) return NULL;
  int32_t fd = call_int(&c, 0);
  uint8_t *slab = call_bytes(&c, 1, &slab_length);
  int32_t stride = call_int(&c, 2);
  if (c.failed) return NULL;
  if (napi_get_typedarray_info(env, c.argv[3], &type, &meta_length, &meta, NULL, NULL) != napi_ok || type != napi_uint32_array)
    return call_fail(&c, "expected a Uint32Array for the datagrams' lengths and addresses"), NULL;
  if (stride < 65536) return call_fail(&c, "the stride must be at least 65,536 bytes"), NULL;
  size_t count = meta_length / 3;
  if (count > slab_length / (size_t)stride) count = slab_length / (size_t)stride;
  if (count > UDP_MAX_BATCH) count = UDP_MAX_BATCH;
  napi_create_int32(env, udp_recv_batch(fd, slab, (size_t)stride, (int)count, (uint32_t *)meta), &result);
  return result;
}

/*
 * reuseportBind(address, port, v6only) -> fd or -errno: a SO_REUSEPORT UDP socket bound to `address` (4 or 16 bytes) and
 * `port`, joining the group there; reuseportBindFirst(address, port, v6only): a group's first socket, bound where no
 * socket is (udp-socket.h); reuseportSteer(fd, workerOffset) -> 0 or -errno; reuseportLocalPort(fd); reuseportClose(fd); reuseportDup(fd) -> a second descriptor or -errno (reuseport.c).
 * udpSocketBind(address, port, v6only) -> fd or -errno: the same without SO_REUSEPORT, a client's socket (udp-socket.c).
 */
static napi_value bind_js(napi_env env, napi_callback_info info, const char *name, int reuse_port) {
  call c;
  size_t length = 0;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, name, 3)) return NULL;
  const uint8_t *address = call_bytes(&c, 0, &length);
  int32_t port = call_int(&c, 1);
  int32_t v6only = call_int(&c, 2);
  if (c.failed) return NULL;
  if ((length != 4 && length != 16) || port < 0 || port > 65535) return call_fail(&c, "expected a 4- or 16-byte address and a port"), NULL;
  napi_create_int32(env, udp_socket_bind(address, (int)length, port, v6only != 0, reuse_port), &result);
  return result;
}

static napi_value reuseport_bind_js(napi_env env, napi_callback_info info) { return bind_js(env, info, "reuseportBind", UDP_REUSE_PORT_JOIN); }

static napi_value reuseport_bind_first_js(napi_env env, napi_callback_info info) {
  return bind_js(env, info, "reuseportBindFirst", UDP_REUSE_PORT_FIRST);
}

static napi_value udp_socket_bind_js(napi_env env, napi_callback_info info) { return bind_js(env, info, "udpSocketBind", UDP_REUSE_PORT_NONE); }

static napi_value reuseport_steer_js(napi_env env, napi_callback_info info) {
  call c;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "reuseportSteer", 2)) return NULL;
  int32_t fd = call_int(&c, 0);
  int32_t offset = call_int(&c, 1);
  if (c.failed) return NULL;
  napi_create_int32(env, reuseport_steer(fd, offset), &result);
  return result;
}

/* `name`(fd) -> what `op` returns for the descriptor. */
static napi_value fd_js(napi_env env, napi_callback_info info, const char *name, int (*op)(int)) {
  call c;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, name, 1)) return NULL;
  int32_t fd = call_int(&c, 0);
  if (c.failed) return NULL;
  napi_create_int32(env, op(fd), &result);
  return result;
}

static napi_value reuseport_local_port_js(napi_env env, napi_callback_info info) {
  return fd_js(env, info, "reuseportLocalPort", reuseport_local_port);
}

static napi_value reuseport_close_js(napi_env env, napi_callback_info info) {
  return fd_js(env, info, "reuseportClose", reuseport_close);
}

static napi_value reuseport_dup_js(napi_env env, napi_callback_info info) {
  return fd_js(env, info, "reuseportDup", reuseport_dup);
}

/* udpDfWant(fd) -> 0 or -errno: IP_PMTUDISC_WANT put back on a socket a GSO send left in DO (UDP_DF_KEPT, udp.h). */
static napi_value udp_df_want_js(napi_env env, napi_callback_info info) { return fd_js(env, info, "udpDfWant", udp_df_want); }

int udp_bindings_register(napi_env env, napi_value exports) {
  static const call_export functions[] = {
      {"udpSendBatch", udp_send_batch_js}, {"udpSendLaid", udp_send_laid_js}, {"udpRecvBatch", udp_recv_batch_js},
      {"reuseportBind", reuseport_bind_js}, {"reuseportBindFirst", reuseport_bind_first_js},
      {"reuseportSteer", reuseport_steer_js}, {"reuseportLocalPort", reuseport_local_port_js},
      {"reuseportClose", reuseport_close_js}, {"reuseportDup", reuseport_dup_js},
      {"udpSocketBind", udp_socket_bind_js}, {"udpDfWant", udp_df_want_js},
  };
  return call_export_all(env, exports, functions, sizeof functions / sizeof functions[0]);
}
