/*
 * Unit tests for the copy interface of app/store (store_copy.c and
 * sqlite_copy.c), between two real SQLite stores in temporary files:
 * what a fresh database counts as, pages read in key order (bytewise for
 * text keys, NULL kept apart from ""), every table copied and read back
 * the same, ids carried past the rows, and the limits refused.
 * t/api/migrate_copy.t runs the same interface on PostgreSQL.
 */
#include "store/store.h"
#include "unit/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct arena *arena;

struct db {
	char path[40];
	struct store *st;
};

static int
db_open(struct db *d)
{
	struct store_options opt = { 5000, 0, 0 };
	struct err err = ERR_INIT;
	char url[64];
	int fd, applied;

	snprintf(d->path, sizeof(d->path), "/tmp/cloudpam-unit-XXXXXX");
	if ((fd = mkstemp(d->path)) != -1)
		close(fd);
	snprintf(url, sizeof(url), "sqlite:%s", d->path);
	d->st = store_open(url, &opt, &err);
	if (d->st == NULL || store_migrate_up(d->st, &applied, &err) == -1) {
		printf("Bail out! %s\n", err.message);
		return -1;
	}
	return 0;
}

static void
db_close(struct db *d)
{
	char name[64];

	store_free(d->st);
	unlink(d->path);
	snprintf(name, sizeof(name), "%s-wal", d->path);
	unlink(name);
	snprintf(name, sizeof(name), "%s-shm", d->path);
	unlink(name);
}

/* Rows a fresh database holds beyond its seeds: none in any table. */
static void
test_fresh(struct store *st)
{
	struct err err = ERR_INIT;
	int64_t extra;
	int t;

	for (t = 0; t < STORE_COPY__MAX; t++) {
		extra = -1;
		store_copy_extra(st, t, &extra, &err);
		tap_int(extra, 0, store_copy_name(t));
	}
}

/* Fill the source through the store's own functions. */
static int64_t
fill(struct store *st)
{
	static const char *const keys[] = { "user:a", "user:~", "addr:A",
		"user:B", "addr:\xc3\xa9" };
	struct store_vrf vrf = { 0, "blue", "65000:1", "", NULL, NULL, 0 };
	struct store_user user = { 0, "alice", "Alice", "", "admin", "local",
		"", 1, NULL, NULL, NULL };
	struct store_throttle th = { 3, 1700000000, 0 };
	struct store_audit ev = { 0, NULL, "alice", "user", 0, "vrf.create",
		"vrf", "2", NULL, "{}", "", "" };
	struct err err = ERR_INIT;
	int64_t id, gone = 0;
	size_t i;

	store_vrf_insert(st, &vrf, &id, &err);
	vrf.name = "gone";
	store_vrf_insert(st, &vrf, &gone, &err);
	store_vrf_delete(st, gone, &err);
	store_user_insert(st, &user, &id, &err);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		store_throttle_put(st, keys[i], &th, &err);
	for (i = 0; i < 7; i++) {
		ev.before = i % 2 ? "" : NULL;
		store_audit_insert(st, &ev, &err);
	}
	return gone;
}

/* Pages of 3 audit events: 3, 3, 1 rows, ids rising, NULL kept. */
static void
test_pages(struct store *st)
{
	static const size_t want[] = { 3, 3, 1, 0 };
	const char *const *after = NULL;
	const char **v = NULL;
	struct err err = ERR_INIT;
	size_t page, n, cols = store_copy_columns(STORE_COPY_AUDIT_EVENTS);
	char name[64];
	long last = 0;
	int rising = 1;

	for (page = 0; page < 4; page++) {
		n = 99;
		store_copy_read(
		    st, STORE_COPY_AUDIT_EVENTS, after, 3, arena, &v, &n, &err);
		snprintf(name, sizeof(name), "audit page %zu: rows", page + 1);
		tap_int((long long)n, (long long)want[page], name);
		if (n > 0 && strtol(v[0], NULL, 10) <= last)
			rising = 0;
		if (n > 0)
			last = strtol(v[(n - 1) * cols], NULL, 10);
		if (page == 0) {
			tap_ok(v[8] == NULL, "before of event 1: NULL");
			tap_str(v[cols + 8], "", "before of event 2: \"\"");
		}
		after = n > 0 ? v + (n - 1) * cols : after;
	}
	tap_ok(rising, "pages follow each other in id order");
}

