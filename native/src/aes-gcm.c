/* AES-GCM over node's AES-NI and GHASH routines (aes-gcm.h), written from NIST SP 800-38D §7. */
#define _GNU_SOURCE
#include "aes-gcm.h"

#include "hex.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* OpenSSL's AES key schedule as its assembly reads it: the round keys, then the round count. */
typedef struct {
  uint32_t rd_key[60];
  int rounds;
} schedule;

/*
 * The GHASH state as OpenSSL's assembly reads it: the hash Xi, then H, then the table made from H, one after the
 * other (the stitched routines take a pointer to Xi and find H and the table after it).
 */
typedef struct {
  _Alignas(16) uint8_t Xi[16];
  uint64_t H[2];
  uint64_t Htable[32];
} ghash_state;

struct aes_gcm_key {
  ghash_state g;
  schedule ks;
};

typedef int (*set_key_fn)(const unsigned char *key, int bits, schedule *ks);
typedef void (*block_fn)(const unsigned char *in, unsigned char *out, const schedule *ks);
typedef void (*ctr32_fn)(const unsigned char *in, unsigned char *out, size_t blocks, const schedule *ks, const unsigned char counter[16]);
typedef void (*ghash_init_fn)(uint64_t Htable[32], const uint64_t H[2]);
typedef void (*ghash_fn)(uint8_t Xi[16], const uint64_t Htable[32], const uint8_t *in, size_t length);
/* The stitched AES-CTR and GHASH: how many bytes (a multiple of 96) it took from `in`; the counter block moves on. */
typedef size_t (*stitched_fn)(const uint8_t *in, uint8_t *out, size_t length, const schedule *ks, uint8_t counter[16], uint8_t *Xi);

static set_key_fn set_key;
static block_fn encrypt_block;
static ctr32_fn ctr32;
static ghash_init_fn ghash_init;
static ghash_fn ghash;
static stitched_fn stitched_encrypt;
static stitched_fn stitched_decrypt;
static int direct;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

/* The stitched routines take at least this much (fewer bytes go block by block): aesni-gcm-x86_64's thresholds. */
#define STITCHED_ENCRYPT_MIN 288
#define STITCHED_DECRYPT_MIN 96

static void store_be32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void store_be64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t load_be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
  return v;
}

/* GHASH over `length` bytes, the last block padded with zeros (§6.4, §7.1 step 5). */
static void ghash_padded(aes_gcm_key *k, const uint8_t *in, size_t length) {
  size_t whole = length & ~(size_t)15;
  if (whole > 0) ghash(k->g.Xi, k->g.Htable, in, whole);
  if (length > whole) {
    uint8_t last[16] = {0};
    memcpy(last, in + whole, length - whole);
    ghash(k->g.Xi, k->g.Htable, last, 16);
  }
}

/* J0 = nonce || 1 (§7.1 step 2); E(K, J0) into `ek0`, and the counter block for the text, J0 + 1, into `counter`. */
static void start(aes_gcm_key *k, const uint8_t nonce[12], uint8_t counter[16], uint8_t ek0[16]) {
  memcpy(counter, nonce, 12);
  store_be32(counter + 12, 1);
  encrypt_block(counter, ek0, &k->ks);
  store_be32(counter + 12, 2);
  memset(k->g.Xi, 0, sizeof k->g.Xi);
}

/* The counter block's last 32 bits, big-endian, moved on by `blocks` (inc32, §6.2). */
static void advance(uint8_t counter[16], size_t blocks) {
  uint32_t c = ((uint32_t)counter[12] << 24) | ((uint32_t)counter[13] << 16) | ((uint32_t)counter[14] << 8) | counter[15];
  store_be32(counter + 12, c + (uint32_t)blocks);
}

/* AES-CTR from `counter` over `length` bytes (GCTR, §6.5), not hashing. */
static void gctr(aes_gcm_key *k, uint8_t counter[16], const uint8_t *in, uint8_t *out, size_t length) {
  size_t blocks = length / 16;
  if (blocks > 0) {
    ctr32(in, out, blocks, &k->ks, counter);
    advance(counter, blocks);
  }
  size_t rest = length - 16 * blocks;
  if (rest > 0) {
    uint8_t stream[16];
    encrypt_block(counter, stream, &k->ks);
    for (size_t i = 0; i < rest; i++) out[16 * blocks + i] = in[16 * blocks + i] ^ stream[i];
    OPENSSL_cleanse(stream, sizeof stream);
  }
}

/* The tag (§7.1 steps 5-6): GHASH over the lengths block, then XOR with E(K, J0). */
static void finish(aes_gcm_key *k, size_t aad_length, size_t length, const uint8_t ek0[16], uint8_t tag[16]) {
  uint8_t lengths[16];
  store_be64(lengths, (uint64_t)aad_length * 8);
  store_be64(lengths + 8, (uint64_t)length * 8);
  ghash(k->g.Xi, k->g.Htable, lengths, 16);
  for (int i = 0; i < 16; i++) tag[i] = k->g.Xi[i] ^ ek0[i];
}

