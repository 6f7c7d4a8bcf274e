/*
 * Unit tests for app/lib/arena.c and app/lib/buf.c.
 */
#include "lib/arena.h"
#include "lib/buf.h"
#include "unit/tap.h"

#include <stdint.h>
#include <string.h>

static void
test_arena(void)
{
	struct arena *a = arena_new(1024);
	char *s, *big;
	int i, aligned = 1;

	tap_ok(a != NULL, "arena_new");
	s = arena_strdup(a, "hello");
	tap_str(s, "hello", "arena_strdup copies");
	s = arena_printf(a, "%d-%s", 42, "x");
	tap_str(s, "42-x", "arena_printf formats");
	for (i = 0; i < 1000; i++) {
		void *p = arena_alloc(a, (size_t)(i % 37) + 1);
		if ((uintptr_t)p % _Alignof(max_align_t) != 0)
			aligned = 0;
	}
	tap_ok(aligned, "every allocation is aligned for any type");
	big = arena_alloc(a, 1 << 20);
	tap_ok(big != NULL, "allocation larger than a block gets its own");
	memset(big, 'x', 1 << 20);
	tap_ok(arena_alloc(a, SIZE_MAX) == NULL, "SIZE_MAX is refused");
	tap_ok(arena_calloc(a, SIZE_MAX / 2, 4) == NULL,
	    "calloc overflow is refused");
	arena_reset(a);
	tap_int((long long)arena_used(a), 0, "reset empties the arena");
	s = arena_strndup(a, "abcdef", 3);
	tap_str(s, "abc", "arena_strndup after reset");
	arena_free(a);
	arena_free(NULL);
	tap_ok(1, "arena_free accepts NULL");
}

static void
test_buf(void)
{
	struct buf b = BUF_INIT;
	int i;

	buf_puts(&b, "a");
	buf_printf(&b, "%05d", 42);
	tap_str(b.data, "a00042", "buf_puts and buf_printf");
	buf_reset(&b);
	buf_html_escape(&b, "<a href=\"x\">'&'</a>", 19);
	tap_str(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
	    "html escape covers & < > \" '");
	buf_reset(&b);
	buf_json_string(&b, "a\"b\\c\n\x01", 7);
	tap_str(b.data, "\"a\\\"b\\\\c\\n\\u0001\"", "json string escape");
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "0123456789");
	tap_int((long long)b.len, 1000000, "buf grows to 1,000,000 bytes");
	tap_ok(!b.oom, "no out-of-memory flag");
	buf_reset(&b);
	buf_reserve(&b, BUF_KEEP_MAX * 2);
	buf_reset(&b);
	tap_ok(b.cap <= BUF_KEEP_MAX, "reset gives back a huge buffer");
	buf_free(&b);
}

/*
 * The wiping itself cannot be seen from here (the memory is freed); what
 * can is that the buf is left as buf_free() leaves it, and that a zeroed
 * or already-wiped buf is accepted.
 */
static void
test_buf_wipe_free(void)
{
	struct buf b = BUF_INIT;

	buf_reserve(&b, 4096);
	buf_puts(&b, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY");
	buf_wipe_free(&b);
	if (!tap_ok(b.data == NULL && b.len == 0 && b.cap == 0 && !b.oom,
	        "buf_wipe_free leaves an empty buf"))
		tap_diag("have: data %p, len %zu, cap %zu, oom %d; "
		         "want: NULL, 0, 0, 0",
		    (void *)b.data, b.len, b.cap, b.oom);
	buf_wipe_free(&b);
	tap_ok(
	    b.data == NULL && b.cap == 0, "buf_wipe_free accepts a zeroed buf");
}

int
main(void)
{
	test_arena();
	test_buf();
	test_buf_wipe_free();
	return tap_done();
}
