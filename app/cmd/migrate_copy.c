/*
 * migrate_copy.c: `cloudpam migrate copy --from URL --to URL`, moving a
 * whole CloudPAM from one database to another (SQLite to PostgreSQL, or
 * back) in one run.
 *
 * The source is read in one read transaction, so the copy is one
 * consistent snapshot even if a server still runs on it; the target is
 * written in one transaction, so it ends up with everything or with
 * nothing.  The target must have been migrated by this binary (we say so
 * rather than migrate it ourselves, so the operator sees every step) and
 * hold no data yet: what `migrate up` seeds (settings, the default VRF,
 * the special-range policy) is replaced by the source's.
 *
 * Every table's rows are hashed as they leave the source and hashed again
 * as the target reads them back, inside the transaction before COMMIT:
 * SHA-256 over the canonical text of each row in key order (values joined
 * by 0x1f, each row ended by 0x1e, a NULL written as one 0x00 byte, which
 * no text value holds).  Any difference rolls everything back.
 *
 * On a terminal a progress bar is drawn on stderr (phase, table, percent,
 * rows, rows per second), at most ten times a second; piped or
 * redirected, stderr gets only the result.
 */
#include "cmd/migrate_copy.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "cmd/bar.h"
#include "lib/arena.h"
#include "store/store.h"

#define PAGE STORE_COPY_WRITE_MAX /* rows read and written at once */
#define SUM_SIZE 32               /* bytes of a SHA-256 */
#define SUM_SHOWN 6               /* bytes of it printed, as 12 hex digits */

enum phase { PHASE_COPY, PHASE_VERIFY, PHASE__MAX };

static const char *const phase_names[PHASE__MAX] = {
	"copying",   /* PHASE_COPY */
	"verifying", /* PHASE_VERIFY */
};

struct table_sum {
	int64_t rows[2];                /* source, target */
	unsigned char sum[2][SUM_SIZE]; /* source, target */
};

/* One run of the command. */
struct copy {
	struct store *from, *to;
	struct arena *pages[2]; /* a page and the one before it */
	EVP_MD_CTX *md;
	int side;      /* 0 hashing the source, 1 the target */
	int64_t total; /* rows of every table in the source */
	int64_t done;  /* rows through the current phase */
	enum phase phase;
	enum store_copy_table table;
	struct bar bar;
	struct table_sum tables[STORE_COPY__MAX];
};

/* The copy's frame of the bar (bar.h). */
static void
progress(struct copy *c, int last)
{
	char label[32];
	int64_t percent = c->total > 0 ? c->done * 100 / c->total : 100;

	/* A target that reads back more rows than were copied fails the
	 * copy; until then the bar stays whole (bar_draw caps at 100). */
	snprintf(label, sizeof(label), "%-9s %-16s", phase_names[c->phase],
	    store_copy_name(c->table));
	bar_draw(&c->bar, (int)c->phase, label,
	    (int)(percent > 100 ? 100 : percent), c->done, last);
}

static void
phase_begin(struct copy *c, enum phase phase)
{
	c->phase = phase;
	c->done = 0;
	bar_phase(&c->bar, (int)phase);
}

/* Hash n rows of t, as the header comment says. */
static int
sum_rows(struct copy *c, enum store_copy_table t, const char *const *values,
    size_t n)
{
	size_t cols = store_copy_columns(t), r, i;
	const char *v;
	int ok = 1;

	for (r = 0; r < n; r++) {
		for (i = 0; i < cols; i++) {
			v = values[r * cols + i];
			if (i > 0)
				ok &= EVP_DigestUpdate(c->md, "\x1f", 1);
			ok &= v ? EVP_DigestUpdate(c->md, v, strlen(v))
			        : EVP_DigestUpdate(c->md, "", 1);
		}
		ok &= EVP_DigestUpdate(c->md, "\x1e", 1);
	}
	return ok ? 0 : -1;
}

typedef int (*page_fn)(struct copy *c, enum store_copy_table t,
    const char *const *values, size_t n, struct err *err);

/* Read every row of t from st in key order, a page at a time, hashing
 * each page and handing it to fn. */
static int
each_page(struct copy *c, struct store *st, enum store_copy_table t, page_fn fn,
    struct err *err)
{
	size_t n, cols = store_copy_columns(t), k = 0;
	const char *const *after = NULL;
	const char **values;
	unsigned int len;

	c->table = t;
	if (EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1)
		return err_set(err, 500, "internal", "SHA-256 failed");
	do {
		/* The page before, in the other arena, holds after. */
		arena_reset(c->pages[k]);
		if (store_copy_read(st, t, after, PAGE, c->pages[k], &values,
		        &n, err) == -1)
			return -1;
		if (sum_rows(c, t, values, n) == -1)
			return err_set(err, 500, "internal", "SHA-256 failed");
		if (fn != NULL && fn(c, t, values, n, err) == -1)
			return -1;
		c->tables[t].rows[c->side] += (int64_t)n;
		c->done += (int64_t)n;
		progress(c, 0);
		after = n > 0 ? values + (n - 1) * cols : after;
		k ^= 1;
	} while (n == PAGE);
	if (EVP_DigestFinal_ex(c->md, c->tables[t].sum[c->side], &len) != 1)
		return err_set(err, 500, "internal", "SHA-256 failed");
	return 0;
}

