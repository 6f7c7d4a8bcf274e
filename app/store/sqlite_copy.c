/*
 * sqlite_copy.c: whole tables read and written on SQLite, for
 * `cloudpam migrate copy` (store_copy.c describes the tables).
 *
 * The statements are made from the descriptions: the only text put into
 * them besides fixed SQL is a table or column name of store_copy_defs,
 * and every value is bound.  A copy runs once, so each call prepares its
 * statement and finalizes it; none joins the connection's table.
 *
 * SQLite keeps every column in its canonical text already (times as ISO
 * 8601 text, flags 0 and 1, "" for a login never made), so a column is
 * read and written as it is; integers and flags are bound as integers,
 * which STRICT tables want.
 */
#include "store/sqlite_internal.h"

#include <errno.h>
#include <stdlib.h>

#include "lib/buf.h"

/* Append the names of the first n columns of d, quoted. */
static void
put_names(struct buf *b, const struct store_copy_def *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(
		    b, "%s\"%s\"", i > 0 ? ", " : "", d->columns[i].name);
}

/* Append "?first, ..." for n parameters. */
static void
put_params(struct buf *b, size_t first, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s?%zu", i > 0 ? ", " : "", first + i);
}

/* Prepare the statement b holds, and free b.  NULL with err on failure. */
static sqlite3_stmt *
prepare(struct store *st, struct buf *b, struct err *err)
{
	sqlite3_stmt *s = NULL;

	if (b->oom)
		err_set(err, 500, "internal", "out of memory");
	else if (sqlite3_prepare_v2(sqlite_db(st), b->data, -1, &s, NULL) !=
	         SQLITE_OK)
		sqlite_fail(st, err, "copy: prepare");
	buf_free(b);
	return s;
}

/* Bind value v of a column of kind to parameter i. */
static void
bind_value(sqlite3_stmt *s, int i, enum store_copy_kind kind, const char *v)
{
	long long n;
	char *end;

	if (v == NULL) {
		sqlite3_bind_null(s, i);
		return;
	}
	if (kind == STORE_COPY_INT || kind == STORE_COPY_BOOL) {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*v != '\0' && *end == '\0' && errno == 0) {
			sqlite3_bind_int64(s, i, n);
			return;
		}
	}
	sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* The current row of s into row, d->ncolumns values.  -1 out of memory. */
static int
row_read(sqlite3_stmt *s, const struct store_copy_def *d, struct arena *arena,
    const char **row)
{
	size_t c;

	for (c = 0; c < d->ncolumns; c++) {
		if (sqlite3_column_type(s, (int)c) == SQLITE_NULL)
			continue;
		row[c] = sqlite_col_text(s, (int)c, arena);
		if (row[c] == NULL)
			return -1;
	}
	return 0;
}

/* SELECT the columns of d after the key of after (NULL: from the start),
 * in key order, LIMIT the last parameter. */
static void
select_sql(struct buf *b, const struct store_copy_def *d, int after)
{
	buf_puts(b, "SELECT ");
	put_names(b, d, d->ncolumns);
	buf_printf(b, " FROM \"%s\"", d->name);
	if (after) {
		buf_puts(b, " WHERE (");
		put_names(b, d, d->nkeys);
		buf_puts(b, ") > (");
		put_params(b, 1, d->nkeys);
		buf_puts(b, ")");
	}
	buf_puts(b, " ORDER BY ");
	put_names(b, d, d->nkeys);
	buf_printf(b, " LIMIT ?%zu", (after ? d->nkeys : 0) + 1);
}

