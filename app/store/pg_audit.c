/*
 * pg_audit.c: the audit log on PostgreSQL.
 *
 * Readers follow the log by id: an export asks for the events after the
 * last id it held.  So an id must never become visible after a higher
 * one.  On PostgreSQL writers run side by side, and a transaction that
 * drew id 10 could commit after one that drew id 11: a reader that saw 11
 * would never see 10.  Hence a transaction's events are not inserted as
 * they happen but kept here, as the array literals of their columns, and
 * inserted at its commit by one statement that first takes a transaction
 * lock (pg_advisory_xact_lock): ids are drawn under the lock, which is
 * held until the commit is done, so they are handed out in commit order.
 * The lock covers only that insert and the commit, never a long import
 * while it runs.  An event outside a transaction is one of its own.
 * (SQLite needs none of this: it has one writer at a time.)
 */
#include "store/pg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_EVENTS 1000 /* events per insert statement */

/* --- a transaction's events, until its commit --- */

/* Append s to array literal b as its element number i (NULL: NULL). */
static void
put_element(struct buf *b, size_t i, const char *s)
{
	size_t run;

	buf_putc(b, i == 0 ? '{' : ',');
	if (s == NULL) {
		buf_puts(b, "NULL");
		return;
	}
	buf_putc(b, '"');
	for (;;) {
		run = strcspn(s, "\\\"");
		buf_append(b, s, run);
		if (s[run] == '\0')
			break;
		buf_putc(b, '\\');
		buf_putc(b, s[run]);
		s += run + 1;
	}
	buf_putc(b, '"');
}

/* The batch to add to: the last, or a new one when it is full. */
static struct pg_audit_batch *
batch_open(struct pg_store *db, struct err *err)
{
	struct pg_audit_batch *more;
	size_t cap;

	if (db->naudit > 0 && db->audit[db->naudit - 1].n < BATCH_EVENTS)
		return &db->audit[db->naudit - 1];
	if (db->naudit == db->audit_cap) {
		cap = db->audit_cap ? db->audit_cap * 2 : 4;
		if ((more = realloc(db->audit, cap * sizeof(*more))) == NULL) {
			err_set(err, 500, "internal", "out of memory");
			return NULL;
		}
		memset(more + db->audit_cap, 0,
		    (cap - db->audit_cap) * sizeof(*more));
		db->audit = more;
		db->audit_cap = cap;
	}
	return &db->audit[db->naudit++];
}

static int
batch_add(struct pg_store *db, const struct store_audit *in, struct err *err)
{
	struct pg_audit_batch *b = batch_open(db, err);
	const char *text[PG_AUDIT_COLUMNS];
	char key_id[PG_NUMBER_SIZE];
	size_t i;
	int oom = 0;

	if (b == NULL)
		return -1;
	snprintf(key_id, sizeof(key_id), "%lld", (long long)in->key_id);
	text[0] = in->actor;
	text[1] = in->actor_type;
	text[2] = in->action;
	text[3] = in->object_type;
	text[4] = in->object_id ? in->object_id : "";
	text[5] = in->before;
	text[6] = in->after;
	text[7] = in->request_id ? in->request_id : "";
	text[8] = in->client_addr ? in->client_addr : "";
	text[9] = key_id;
	for (i = 0; i < PG_AUDIT_COLUMNS; i++) {
		put_element(&b->col[i], b->n, text[i]);
		oom |= b->col[i].oom;
	}
	b->n++;
	return oom ? err_set(err, 500, "internal", "out of memory") : 0;
}

void
pg_audit_discard(struct pg_store *db)
{
	size_t i, j;

	/* The first batch keeps its memory for the next transaction. */
	for (i = 0; i < db->naudit; i++) {
		for (j = 0; j < PG_AUDIT_COLUMNS; j++)
			if (i == 0)
				buf_reset(&db->audit[i].col[j]);
			else
				buf_free(&db->audit[i].col[j]);
		db->audit[i].n = 0;
	}
	db->naudit = 0;
}

void
pg_audit_free(struct pg_store *db)
{
	size_t j;

	pg_audit_discard(db);
	if (db->audit != NULL)
		for (j = 0; j < PG_AUDIT_COLUMNS; j++)
			buf_free(&db->audit[0].col[j]);
	free(db->audit);
	db->audit = NULL;
	db->audit_cap = 0;
}

int
pg_audit_flush(struct store *st, struct err *err)
{
	struct pg_store *db = pg_of(st);
	struct pg_params p = PG_PARAMS_INIT;
	struct pg_audit_batch *b;
	size_t i, j;
	int rc = 0;

	for (i = 0; i < db->naudit && rc == 0; i++) {
		b = &db->audit[i];
		for (j = 0; j < PG_AUDIT_COLUMNS; j++) {
			buf_putc(&b->col[j], '}');
			if (b->col[j].oom) {
				rc = err_set(
				    err, 500, "internal", "out of memory");
				break;
			}
			pg_text(&p, (int)j + 1, b->col[j].data);
		}
		if (rc == 0)
			rc = pg_exec_done(st, PGQ_AUDIT_INSERT, &p, err);
	}
	pg_audit_discard(db);
	return rc;
}

int
pg_audit_insert(struct store *st, const struct store_audit *in, struct err *err)
{
	struct pg_store *db = pg_of(st);

	if (db->in_transaction)
		return batch_add(db, in, err);
	if (pg_begin(st, 1, err) == -1)
		return -1;
	if (batch_add(db, in, err) == -1) {
		pg_rollback(st);
		return -1;
	}
	return pg_commit(st, err);
}

/* --- reading --- */

static int
audit_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	struct store_audit *a = out;
	const char **texts[] = { &a->at, &a->actor, &a->actor_type, &a->action,
		&a->object_type, &a->object_id, &a->before, &a->after,
		&a->request_id, &a->client_addr };
	size_t i;

	a->id = pg_col_int(r, row, 0);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (PQgetisnull(r, row, (int)i + 1)) {
			*texts[i] = NULL;
			continue;
		}
		if ((*texts[i] = pg_col_text(r, row, (int)i + 1, arena)) ==
		    NULL)
			return -1;
	}
	a->key_id = pg_col_int(r, row, 11);
	return a->at && a->actor && a->action ? 0 : -1;
}

static void
audit_filter_params(struct pg_params *p, const struct store_audit_filter *f)
{
	pg_text(p, 1, f->actor);
	pg_text(p, 2, f->action);
	pg_text(p, 3, f->object_type);
	pg_text(p, 4, f->object_id);
	pg_text(p, 5, f->since);
	pg_text(p, 6, f->until);
	if (f->after_id > 0)
		pg_int(p, 7, f->after_id);
	else
		pg_null(p, 7);
}

int
pg_audit_list(struct store *st, struct arena *arena,
    const struct store_audit_filter *f, struct store_page *page,
    struct store_audit **out, size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	*n = 0;
	audit_filter_params(&p, f);
	if (pg_count(st, PGQ_AUDIT_COUNT, &p, &page->total, err) == -1)
		return -1;
	pg_limit(&p, 8, page->limit);
	pg_int(&p, 9, page->offset);
	return pg_rows(st,
	    f->after_id > 0 ? PGQ_AUDIT_LIST_ASC : PGQ_AUDIT_LIST, &p,
	    page->limit, arena, sizeof(**out), audit_row, (void **)out, n, err);
}
