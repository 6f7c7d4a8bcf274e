/*
 * arena.h: per-request memory.
 *
 * A request owns one arena.  Everything made for the request comes from it
 * and is released at once by arena_reset() when the response has been sent.
 * The first block is kept across resets, so a worker in its steady state
 * makes no malloc calls for request memory at all.  Allocation never fails
 * silently: when malloc fails the functions return NULL and the caller
 * answers 500.
 */
#ifndef CLOUDPAM_LIB_ARENA_H
#define CLOUDPAM_LIB_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new arena whose first block holds at least first_size bytes. */
struct arena *arena_new(size_t first_size);

/* Release the arena and all it handed out.  Accepts NULL. */
void arena_free(struct arena *a);

/* Drop everything handed out; keep the first block for reuse. */
void arena_reset(struct arena *a);

/* size bytes aligned for any type, or NULL on overflow or out of memory. */
void *arena_alloc(struct arena *a, size_t size);

/* As arena_alloc, zero-filled; n * size is checked for overflow. */
void *arena_calloc(struct arena *a, size_t n, size_t size);

/* A NUL-terminated copy of the first len bytes of s. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* A NUL-terminated copy of s. */
char *arena_strdup(struct arena *a, const char *s);

/* printf into arena memory. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Bytes handed out since the last reset (for tests and metrics). */
size_t arena_used(const struct arena *a);

#endif