void aes_gcm_seal(aes_gcm_key *k, const uint8_t nonce[12], const uint8_t *aad, size_t aad_length, uint8_t *data, size_t length) {
  uint8_t counter[16], ek0[16];
  start(k, nonce, counter, ek0);
  ghash_padded(k, aad, aad_length);
  size_t done = length >= STITCHED_ENCRYPT_MIN ? stitched_encrypt(data, data, length, &k->ks, counter, k->g.Xi) : 0;
  gctr(k, counter, data + done, data + done, length - done);
  ghash_padded(k, data + done, length - done);
  finish(k, aad_length, length, ek0, data + length);
  OPENSSL_cleanse(ek0, sizeof ek0);
}

int aes_gcm_open(aes_gcm_key *k, const uint8_t nonce[12], const uint8_t *aad, size_t aad_length, const uint8_t *in, size_t length,
                 uint8_t *out) {
  uint8_t counter[16], ek0[16], expected[16], tag[16];
  memcpy(tag, in + length, sizeof tag); /* `out` may overwrite it when it overlaps `in` */
  start(k, nonce, counter, ek0);
  ghash_padded(k, aad, aad_length);
  size_t done = length >= STITCHED_DECRYPT_MIN ? stitched_decrypt(in, out, length, &k->ks, counter, k->g.Xi) : 0;
  /* The rest hashed before it is decrypted: in place, decrypting overwrites the ciphertext. */
  ghash_padded(k, in + done, length - done);
  gctr(k, counter, in + done, out + done, length - done);
  finish(k, aad_length, length, ek0, expected);
  OPENSSL_cleanse(ek0, sizeof ek0);
  if (CRYPTO_memcmp(expected, tag, sizeof tag) != 0) {
    OPENSSL_cleanse(out, length);
    return -1;
  }
  return 0;
}

void aes_gcm_block(const aes_gcm_key *k, const uint8_t in[16], uint8_t out[16]) { encrypt_block(in, out, &k->ks); }

static aes_gcm_key *keyed(const uint8_t *key, size_t key_length) {
  if (key_length != 16 && key_length != 32) return NULL;
  aes_gcm_key *k = aligned_alloc(64, (sizeof(aes_gcm_key) + 63) & ~(size_t)63);
  if (k == NULL) return NULL;
  memset(k, 0, sizeof *k);
  if (set_key(key, (int)key_length * 8, &k->ks) != 0) {
    aes_gcm_free(k);
    return NULL;
  }
  /* H = E(K, 0^128) (§6.4), as two host-order words, from which the table is made. */
  uint8_t h[16] = {0};
  encrypt_block(h, h, &k->ks);
  k->g.H[0] = load_be64(h);
  k->g.H[1] = load_be64(h + 8);
  OPENSSL_cleanse(h, sizeof h);
  ghash_init(k->g.Htable, k->g.H);
  return k;
}

aes_gcm_key *aes_gcm_new(const uint8_t *key, size_t key_length) {
  return aes_gcm_direct() ? keyed(key, key_length) : NULL;
}

void aes_gcm_free(aes_gcm_key *k) {
  if (k == NULL) return;
  OPENSSL_cleanse(k, sizeof *k);
  free(k);
}

