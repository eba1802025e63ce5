#include "handle-table.h"

#include <stdlib.h>
#include <string.h>

#define INDEX_BITS 24
#define INDEX_MASK ((1u << INDEX_BITS) - 1)
/* 2,048 slots of a few hundred bytes: over glibc's 128 KiB mmap threshold, so each chunk is a mapping of its own. */
#define CHUNK_SLOTS 2048u
#define MAX_CHUNKS ((1u << INDEX_BITS) / CHUNK_SLOTS)
#define NO_SLOT UINT32_MAX

typedef struct {
  handle h;
  /* Bumped when the slot is freed, so an id of its earlier use names nothing (8 bits, in the id's top byte). */
  uint8_t generation;
  uint8_t in_use;
  /* The next free slot's index while this one is free. */
  uint32_t next_free;
} slot;

struct handle_table {
  slot *chunks[MAX_CHUNKS];
  uint32_t chunk_count;
  uint32_t free_head;
  uint32_t in_use;
};

handle_table *handle_table_new(void) {
  handle_table *t = calloc(1, sizeof *t);
  if (t != NULL) t->free_head = NO_SLOT;
  return t;
}

static slot *slot_at(const handle_table *t, uint32_t index) {
  uint32_t chunk = index / CHUNK_SLOTS;
  return chunk < t->chunk_count ? &t->chunks[chunk][index % CHUNK_SLOTS] : NULL;
}

void handle_table_free(handle_table *t, void (*release)(handle *)) {
  if (t == NULL) return;
  for (uint32_t c = 0; c < t->chunk_count; c++) {
    for (uint32_t i = 0; i < CHUNK_SLOTS; i++)
      if (t->chunks[c][i].in_use) release(&t->chunks[c][i].h);
    free(t->chunks[c]);
  }
  free(t);
}

/* A new chunk's slots, all free, on the free list. */
static int grow(handle_table *t) {
  if (t->chunk_count == MAX_CHUNKS) return 0;
  slot *chunk = calloc(CHUNK_SLOTS, sizeof *chunk);
  if (chunk == NULL) return 0;
  uint32_t base = t->chunk_count * CHUNK_SLOTS;
  for (uint32_t i = 0; i < CHUNK_SLOTS; i++) chunk[i].next_free = i + 1 < CHUNK_SLOTS ? base + i + 1 : t->free_head;
  t->chunks[t->chunk_count++] = chunk;
  t->free_head = base;
  return 1;
}

handle *handle_table_add(handle_table *t, int kind, uint32_t *id) {
  if (t->free_head == NO_SLOT && !grow(t)) return NULL;
  uint32_t index = t->free_head;
  slot *s = slot_at(t, index);
  t->free_head = s->next_free;
  memset(&s->h, 0, sizeof s->h);
  s->h.kind = kind;
  s->in_use = 1;
  t->in_use++;
  *id = index | (uint32_t)s->generation << INDEX_BITS;
  return &s->h;
}

handle *handle_table_get(handle_table *t, uint32_t id) {
  slot *s = slot_at(t, id & INDEX_MASK);
  return s != NULL && s->in_use && s->generation == id >> INDEX_BITS ? &s->h : NULL;
}

int handle_table_remove(handle_table *t, uint32_t id) {
  uint32_t index = id & INDEX_MASK;
  slot *s = slot_at(t, index);
  if (s == NULL || !s->in_use || s->generation != id >> INDEX_BITS) return 0;
  memset(&s->h, 0, sizeof s->h);
  s->in_use = 0;
  s->generation++;
  s->next_free = t->free_head;
  t->free_head = index;
  t->in_use--;
  return 1;
}

uint32_t handle_table_count(const handle_table *t) {
  return t->in_use;
}