static int
write_page(struct copy *c, enum store_copy_table t, const char *const *values,
    size_t n, struct err *err)
{
	return store_copy_write(c->to, t, values, n, err);
}

/* Copy every table, then move the target's ids past the source's. */
static int
copy_tables(struct copy *c, struct err *err)
{
	int64_t high;
	int t;

	phase_begin(c, PHASE_COPY);
	c->side = 0;
	for (t = 0; t < STORE_COPY__MAX; t++)
		if (each_page(c, c->from, t, write_page, err) == -1)
			return -1;
	progress(c, 1);
	for (t = 0; t < STORE_COPY__MAX; t++)
		if (store_copy_id_high(c->from, t, &high, err) == -1 ||
		    store_copy_set_id_high(c->to, t, high, err) == -1)
			return -1;
	return 0;
}

/* Read every table back from the target, inside its transaction. */
static int
verify_tables(struct copy *c, struct err *err)
{
	int t;

	phase_begin(c, PHASE_VERIFY);
	c->side = 1;
	for (t = 0; t < STORE_COPY__MAX; t++)
		if (each_page(c, c->to, t, NULL, err) == -1)
			return -1;
	progress(c, 1);
	return 0;
}

/* Print the table of counts and checksums; the number that differ. */
static int
report(const struct copy *c)
{
	const struct table_sum *s;
	int t, i, side, differ = 0, same;

	printf("%-18s %9s  %-12s  %s\n", "table", "rows", "source", "target");
	for (t = 0; t < STORE_COPY__MAX; t++) {
		s = &c->tables[t];
		same = s->rows[0] == s->rows[1] &&
		       memcmp(s->sum[0], s->sum[1], SUM_SIZE) == 0;
		differ += !same;
		printf("%-18s %9" PRId64 " ", store_copy_name(t), s->rows[0]);
		for (side = 0; side < 2; side++) {
			fputc(' ', stdout);
			for (i = 0; i < SUM_SHOWN; i++)
				printf("%02x", s->sum[side][i]);
			fputc(' ', stdout);
		}
		if (s->rows[0] != s->rows[1])
			printf(" MISMATCH (%" PRId64 " rows read back)\n",
			    s->rows[1]);
		else
			printf(" %s\n", same ? "ok" : "MISMATCH");
	}
	return differ;
}

/* url with the password of its user info, if any, as "***". */
static const char *
url_shown(struct arena *arena, const char *url)
{
	const char *user = strstr(url, "://"), *at, *colon;

	if (user == NULL)
		return url;
	user += 3;
	at = strchr(user, '@');
	colon = strchr(user, ':');
	if (at == NULL || colon == NULL || colon > at ||
	    memchr(user, '/', (size_t)(at - user)) != NULL)
		return url;
	return arena_printf(
	    arena, "%.*s***%s", (int)(colon + 1 - url), url, at);
}

/* Whether st (the "source" or "target" at url) is at the schema this
 * binary and the copy know; else say what to do. */
static int
schema_fit(
    struct store *st, const char *which, const char *url, struct arena *arena)
{
	struct store_schema s;
	struct err err = ERR_INIT;

	if (store_schema(st, &s, &err) == -1) {
		fprintf(stderr, "cloudpam migrate copy: the %s database: %s\n",
		    which, err.message);
		return -1;
	}
	if (s.current > s.known)
		fprintf(stderr,
		    "cloudpam migrate copy: the %s database is at schema "
		    "version %d, newer than this binary knows (%d); upgrade "
		    "cloudpam\n",
		    which, s.current, s.known);
	else if (s.current < s.known)
		fprintf(stderr,
		    "cloudpam migrate copy: the %s database is at schema "
		    "version %d of %d; run cloudpam migrate up "
		    "--database-url %s first\n",
		    which, s.current, s.known, url_shown(arena, url));
	else if (s.known != STORE_COPY_SCHEMA)
		fprintf(stderr,
		    "cloudpam migrate copy: this binary's schema is version "
		    "%d but the copy knows the tables of version %d only\n",
		    s.known, STORE_COPY_SCHEMA);
	else
		return 0;
	return -1;
}

/* 0 when the target holds nothing but what `migrate up` seeds; else -1,
 * having said which tables hold rows. */
static int
target_empty(struct copy *c, struct err *err)
{
	int64_t extra;
	int t, found = 0;

	for (t = 0; t < STORE_COPY__MAX; t++) {
		if (store_copy_extra(c->to, t, &extra, err) == -1)
			return -1;
		if (extra == 0)
			continue;
		fprintf(stderr, "%s%s: %" PRId64 " row%s",
		    found++ ? ", "
		            : "cloudpam migrate copy: the target database "
		              "already holds data (",
		    store_copy_name(t), extra, extra == 1 ? "" : "s");
	}
	if (found == 0)
		return 0;
	fprintf(stderr, "); copy only into a database that cloudpam migrate "
	                "up has just made\n");
	return err_set(err, 409, "not_empty", "the target is not empty");
}