/* NIST's GCM test case 4 (AES-128, 60 bytes of text, 20 of additional data): its ciphertext and tag, both ways. */
static int known_answer(void) {
  static const char text_hex[] = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
  static const char sealed_hex[] = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
                                   "5bc94fbc3221a5db94fae95ae7121a47";
  enum { N = 60 };
  uint8_t key[16], nonce[12], aad[20], text[N], sealed[N + 16], data[N + 16];
  if (hex_decode("feffe9928665731c6d6a8f9467308308", key, 16) != 0 || hex_decode("cafebabefacedbaddecaf888", nonce, 12) != 0 ||
      hex_decode("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, 20) != 0 || hex_decode(text_hex, text, N) != 0 ||
      hex_decode(sealed_hex, sealed, sizeof sealed) != 0)
    return 0;
  aes_gcm_key *k = keyed(key, 16);
  if (k == NULL) return 0;
  memcpy(data, text, N);
  aes_gcm_seal(k, nonce, aad, sizeof aad, data, N);
  int ok = memcmp(data, sealed, sizeof sealed) == 0 && aes_gcm_open(k, nonce, aad, sizeof aad, data, N, data) == 0 &&
           memcmp(data, text, N) == 0;
  memcpy(data, sealed, sizeof sealed);
  data[N] ^= 1;
  ok = ok && aes_gcm_open(k, nonce, aad, sizeof aad, data, N, data) == -1;
  aes_gcm_free(k);
  return ok;
}

/* EVP's AES-GCM sealing the same text: its ciphertext and tag into `out`. */
static int evp_seal(const uint8_t *key, size_t key_length, const uint8_t nonce[12], const uint8_t *aad, int aad_length, const uint8_t *in,
                    int length, uint8_t *out) {
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  int n = 0, ok = ctx != NULL &&
                  EVP_EncryptInit_ex(ctx, key_length == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
                  (aad_length == 0 || EVP_EncryptUpdate(ctx, NULL, &n, aad, aad_length) == 1) &&
                  (length == 0 || EVP_EncryptUpdate(ctx, out, &n, in, length) == 1) && EVP_EncryptFinal_ex(ctx, out + length, &n) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + length) == 1;
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

/*
 * Every path of aes_gcm_seal and aes_gcm_open (stitched or not, whole and partial blocks, additional data of a DTLS
 * 1.3 header, a 1.2 one and one with a connection ID) agrees with EVP's AES-GCM, for both key sizes.
 */
static int agrees_with_evp(void) {
  static const size_t lengths[] = {0, 1, 15, 16, 17, 95, 96, 97, 191, 287, 288, 289, 383, 1201, 1500};
  static const size_t aad_lengths[] = {0, 5, 13, 25};
  enum { MAX = 1500 };
  uint8_t key[32], nonce[12], aad[25], text[MAX], mine[MAX + 16], theirs[MAX + 16];
  for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)(7 * i + 1);
  for (size_t i = 0; i < sizeof nonce; i++) nonce[i] = (uint8_t)(11 * i + 3);
  for (size_t i = 0; i < sizeof aad; i++) aad[i] = (uint8_t)(13 * i + 5);
  for (size_t i = 0; i < MAX; i++) text[i] = (uint8_t)(i * 31 + (i >> 8));
  int ok = 1;
  for (size_t key_length = 16; key_length <= 32 && ok; key_length += 16) {
    aes_gcm_key *k = keyed(key, key_length);
    if (k == NULL) return 0;
    for (size_t a = 0; a < sizeof aad_lengths / sizeof *aad_lengths && ok; a++)
      for (size_t l = 0; l < sizeof lengths / sizeof *lengths && ok; l++) {
        size_t n = lengths[l], an = aad_lengths[a];
        memcpy(mine, text, n);
        aes_gcm_seal(k, nonce, aad, an, mine, n);
        ok = evp_seal(key, key_length, nonce, aad, (int)an, text, (int)n, theirs) && memcmp(mine, theirs, n + 16) == 0 &&
             aes_gcm_open(k, nonce, aad, an, theirs, n, theirs) == 0 && memcmp(theirs, text, n) == 0;
        mine[n / 2] ^= 0x80;
        ok = ok && aes_gcm_open(k, nonce, aad, an, mine, n, mine) == -1;
      }
    aes_gcm_free(k);
  }
  ERR_clear_error();
  return ok;
}

/* AES-NI, PCLMULQDQ, MOVBE and AVX with its registers saved by the system: what the routines resolved here need. */
static int cpu_has_routines(void) {
#if defined(__x86_64__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  const unsigned need = (1u << 1) | (1u << 22) | (1u << 25) | (1u << 27) | (1u << 28);
  if ((c & need) != need) return 0;
  unsigned lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  (void)hi;
  return (lo & 6) == 6;
#else
  return 0;
#endif
}

static void resolve(void) {
  const char *mode = getenv("DTLS13_NATIVE_AES");
  if ((mode != NULL && strcmp(mode, "evp") == 0) || !cpu_has_routines()) return;
  set_key = (set_key_fn)dlsym(RTLD_DEFAULT, "aesni_set_encrypt_key");
  encrypt_block = (block_fn)dlsym(RTLD_DEFAULT, "aesni_encrypt");
  ctr32 = (ctr32_fn)dlsym(RTLD_DEFAULT, "aesni_ctr32_encrypt_blocks");
  ghash_init = (ghash_init_fn)dlsym(RTLD_DEFAULT, "gcm_init_avx");
  ghash = (ghash_fn)dlsym(RTLD_DEFAULT, "gcm_ghash_avx");
  stitched_encrypt = (stitched_fn)dlsym(RTLD_DEFAULT, "aesni_gcm_encrypt");
  stitched_decrypt = (stitched_fn)dlsym(RTLD_DEFAULT, "aesni_gcm_decrypt");
  if (set_key == NULL || encrypt_block == NULL || ctr32 == NULL || ghash_init == NULL || ghash == NULL || stitched_encrypt == NULL ||
      stitched_decrypt == NULL)
    return;
  direct = known_answer() && agrees_with_evp();
}

int aes_gcm_direct(void) {
  pthread_once(&resolved, resolve);
  return direct;
}
