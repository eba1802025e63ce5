/* The argument readers every N-API function of the addon uses (napi-call.h). */
#include "napi-call.h"

#include <math.h>
#include <stdio.h>

void call_fail(call *c, const char *what) {
  if (c->failed) return;
  c->failed = 1;
  char message[256];
  snprintf(message, sizeof message, "dtls13 native %s: %s", c->fn, what);
  napi_throw_range_error(c->env, "ERR_DTLS13_NATIVE", message);
}

int call_begin(call *c, napi_env env, napi_callback_info info, const char *fn, size_t need) {
  c->env = env;
  c->fn = fn;
  c->failed = 0;
  c->argc = CALL_MAX_ARGS;
  if (napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) != napi_ok) {
    call_fail(c, "could not read the arguments");
    return 0;
  }
  if (c->argc < need) {
    call_fail(c, "too few arguments");
    return 0;
  }
  return 1;
}

uint8_t *call_bytes(call *c, size_t i, size_t *length) {
  napi_typedarray_type type;
  void *data = NULL;
  if (c->failed) return NULL;
  if (napi_get_typedarray_info(c->env, c->argv[i], &type, length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    call_fail(c, "expected a Uint8Array argument");
    return NULL;
  }
  /* An empty view may have no backing store: give callers a valid pointer. */
  return data != NULL ? (uint8_t *)data : (uint8_t *)"";
}

int32_t call_int(call *c, size_t i) {
  int32_t v = -1;
  if (c->failed) return -1;
  if (napi_get_value_int32(c->env, c->argv[i], &v) != napi_ok || v < 0) call_fail(c, "expected a non-negative integer argument");
  return v;
}

uint64_t call_seq(call *c, size_t i) {
  double v = -1;
  if (c->failed) return 0;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok || !is_seq_number(v)) {
    call_fail(c, "expected a sequence number (an integer from 0 to 2^53)");
    return 0;
  }
  return (uint64_t)v;
}

int span_within(size_t size, int64_t offset, int64_t length) {
  return offset >= 0 && length >= 0 && (uint64_t)offset <= size && (uint64_t)length <= size - (uint64_t)offset;
}

int call_export_all(napi_env env, napi_value exports, const call_export *functions, size_t count) {
  for (size_t i = 0; i < count; i++) {
    napi_value f;
    if (napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].fn, NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, functions[i].name, f) != napi_ok)
      return 0;
  }
  return 1;
}
