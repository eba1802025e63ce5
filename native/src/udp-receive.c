/*
 * Reading a node:dgram socket ourselves (Linux): UDP GRO on receive, which
 * node:dgram (libuv) cannot take, since it would hand up a run of coalesced
 * datagrams as one. The caller stops libuv's reading (the handle's
 * recvStop) and starts a watcher here on a duplicate of the socket's
 * descriptor (a libuv loop watches each descriptor number once; the
 * duplicate is a number of its own for the same socket), then reads every
 * waiting datagram with recvmmsg(2), GRO runs split by their segment size.
 */
#define _GNU_SOURCE
#include "udp-receive.h"
#include "external-tag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#ifdef __linux__
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define MAX_BATCH 64

int udp_gro_enable(int fd) {
  int on = 1;
  return setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on) == 0 ? 0 : -errno;
}

int udp_receive_segments(int fd, uint8_t *slab, size_t stride, int count, uint32_t *meta) {
  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  struct sockaddr_storage from[MAX_BATCH];
  union {
    char buffer[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control[MAX_BATCH];
  int n = count < MAX_BATCH ? count : MAX_BATCH;
  if (n <= 0) return 0;
  memset(msgs, 0, sizeof msgs[0] * (size_t)n);
  for (int i = 0; i < n; i++) {
    iov[i].iov_base = slab + (size_t)i * stride;
    iov[i].iov_len = stride;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    msgs[i].msg_hdr.msg_control = control[i].buffer;
    msgs[i].msg_hdr.msg_controllen = sizeof control[i].buffer;
  }
  int r;
  do r = recvmmsg(fd, msgs, (unsigned)n, MSG_DONTWAIT, NULL);
  while (r < 0 && errno == EINTR);
  if (r < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
  for (int i = 0; i < r; i++) {
    uint32_t *m = meta + 4 * i;
    m[0] = msgs[i].msg_len;
    m[1] = 0;
    m[2] = 0;
    m[3] = 0;
    if (from[i].ss_family == AF_INET) {
      const struct sockaddr_in *a = (const struct sockaddr_in *)&from[i];
      m[1] = ntohl(a->sin_addr.s_addr);
      m[2] = ntohs(a->sin_port);
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != NULL; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
      if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
        int size = 0;
        memcpy(&size, CMSG_DATA(c), sizeof size);
        if (size > 0 && (uint32_t)size < m[0]) m[3] = (uint32_t)size;
      }
    }
  }
  return r;
}

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
  int stopped;
  /* Freed when both the loop is done with the watcher and the JS handle is collected. */
  int refs;
} receiver;

static void unref(receiver *r) {
  if (--r->refs == 0) free(r);
}

static void closed(uv_handle_t *h) {
  unref((receiver *)h->data);
}

static void stop(receiver *r) {
  if (r->stopped) return;
  r->stopped = 1;
  uv_poll_stop(&r->poll); /* out of the loop's epoll set: the duplicate can close now, freeing the port with the socket */
  close(r->fd);
  napi_delete_reference(r->env, r->callback);
  napi_async_destroy(r->env, r->context);
  uv_close((uv_handle_t *)&r->poll, closed);
}

static void cleanup(void *arg) {
  stop((receiver *)arg);
}

/* The JS handle was collected: stop watching if it was never stopped. */
static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  receiver *r = (receiver *)data;
  if (!r->stopped) {
    napi_remove_env_cleanup_hook(env, cleanup, r);
    stop(r);
  }
  unref(r);
}

static void readable(uv_poll_t *p, int status, int events) {
  (void)events;
  receiver *r = (receiver *)p->data;
  if (r->stopped) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(r->env, &scope) != napi_ok) return;
  napi_value fn, recv, result;
  napi_value arg;
  napi_create_int32(r->env, status, &arg);
  if (napi_get_reference_value(r->env, r->callback, &fn) == napi_ok && fn != NULL && napi_get_global(r->env, &recv) == napi_ok) {
    if (napi_make_callback(r->env, r->context, recv, fn, 1, &arg, &result) == napi_pending_exception) {
      napi_value error;
      napi_get_and_clear_last_exception(r->env, &error);
      napi_fatal_exception(r->env, error);
    }
  }
  napi_close_handle_scope(r->env, scope);
}

static int start(napi_env env, int fd, napi_value callback, receiver **out) {
  uv_loop_t *loop = NULL;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == NULL) return -EINVAL;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return -errno;
  receiver *r = calloc(1, sizeof *r);
  if (r == NULL) {
    close(copy);
    return -ENOMEM;
  }
  r->env = env;
  r->fd = copy;
  r->refs = 2;
  napi_value name;
  napi_create_string_utf8(env, "dtls13:udpReceive", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, callback, 1, &r->callback) != napi_ok || napi_async_init(env, NULL, name, &r->context) != napi_ok) {
    close(copy);
    free(r);
    return -EINVAL;
  }
  int e = uv_poll_init(loop, &r->poll, copy);
  if (e == 0) {
    r->poll.data = r;
    e = uv_poll_start(&r->poll, UV_READABLE, readable);
    if (e != 0) {
      r->refs = 1; /* no JS handle will hold it */
      stop(r);
      return e;
    }
  } else {
    napi_delete_reference(env, r->callback);
    napi_async_destroy(env, r->context);
    close(copy);
    free(r);
    return e;
  }
  napi_add_env_cleanup_hook(env, cleanup, r);
  *out = r;
  return 0;
}
#else
int udp_gro_enable(int fd) {
  (void)fd;
  return -ENOSYS;
}

