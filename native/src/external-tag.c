/* Type tags on the addon's externals (external-tag.h). */
#include "external-tag.h"

#include <stdbool.h>
#include <stdio.h>

/* Random 128-bit values, fixed: a tag names a kind across loads of the addon and its instances in worker threads. */
const napi_type_tag EXTERNAL_ECDSA_KEY = {0x474234c03c324672ULL, 0x98c0ed15233f3373ULL};
const napi_type_tag EXTERNAL_UDP_RECEIVER = {0x92b021f4c55348c8ULL, 0xa884e880d989481cULL};

napi_value tagged_external(napi_env env, void *data, napi_finalize finalize, const napi_type_tag *tag, int *owned) {
  napi_value out = NULL;
  *owned = 0;
  if (napi_create_external(env, data, finalize, NULL, &out) != napi_ok) return NULL;
  *owned = 1;
  return napi_type_tag_object(env, out, tag) == napi_ok ? out : NULL;
}

void *tagged_external_data(napi_env env, napi_value value, const napi_type_tag *tag) {
  napi_valuetype type = napi_undefined;
  bool tagged = false;
  void *data = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_check_object_type_tag(env, value, tag, &tagged) != napi_ok || !tagged) return NULL;
  return napi_get_value_external(env, value, &data) == napi_ok ? data : NULL;
}

void throw_wrong_external(napi_env env, const char *fn, const char *what) {
  char message[256];
  snprintf(message, sizeof message, "dtls13 native %s: expected %s", fn, what);
  napi_throw_type_error(env, "ERR_DTLS13_NATIVE", message);
}
