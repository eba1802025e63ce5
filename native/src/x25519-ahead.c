#include "x25519-ahead.h"

#include <pthread.h>
#include <string.h>
#include <openssl/crypto.h>

typedef struct {
  uint8_t private_key[X25519_LENGTH];
  uint8_t public_key[X25519_LENGTH];
} ahead_share;

static ahead_share held[X25519_AHEAD_MAX];
static size_t held_count;
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;

size_t x25519_ahead_fill(size_t target, size_t most) {
  if (target > X25519_AHEAD_MAX) target = X25519_AHEAD_MAX;
  if (!x25519_direct()) return 0;
  size_t made = 0;
  while (made < most) {
    pthread_mutex_lock(&held_lock);
    int full = held_count >= target;
    pthread_mutex_unlock(&held_lock);
    if (full) break;
    /* Made outside the lock (another environment may answer meanwhile); kept only if there is still room. */
    x25519_key key;
    ahead_share share;
    if (x25519_create_fresh(&key, share.public_key) != 0) break;
    memcpy(share.private_key, key.raw, X25519_LENGTH);
    x25519_free(&key);
    pthread_mutex_lock(&held_lock);
    int kept = held_count < target;
    if (kept) held[held_count++] = share;
    pthread_mutex_unlock(&held_lock);
    OPENSSL_cleanse(&share, sizeof share);
    if (!kept) break;
    made++;
  }
  return made;
}

int x25519_ahead_take(uint8_t private_key[X25519_LENGTH], uint8_t public_key[X25519_LENGTH]) {
  pthread_mutex_lock(&held_lock);
  if (held_count == 0) {
    pthread_mutex_unlock(&held_lock);
    return 0;
  }
  ahead_share *share = &held[--held_count];
  memcpy(private_key, share->private_key, X25519_LENGTH);
  memcpy(public_key, share->public_key, X25519_LENGTH);
  OPENSSL_cleanse(share, sizeof *share);
  pthread_mutex_unlock(&held_lock);
  return 1;
}

size_t x25519_ahead_count(void) {
  pthread_mutex_lock(&held_lock);
  size_t count = held_count;
  pthread_mutex_unlock(&held_lock);
  return count;
}

size_t x25519_ahead_drain(void) {
  pthread_mutex_lock(&held_lock);
  size_t count = held_count;
  OPENSSL_cleanse(held, sizeof held);
  held_count = 0;
  pthread_mutex_unlock(&held_lock);
  return count;
}