int udp_receive_segments(int fd, uint8_t *slab, size_t stride, int count, uint32_t *meta) {
  (void)fd;
  (void)slab;
  (void)stride;
  (void)count;
  (void)meta;
  return -ENOSYS;
}
#endif

static napi_value number(napi_env env, int value) {
  napi_value v = NULL;
  napi_create_int32(env, value, &v);
  return v;
}

static int int_at(napi_env env, napi_value *argv, size_t argc, size_t i, int32_t *out) {
  napi_valuetype t;
  return i < argc && napi_typeof(env, argv[i], &t) == napi_ok && t == napi_number && napi_get_value_int32(env, argv[i], out) == napi_ok;
}

static napi_value gro_enable_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || !int_at(env, argv, argc, 0, &fd)) {
    napi_throw_type_error(env, NULL, "udpGroEnable(fd): expected a file descriptor");
    return NULL;
  }
  return number(env, udp_gro_enable(fd));
}

static napi_value receive_segments_js(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t fd, stride;
  void *slab = NULL, *meta = NULL;
  size_t slab_length = 0, meta_length = 0;
  napi_typedarray_type slab_type, meta_type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || !int_at(env, argv, argc, 0, &fd) || !int_at(env, argv, argc, 2, &stride) || argc < 4 ||
      napi_get_typedarray_info(env, argv[1], &slab_type, &slab_length, &slab, NULL, NULL) != napi_ok || slab_type != napi_uint8_array ||
      napi_get_typedarray_info(env, argv[3], &meta_type, &meta_length, &meta, NULL, NULL) != napi_ok || meta_type != napi_uint32_array) {
    napi_throw_type_error(env, NULL, "udpReceiveSegments(fd, slab: Uint8Array, stride, meta: Uint32Array): bad arguments");
    return NULL;
  }
  if (stride < 65536) {
    napi_throw_range_error(env, NULL, "udpReceiveSegments: the stride must be at least 65,536 bytes");
    return NULL;
  }
  size_t count = meta_length / 4;
  if (count > slab_length / (size_t)stride) count = slab_length / (size_t)stride;
  return number(env, udp_receive_segments(fd, (uint8_t *)slab, (size_t)stride, (int)count, (uint32_t *)meta));
}

static napi_value receive_start_js(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd;
  napi_valuetype t;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || !int_at(env, argv, argc, 0, &fd) || argc < 2 ||
      napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "udpReceiveStart(fd, callback): bad arguments");
    return NULL;
  }
#ifdef __linux__
  receiver *r = NULL;
  int e = start(env, fd, argv[1], &r);
  if (e != 0) return number(env, e);
  int owned = 0;
  napi_value handle = tagged_external(env, r, finalize, &EXTERNAL_UDP_RECEIVER, &owned);
  if (handle == NULL) {
    if (!owned) finalize(env, r, NULL);
    napi_throw_error(env, "ERR_DTLS13_NATIVE", "dtls13 native udpReceiveStart: could not create the handle");
  }
  return handle;
#else
  return number(env, -ENOSYS);
#endif
}

static napi_value receive_stop_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      (data = tagged_external_data(env, argv[0], &EXTERNAL_UDP_RECEIVER)) == NULL) {
    throw_wrong_external(env, "udpReceiveStop", "a handle udpReceiveStart made");
    return NULL;
  }
#ifdef __linux__
  receiver *r = (receiver *)data;
  if (!r->stopped) {
    napi_remove_env_cleanup_hook(env, cleanup, r);
    stop(r);
  }
#endif
  return NULL;
}

static napi_value receive_ref_js(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *data = NULL;
  bool on = true;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      (data = tagged_external_data(env, argv[0], &EXTERNAL_UDP_RECEIVER)) == NULL ||
      napi_get_value_bool(env, argv[1], &on) != napi_ok) {
    throw_wrong_external(env, "udpReceiveRef", "a handle udpReceiveStart made and a boolean");
    return NULL;
  }
#ifdef __linux__
  receiver *r = (receiver *)data;
  if (!r->stopped) {
    if (on)
      uv_ref((uv_handle_t *)&r->poll);
    else
      uv_unref((uv_handle_t *)&r->poll);
  }
#else
  (void)on;
#endif
  return NULL;
}

void udp_receive_register(napi_env env, napi_value exports) {
  napi_property_descriptor p[] = {
      {"udpGroEnable", NULL, gro_enable_js, NULL, NULL, NULL, napi_default, NULL},
      {"udpReceiveSegments", NULL, receive_segments_js, NULL, NULL, NULL, napi_default, NULL},
      {"udpReceiveStart", NULL, receive_start_js, NULL, NULL, NULL, napi_default, NULL},
      {"udpReceiveStop", NULL, receive_stop_js, NULL, NULL, NULL, napi_default, NULL},
      {"udpReceiveRef", NULL, receive_ref_js, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof p / sizeof p[0], p);
}