int
sqlite_copy_read(struct store *st, const struct store_copy_def *d,
    const char *const *after, size_t limit, struct arena *arena,
    const char ***values, size_t *n, struct err *err)
{
	struct buf b = BUF_INIT;
	const char **v;
	sqlite3_stmt *s;
	size_t c;
	int rc = SQLITE_DONE;

	*n = 0;
	select_sql(&b, d, after != NULL);
	if ((s = prepare(st, &b, err)) == NULL)
		return -1;
	for (c = 0; after != NULL && c < d->nkeys; c++)
		bind_value(s, (int)c + 1, d->columns[c].kind, after[c]);
	sqlite3_bind_int64(
	    s, (int)(after ? d->nkeys : 0) + 1, (sqlite3_int64)limit);
	v = arena_calloc(
	    arena, limit > 0 ? limit : 1, d->ncolumns * sizeof(*v));
	while (
	    v != NULL && *n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (row_read(s, d, arena, v + *n * d->ncolumns) == -1)
			v = NULL;
		else
			(*n)++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		sqlite_fail(st, err, d->name);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (v == NULL)
		return err_set(err, 500, "internal", "out of memory");
	*values = v;
	return 0;
}

/* Fill err for a row of d that SQLite refused, in SQLite's words. */
static int
write_fail(struct store *st, const struct store_copy_def *d, struct err *err)
{
	sqlite3 *db = sqlite_db(st);
	int constraint =
	    (sqlite3_extended_errcode(db) & 0xff) == SQLITE_CONSTRAINT;

	sqlite_fail(st, err, d->name);
	if (constraint)
		err_set(err, 409, "conflict", "%s: %s", d->name,
		    sqlite3_errmsg(db));
	return -1;
}

int
sqlite_copy_write(struct store *st, const struct store_copy_def *d,
    const char *const *values, size_t n, struct err *err)
{
	struct buf b = BUF_INIT;
	sqlite3_stmt *s;
	size_t r, c;
	int rc = 0;

	buf_printf(&b, "INSERT INTO \"%s\" (", d->name);
	put_names(&b, d, d->ncolumns);
	buf_puts(&b, ") VALUES (");
	put_params(&b, 1, d->ncolumns);
	buf_puts(&b, ")");
	if ((s = prepare(st, &b, err)) == NULL)
		return -1;
	for (r = 0; r < n && rc == 0; r++) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		for (c = 0; c < d->ncolumns; c++)
			bind_value(s, (int)c + 1, d->columns[c].kind,
			    values[r * d->ncolumns + c]);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = write_fail(st, d, err);
	}
	sqlite3_finalize(s);
	return rc;
}

/* Run the statement b holds, binding name to ?1 and number to ?2 when
 * it has them; the first column of its row, if any, into *out. */
static int
run(struct store *st, struct buf *b, const char *name, int64_t number,
    int64_t *out, struct err *err)
{
	sqlite3_stmt *s = prepare(st, b, err);
	int rc;

	if (s == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(s) >= 1)
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int64(s, 2, number);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && out != NULL)
		*out = sqlite3_column_int64(s, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		sqlite_fail(st, err, name);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
sqlite_copy_count(struct store *st, const struct store_copy_def *d,
    int64_t *rows, struct err *err)
{
	struct buf b = BUF_INIT;

	*rows = 0;
	buf_printf(&b, "SELECT count(*) FROM \"%s\"", d->name);
	return run(st, &b, d->name, 0, rows, err);
}

int
sqlite_copy_clear(
    struct store *st, const struct store_copy_def *d, struct err *err)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "DELETE FROM \"%s\"", d->name);
	return run(st, &b, d->name, 0, NULL, err);
}

/* id_high (0005_ids.sql) holds the highest id given of the tables whose
 * rows may be deleted; the others never lose their highest row. */
int
sqlite_copy_id_high(struct store *st, const struct store_copy_def *d,
    int64_t *high, struct err *err)
{
	struct buf b = BUF_INIT;

	*high = 0;
	buf_printf(&b,
	    "SELECT max(coalesce((SELECT high FROM id_high WHERE name = ?1), "
	    "0), coalesce((SELECT max(\"id\") FROM \"%s\"), 0))",
	    d->name);
	return run(st, &b, d->name, 0, high, err);
}

int
sqlite_copy_set_id_high(struct store *st, const struct store_copy_def *d,
    int64_t high, struct err *err)
{
	struct buf b = BUF_INIT;

	/* A table without a row in id_high takes max(id) + 1 anyway. */
	buf_puts(&b, "UPDATE id_high SET high = max(high, ?2) WHERE name = ?1");
	return run(st, &b, d->name, high, NULL, err);
}
