/*
 * Pooled memory for records' own ArrayBuffers (owned-bytes.h).
 *
 * Why: every record is opened into an ArrayBuffer of its own. Allocated the
 * usual way, that is a calloc on the event loop thread, and V8 frees it later
 * on its concurrent sweeper thread. Both take glibc's arena lock, so on a
 * busy receiver the event loop waits for the sweeper on every record
 * (bench -- network, docs/benchmarks.md: about a fifth of the receiver's
 * time). Here the memory comes from a pool per thread instead:
 *
 *   - the owning thread pops blocks from its own list, with no atomic
 *     read-modify-write; when that list is empty it takes everything given
 *     back so far in one atomic exchange;
 *   - a dying ArrayBuffer's deleter, on any thread, pushes its block onto the
 *     pool's returned stack with a compare-and-swap. Only the owner ever pops,
 *     so the stack has no ABA problem.
 *
 * Blocks come in eight sizes, 256 bytes to 32 KiB (OWNED_POOLED_MAX); longer
 * arrays are malloc'd and freed as before. A pool keeps at most OWNED_IDLE_MAX
 * bytes of idle blocks: past that, the deleter frees the block; and
 * ownedPoolTrim (the server's heap trim) frees them all, as does the end of
 * the thread's Node environment. A thread's pool outlives the thread (arrays
 * it made may still be alive elsewhere): emptied, it is kept for the next
 * thread to adopt, and those arrays come back to it. The addon is never
 * unloaded (binding.gyp), since their deleters are in it.
 */
#include "owned-bytes.h"

/* For NODE_MAJOR_VERSION; node_version.h defines its own NAPI_VERSION, the runtime's, over the one this addon asks for. */
#pragma push_macro("NAPI_VERSION")
#undef NAPI_VERSION
#include <node_version.h>
#pragma pop_macro("NAPI_VERSION")

/* V8's headers do not build cleanly under -Wextra (unused parameters); the warnings are theirs. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <v8.h>
#pragma GCC diagnostic pop

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace {

constexpr int CLASSES = 8;
constexpr size_t SMALLEST = 256;

static_assert((SMALLEST << (CLASSES - 1)) == OWNED_POOLED_MAX, "the largest class is OWNED_POOLED_MAX");

struct FreeBlock {
  FreeBlock *next;
};

constexpr size_t LINE = 64;
/* How many blocks the owner takes between publishing its count of them (the deleters' view of the cap lags by at most this). */
constexpr uint64_t PUBLISH_EVERY = 64;

/*
 * The owner's fields and the deleters' sit on separate cache lines: the event
 * loop thread touches only its own on every record. Deleters see how much the
 * owner took through `left_published`, updated every PUBLISH_EVERY blocks.
 */
struct Pool {
  /* The owner's, without atomics. */
  alignas(LINE) FreeBlock *own[CLASSES] = {};
  uint64_t taken[CLASSES] = {}; /* arrays handed to V8 */
  uint64_t reused = 0;          /* blocks taken from the pool */
  uint64_t fresh = 0;           /* blocks malloc'd */
  uint64_t left_bytes = 0;      /* bytes that left the pool: reused or trimmed */
  uint64_t given_bytes = 0;     /* bytes of blocks put back unwrapped */
  uint64_t unpublished = 0;
  Pool *next_orphan = nullptr;
  alignas(LINE) std::atomic<uint64_t> left_published{0}; /* left_bytes - given_bytes, as last published */
  /* Pushed by any thread, emptied by the owner in one exchange. */
  alignas(LINE) std::atomic<FreeBlock *> returned[CLASSES] = {};
  /* The deleters'. */
  alignas(LINE) std::atomic<uint64_t> pushed_bytes{0};
  std::atomic<uint64_t> released[CLASSES] = {}; /* arrays V8 freed */
};

std::mutex orphans_lock;
Pool *orphans = nullptr;
thread_local Pool *this_thread = nullptr;

int class_of(size_t length) {
  int k = 0;
  while ((SMALLEST << k) < length) k++;
  return k;
}

size_t class_size(int k) { return SMALLEST << k; }

uint64_t load(const std::atomic<uint64_t> &v) { return v.load(std::memory_order_relaxed); }

/* Idle bytes as the deleters see them (the owner's part up to PUBLISH_EVERY blocks old); a passing negative reads as none. */
uint64_t idle_bytes(const Pool &p) {
  int64_t idle = (int64_t)(load(p.pushed_bytes) - load(p.left_published));
  return idle < 0 ? 0 : (uint64_t)idle;
}

void publish(Pool &p) {
  p.unpublished = 0;
  p.left_published.store(p.left_bytes - p.given_bytes, std::memory_order_relaxed);
}

