/*
 * arena.c: a bump allocator made of a chain of blocks.
 *
 * Blocks grow geometrically; a request larger than a block gets a block of
 * its own.  arena_reset() frees every block but the first, so the steady
 * state of a worker is one block reused for every request.
 */
#include "lib/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN (_Alignof(max_align_t))

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes in data */
	size_t used;
	max_align_t data[];
};

struct arena {
	struct arena_block *first;
	struct arena_block *current;
	size_t next_size; /* size of the next block to make */
	size_t total;     /* bytes handed out since reset */
};

static struct arena_block *
block_new(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *
arena_new(size_t first_size)
{
	struct arena *a;

	if (first_size < 1024)
		first_size = 1024;
	a = malloc(sizeof(*a));
	if (a == NULL)
		return NULL;
	a->first = block_new(first_size);
	if (a->first == NULL) {
		free(a);
		return NULL;
	}
	a->current = a->first;
	a->next_size = first_size * 2;
	a->total = 0;
	return a;
}

static void
blocks_free(struct arena_block *b)
{
	struct arena_block *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	blocks_free(a->first);
	free(a);
}

void
arena_reset(struct arena *a)
{
	blocks_free(a->first->next);
	a->first->next = NULL;
	a->first->used = 0;
	a->current = a->first;
	a->next_size = a->first->size * 2;
	a->total = 0;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->current;
	size_t rounded, want;
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	rounded = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (rounded == 0)
		rounded = ARENA_ALIGN;
	if (b->size - b->used < rounded) {
		want = a->next_size > rounded ? a->next_size : rounded;
		b = block_new(want);
		if (b == NULL)
			return NULL;
		a->current->next = b;
		a->current = b;
		if (a->next_size < (size_t)64 << 20)
			a->next_size *= 2;
	}
	p = (char *)b->data + b->used;
	b->used += rounded;
	a->total += rounded;
	return p;
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	p = arena_alloc(a, n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = arena_alloc(a, len + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list copy;
	char *p;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}