/* Text keys come in byte order, over pages of 2. */
static void
test_text_order(struct store *st)
{
	static const char *const want[] = { "addr:A", "addr:\xc3\xa9", "user:B",
		"user:a", "user:~" };
	const char *const *after = NULL;
	const char **v = NULL;
	struct err err = ERR_INIT;
	size_t n, i, k = 0;
	int ordered = 1;

	do {
		store_copy_read(st, STORE_COPY_LOGIN_THROTTLE, after, 2, arena,
		    &v, &n, &err);
		for (i = 0; i < n; i++, k++)
			if (k >= 5 || strcmp(v[i * 4], want[k]) != 0)
				ordered = 0;
		after = n > 0 ? v + (n - 1) * 4 : after;
	} while (n == 2);
	tap_ok(ordered && k == 5, "throttle keys in byte order");
}

/* Every row of every table from one store to the other. */
static int
copy_all(struct store *from, struct store *to, struct err *err)
{
	const char *const *after;
	const char **v;
	size_t n, cols;
	int64_t high;
	int t;

	if (store_begin(to, 1, err) == -1 ||
	    store_copy_clear_seeds(to, err) == -1)
		return -1;
	for (t = 0; t < STORE_COPY__MAX; t++) {
		cols = store_copy_columns(t);
		after = NULL;
		do {
			if (store_copy_read(
			        from, t, after, 4, arena, &v, &n, err) == -1 ||
			    store_copy_write(to, t, v, n, err) == -1)
				return -1;
			after = n > 0 ? v + (n - 1) * cols : after;
		} while (n == 4);
		if (store_copy_id_high(from, t, &high, err) == -1 ||
		    store_copy_set_id_high(to, t, high, err) == -1)
			return -1;
	}
	return store_commit(to, err);
}

/* Whether table t reads back the same from both stores. */
static int
same_rows(struct store *a, struct store *b, enum store_copy_table t)
{
	const char **va, **vb;
	size_t na, nb, i, cols = store_copy_columns(t);
	struct err err = ERR_INIT;

	if (store_copy_read(a, t, NULL, 1000, arena, &va, &na, &err) == -1 ||
	    store_copy_read(b, t, NULL, 1000, arena, &vb, &nb, &err) == -1 ||
	    na != nb)
		return 0;
	for (i = 0; i < na * cols; i++)
		if ((va[i] == NULL) != (vb[i] == NULL) ||
		    (va[i] != NULL && strcmp(va[i], vb[i]) != 0))
			return 0;
	return 1;
}

static void
test_copy(struct store *from, struct store *to, int64_t gone)
{
	struct store_vrf vrf = { 0, "red", "", "", NULL, NULL, 0 };
	struct err err = ERR_INIT;
	const char *rows[STORE_COPY_WRITE_MAX + 1] = { NULL };
	int64_t id = 0, high = 0;
	char name[64];
	int t;

	if (!tap_ok(copy_all(from, to, &err) == 0, "copy every table"))
		tap_diag("have: %s; want: copied", err.message);
	for (t = 0; t < STORE_COPY__MAX; t++) {
		snprintf(name, sizeof(name), "%s: the same rows",
		    store_copy_name(t));
		tap_ok(same_rows(from, to, t), "%s", name);
	}
	store_copy_id_high(to, STORE_COPY_VRFS, &high, &err);
	tap_int(high, gone, "the deleted VRF's id is carried");
	store_vrf_insert(to, &vrf, &id, &err);
	tap_int(id, gone + 1, "a new VRF's id is past it");
	store_copy_id_high(to, STORE_COPY_SESSIONS, &high, &err);
	tap_int(high, 0, "a table without ids: high 0");
	tap_int(store_copy_write(to, STORE_COPY_SESSIONS, rows,
	            STORE_COPY_WRITE_MAX + 1, &err),
	    -1, "more rows a write than STORE_COPY_WRITE_MAX: refused");
	store_copy_extra(to, STORE_COPY_USERS, &id, &err);
	tap_int(id, 1, "the copy is not empty: users");
}

int
main(void)
{
	struct db from, to;
	int64_t gone;

	arena = arena_new(1 << 16);
	if (db_open(&from) == -1 || db_open(&to) == -1)
		return 1;
	test_fresh(to.st);
	gone = fill(from.st);
	test_pages(from.st);
	test_text_order(from.st);
	test_copy(from.st, to.st, gone);
	db_close(&from);
	db_close(&to);
	arena_free(arena);
	return tap_done();
}