Pool *pool() {
  if (this_thread != nullptr) return this_thread;
  {
    std::lock_guard<std::mutex> guard(orphans_lock);
    if (orphans != nullptr) {
      this_thread = orphans;
      orphans = orphans->next_orphan;
      this_thread->next_orphan = nullptr;
    }
  }
  if (this_thread == nullptr) this_thread = new (std::nothrow) Pool();
  return this_thread;
}

void push(std::atomic<FreeBlock *> &stack, FreeBlock *b) {
  FreeBlock *head = stack.load(std::memory_order_relaxed);
  do {
    b->next = head;
  } while (!stack.compare_exchange_weak(head, b, std::memory_order_release, std::memory_order_relaxed));
}

/* V8's deleter for a pooled ArrayBuffer: any thread. Over the cap (it may be passed by what the owner has yet to publish), the block is freed. */
void give_back_pooled(void *data, size_t length, void *deleter_data) {
  Pool *p = static_cast<Pool *>(deleter_data);
  int k = class_of(length);
  p->released[k].fetch_add(1, std::memory_order_relaxed);
  if (idle_bytes(*p) + class_size(k) > OWNED_IDLE_MAX) {
    std::free(data);
    return;
  }
  /* Counted before it can be taken. */
  p->pushed_bytes.fetch_add(class_size(k), std::memory_order_relaxed);
  push(p->returned[k], static_cast<FreeBlock *>(data));
}

uint64_t trim(Pool &p);

/* V8's deleter for an array past the pool's sizes. */
void free_unpooled(void *data, size_t, void *) { std::free(data); }

/*
 * When a Node environment (a thread) ends: its idle blocks are freed, and the
 * pool waits for the next thread (its arrays still alive elsewhere come back
 * to it). The hook's argument is the module's napi_env, new on every load, so
 * loading the addon twice in one environment registers two hooks, not one
 * twice (which Node refuses); the second to run finds no pool.
 */
void orphan(void *) {
  Pool *p = this_thread;
  if (p == nullptr) return;
  trim(*p);
  this_thread = nullptr;
  std::lock_guard<std::mutex> guard(orphans_lock);
  p->next_orphan = orphans;
  orphans = p;
}

static_assert(sizeof(v8::Local<v8::Value>) == sizeof(napi_value), "a Local is what N-API hands around as a napi_value");

napi_value js_value(v8::Local<v8::Value> local) {
  /* N-API's own conversion (js_native_api_v8.h, JsValueFromV8LocalValue), built against the same headers. */
  return reinterpret_cast<napi_value>(*local);
}

napi_value object_with(napi_env env, const char *const *names, const double *values, size_t n) {
  napi_value o, v;
  napi_create_object(env, &o);
  for (size_t i = 0; i < n; i++) {
    napi_create_double(env, values[i], &v);
    napi_set_named_property(env, o, names[i], v);
  }
  return o;
}

/*
 * ownedPoolStats() -> { idleBytes, liveArrays, reused, allocated } for this
 * thread's pool: memory waiting in it, its arrays not yet freed (on any
 * thread), and how many arrays reused a block or needed a new one.
 */
napi_value owned_pool_stats(napi_env env, napi_callback_info) {
  double live = 0, reused = 0, idle = 0, allocated = 0;
  Pool *p = pool();
  if (p != nullptr) {
    publish(*p);
    idle = (double)idle_bytes(*p);
    allocated = (double)p->fresh;
    reused = (double)p->reused;
    for (int k = 0; k < CLASSES; k++) live += (double)(p->taken[k] - load(p->released[k]));
  }
  static const char *const names[] = {"idleBytes", "liveArrays", "reused", "allocated"};
  const double values[] = {idle, live, reused, allocated};
  return object_with(env, names, values, 4);
}

/* Frees a list of idle blocks of size class k: the bytes freed. */
uint64_t free_list(FreeBlock *b, int k) {
  uint64_t freed = 0;
  while (b != nullptr) {
    FreeBlock *next = b->next;
    std::free(b);
    freed += class_size(k);
    b = next;
  }
  return freed;
}

/* On the owning thread: every idle block back to the C library, what was given back so far included; the bytes freed. */
uint64_t trim(Pool &p) {
  uint64_t freed = 0;
  for (int k = 0; k < CLASSES; k++) {
    freed += free_list(p.own[k], k);
    p.own[k] = nullptr;
    /* Blocks pushed after this exchange wait for the next take or trim. */
    freed += free_list(p.returned[k].exchange(nullptr, std::memory_order_acquire), k);
  }
  p.left_bytes += freed;
  publish(p);
  return freed;
}

/* ownedPoolTrim() -> the bytes freed: every idle block of this thread's pool back to the C library. */
napi_value owned_pool_trim(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_double(env, this_thread == nullptr ? 0.0 : (double)trim(*this_thread), &result);
  return result;
}

} // namespace

