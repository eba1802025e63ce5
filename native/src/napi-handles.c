/* Handles as N-API values (napi-handles.h). */
#include "napi-handles.h"

#include <math.h>

#include <openssl/crypto.h>

/* This environment's handles (set up by handle_bindings_register; worker threads each have their own). */
static handle_table *table_of(napi_env env) {
  void *t = NULL;
  return napi_get_instance_data(env, &t) == napi_ok ? (handle_table *)t : NULL;
}

/* A handle id: an integer from 0 to 2^32 - 1 (napi_get_value_uint32 would take 1.5 as 1, and -1 as 2^32 - 1). */
static int handle_id_arg(call *c, size_t i, uint32_t *id) {
  double v = -1;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok || !(v >= 0) || v > 4294967295.0 || floor(v) != v) return 0;
  *id = (uint32_t)v;
  return 1;
}

handle *call_handle(call *c, size_t i, int kind) {
  uint32_t id = 0;
  handle_table *t = table_of(c->env);
  if (c->failed) return NULL;
  if (t == NULL || !handle_id_arg(c, i, &id)) {
    call_fail(c, "expected a handle of the right kind");
    return NULL;
  }
  handle *h = handle_table_get(t, id);
  if (h == NULL) {
    call_fail(c, "no such handle: the key was released (or this was never a handle)");
    return NULL;
  }
  if (h->kind != kind) {
    call_fail(c, "expected a handle of the right kind");
    return NULL;
  }
  return h;
}

static void release_handle(handle *h) {
  if (h->released) return;
  h->released = 1;
  switch (h->kind) {
    case KIND_AEAD:
      aead_free(&h->u.aead);
      break;
    case KIND_MASK:
      mask_free(&h->u.mask);
      break;
    case KIND_RECORD:
      aead_free(&h->u.record.aead);
      mask_free(&h->u.record.mask);
      OPENSSL_cleanse(h->u.record.iv, NONCE_LENGTH);
      break;
    case KIND_RECORD12:
      aead_free(&h->u.record12.aead);
      OPENSSL_cleanse(h->u.record12.iv, NONCE_LENGTH);
      break;
    case KIND_X25519:
      x25519_free(&h->u.x25519);
      break;
  }
}

napi_value call_wrap_handle(call *c, uint32_t id) {
  napi_value out = NULL;
  if (napi_create_uint32(c->env, id, &out) != napi_ok) {
    handle_table *t = table_of(c->env);
    handle *h = t != NULL ? handle_table_get(t, id) : NULL;
    if (h != NULL) release_handle(h);
    if (t != NULL) handle_table_remove(t, id);
    call_fail(c, "could not create the handle");
    return NULL;
  }
  return out;
}

handle *call_new_handle(call *c, int kind, uint32_t *id) {
  handle_table *t = table_of(c->env);
  handle *h = t != NULL ? handle_table_add(t, kind, id) : NULL;
  if (h == NULL) call_fail(c, "out of memory (or handles)");
  return h;
}

void call_drop_handle(call *c, uint32_t id) {
  handle_table *t = table_of(c->env);
  if (t != NULL) handle_table_remove(t, id);
}

/* The handle of any kind argument i names, its id in *id; NULL (not thrown) when it names none in use. */
static handle *any_handle_arg(call *c, size_t i, uint32_t *id) {
  handle_table *t = table_of(c->env);
  if (t == NULL || !handle_id_arg(c, i, id)) {
    call_fail(c, "expected a handle");
    return NULL;
  }
  return handle_table_get(t, *id);
}

/* release(h): frees the key's contexts now (OpenSSL cleanses them) and its slot; later use throws; again does nothing. */
static napi_value release_js(napi_env env, napi_callback_info info) {
  call c;
  uint32_t id = 0;
  if (!call_begin(&c, env, info, "release", 1)) return NULL;
  handle *h = any_handle_arg(&c, 0, &id);
  if (h == NULL) return NULL;
  release_handle(h);
  handle_table_remove(table_of(env), id);
  return NULL;
}

/* handleCount(): the handles this thread holds (made and not yet released). */
static napi_value handle_count_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  handle_table *t = table_of(env);
  napi_create_uint32(env, t != NULL ? handle_table_count(t) : 0, &result);
  return result;
}

/* park(h): frees the key's OpenSSL contexts but keeps the key (a quiet session's); the next use makes them again. */
static napi_value park_js(napi_env env, napi_callback_info info) {
  call c;
  uint32_t id = 0;
  if (!call_begin(&c, env, info, "park", 1)) return NULL;
  handle *h = any_handle_arg(&c, 0, &id);
  if (h == NULL) return NULL; /* released (its slot freed) or never made: nothing to park */
  switch (h->kind) {
    case KIND_AEAD:
      aead_park(&h->u.aead);
      break;
    case KIND_MASK:
      mask_park(&h->u.mask);
      break;
    case KIND_RECORD:
      aead_park(&h->u.record.aead);
      mask_park(&h->u.record.mask);
      break;
    case KIND_RECORD12:
      aead_park(&h->u.record12.aead);
      break;
    default:
      break; /* an X25519 share has no context to park */
  }
  return NULL;
}

/* When the environment ends (a worker thread's, or the process's): every handle still held is released and the table freed. */
static void free_table(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle_table_free((handle_table *)data, release_handle);
}

int handle_bindings_register(napi_env env, napi_value exports) {
  handle_table *table = handle_table_new();
  if (table == NULL || napi_set_instance_data(env, table, free_table, NULL) != napi_ok) {
    handle_table_free(table, release_handle);
    napi_throw_error(env, "ERR_DTLS13_NATIVE", "dtls13 native: could not set up its handle table");
    return 0;
  }
  static const call_export functions[] = {{"release", release_js}, {"park", park_js}, {"handleCount", handle_count_js}};
  return call_export_all(env, exports, functions, sizeof functions / sizeof functions[0]);
}