/* Count the source's rows, for the bar. */
static int
count_source(struct copy *c, struct err *err)
{
	int64_t rows;
	int t;

	c->total = 0;
	for (t = 0; t < STORE_COPY__MAX; t++) {
		if (store_copy_count(c->from, t, &rows, err) == -1)
			return -1;
		c->total += rows;
	}
	return 0;
}

/*
 * The copy, in the two transactions.  0 when copied and committed; -1
 * when refused (said already; err's status 409) or failed (err says
 * why), the target rolled back.
 */
static int
run_copy(struct copy *c, struct err *err)
{
	double started = bar_seconds();

	if (store_begin(c->from, 0, err) == -1 ||
	    store_begin(c->to, 1, err) == -1 || count_source(c, err) == -1 ||
	    target_empty(c, err) == -1 ||
	    store_copy_clear_seeds(c->to, err) == -1 ||
	    copy_tables(c, err) == -1 || verify_tables(c, err) == -1)
		goto fail;
	bar_end(&c->bar);
	if (report(c) > 0) {
		fprintf(stderr, "cloudpam migrate copy: the target does not "
		                "read back what was copied; rolled back, the "
		                "target is unchanged\n");
		err_set(err, 409, "mismatch", "checksums differ");
		goto fail;
	}
	if (store_commit(c->to, err) == -1)
		goto fail;
	store_rollback(c->from);
	printf("copied %" PRId64 " rows in %.2f s; new ids continue past the "
	       "source's\n",
	    c->total, bar_seconds() - started);
	return 0;
fail:
	bar_end(&c->bar);
	store_rollback(c->to);
	store_rollback(c->from);
	return -1;
}

static int
usage(void)
{
	fprintf(stderr, "usage: cloudpam migrate copy --from URL --to URL\n"
	                "  URL: sqlite:PATH or postgres://...; the target "
	                "must be migrated and empty\n");
	return 2;
}

/* --from URL, --to URL, or --from=URL, --to=URL; -1 on anything else. */
static int
args_parse(int argc, char **argv, const char **from, const char **to)
{
	const char **slot, *value;
	int i;

	*from = *to = NULL;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--from", 6) == 0)
			slot = from, value = argv[i] + 6;
		else if (strncmp(argv[i], "--to", 4) == 0)
			slot = to, value = argv[i] + 4;
		else
			return -1;
		if (*value == '=')
			value++;
		else if (*value == '\0' && i + 1 < argc)
			value = argv[++i];
		else
			return -1;
		if (*slot != NULL || *value == '\0')
			return -1;
		*slot = value;
	}
	return *from != NULL && *to != NULL ? 0 : -1;
}

/* Open both databases and check their schemas. */
static int
open_both(const struct config *cfg, struct copy *c, const char *from,
    const char *to, struct arena *arena)
{
	struct store_options opt = { 0, 0, 0 };
	struct err err = ERR_INIT;

	opt.busy_timeout_ms = (int)config_int(cfg, CONFIG_BUSY_TIMEOUT);
	opt.readonly = 1;
	if ((c->from = store_open(from, &opt, &err)) == NULL) {
		fprintf(stderr,
		    "cloudpam migrate copy: the source database: "
		    "%s\n",
		    err.message);
		return -1;
	}
	opt.readonly = 0;
	if ((c->to = store_open(to, &opt, &err)) == NULL) {
		fprintf(stderr,
		    "cloudpam migrate copy: the target database: "
		    "%s\n",
		    err.message);
		return -1;
	}
	if (schema_fit(c->from, "source", from, arena) == -1 ||
	    schema_fit(c->to, "target", to, arena) == -1)
		return -1;
	return 0;
}

int
migrate_copy_main(const struct config *cfg, int argc, char **argv)
{
	struct copy c;
	struct err err = ERR_INIT;
	struct arena *arena = arena_new(4096);
	const char *from, *to;
	int rc = 1;

	if (args_parse(argc, argv, &from, &to) == -1) {
		arena_free(arena);
		return usage();
	}
	memset(&c, 0, sizeof(c));
	bar_init(&c.bar);
	c.pages[0] = arena_new(1 << 20);
	c.pages[1] = arena_new(1 << 20);
	c.md = EVP_MD_CTX_new();
	if (strcmp(from, to) == 0)
		fprintf(stderr, "cloudpam migrate copy: the source and the "
		                "target are the same database\n");
	else if (arena == NULL || c.pages[0] == NULL || c.pages[1] == NULL ||
	         c.md == NULL)
		fprintf(stderr, "cloudpam migrate copy: out of memory\n");
	else if (open_both(cfg, &c, from, to, arena) == 0 &&
	         run_copy(&c, &err) == 0)
		rc = 0;
	else if (err.status != 0 && err.status != 409)
		fprintf(stderr,
		    "cloudpam migrate copy: %s; nothing was copied\n",
		    err.message);
	EVP_MD_CTX_free(c.md);
	arena_free(c.pages[0]);
	arena_free(c.pages[1]);
	arena_free(arena);
	store_free(c.to);
	store_free(c.from);
	return rc;
}