extern "C" uint8_t *owned_take(size_t length) {
  if (length > OWNED_POOLED_MAX) return static_cast<uint8_t *>(std::malloc(length == 0 ? 1 : length));
  Pool *p = pool();
  if (p == nullptr) return nullptr;
  int k = class_of(length);
  if (p->own[k] == nullptr) p->own[k] = p->returned[k].exchange(nullptr, std::memory_order_acquire);
  FreeBlock *b = p->own[k];
  if (b == nullptr) {
    p->fresh++;
    return static_cast<uint8_t *>(std::malloc(class_size(k)));
  }
  p->own[k] = b->next;
  /* The next block was last written by the thread that gave it back: fetched ahead of its turn. */
  if (b->next != nullptr) __builtin_prefetch(b->next, 1);
  p->reused++;
  p->left_bytes += class_size(k);
  if (++p->unpublished == PUBLISH_EVERY) publish(*p);
  return reinterpret_cast<uint8_t *>(b);
}

extern "C" void owned_give_back(uint8_t *data, size_t length) {
  Pool *p = this_thread;
  if (length > OWNED_POOLED_MAX || p == nullptr) {
    std::free(data);
    return;
  }
  int k = class_of(length);
  FreeBlock *b = reinterpret_cast<FreeBlock *>(data);
  b->next = p->own[k];
  p->own[k] = b;
  p->given_bytes += class_size(k);
}

/* An ArrayBuffer that owns data[0..length) (see owned_wrap). */
static v8::Local<v8::ArrayBuffer> wrap_buffer(uint8_t *data, size_t length) {
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
#ifdef V8_ENABLE_SANDBOX
  /* A sandboxed V8 takes no memory from outside its cage: copy into an ordinary ArrayBuffer. */
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, length);
  if (length > 0) std::memcpy(buffer->Data(), data, length);
  owned_give_back(data, length);
#else
  bool pooled = length <= OWNED_POOLED_MAX;
  if (pooled) this_thread->taken[class_of(length)]++;
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(data, length, pooled ? give_back_pooled : free_unpooled, pooled ? this_thread : nullptr);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
#endif
  return buffer;
}

extern "C" napi_value owned_wrap(napi_env env, uint8_t *data, size_t length) {
  (void)env;
  return js_value(v8::Uint8Array::New(wrap_buffer(data, length), 0, length));
}

namespace {

/*
 * ownedZeroed(length) -> an ArrayBuffer of `length` zero bytes from this
 * thread's pool (messageBuffers: 'batch' decrypts a session's records into
 * it, runtime/wire/message-arena.ts). Zeroed here: a pooled block holds what
 * its last array held. A block reused warm costs a memset; a fresh calloc'd
 * ArrayBuffer of the same size costs the kernel's page faults each time.
 */
napi_value owned_zeroed(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  double length = -1;
  if (napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr) != napi_ok || argc < 1 || napi_get_value_double(env, arg, &length) != napi_ok ||
      !(length >= 1 && length <= OWNED_POOLED_MAX)) {
    napi_throw_range_error(env, "ERR_DTLS13_NATIVE", "ownedZeroed takes a length of 1 to 32768");
    return nullptr;
  }
  uint8_t *data = owned_take((size_t)length);
  if (data == nullptr) {
    napi_throw_error(env, "ERR_DTLS13_NATIVE", "out of memory");
    return nullptr;
  }
  std::memset(data, 0, (size_t)length);
  return js_value(wrap_buffer(data, (size_t)length));
}

} // namespace

extern "C" int owned_bytes_register(napi_env env, napi_value exports) {
  /* V8's C++ interface, unlike N-API, holds only for the Node major these headers are from (an addon built under one
     Node and loaded by another, after a switch of versions, would fail at its first call): otherwise the pool is off. */
  const napi_node_version *running = nullptr;
  if (napi_get_node_version(env, &running) != napi_ok || running == nullptr || running->major != NODE_MAJOR_VERSION) return 0;
  napi_value f;
  if (napi_create_function(env, "ownedPoolStats", NAPI_AUTO_LENGTH, owned_pool_stats, nullptr, &f) != napi_ok ||
      napi_set_named_property(env, exports, "ownedPoolStats", f) != napi_ok ||
      napi_create_function(env, "ownedPoolTrim", NAPI_AUTO_LENGTH, owned_pool_trim, nullptr, &f) != napi_ok ||
      napi_set_named_property(env, exports, "ownedPoolTrim", f) != napi_ok ||
      napi_create_function(env, "ownedZeroed", NAPI_AUTO_LENGTH, owned_zeroed, nullptr, &f) != napi_ok ||
      napi_set_named_property(env, exports, "ownedZeroed", f) != napi_ok || napi_add_env_cleanup_hook(env, orphan, env) != napi_ok)
    return 0;
  return 1;
}
